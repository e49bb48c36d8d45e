import { describe, expect, it } from 'vitest';
import { toReplyOptions, toUpdateOptions } from '../src/discord/payload.js';

const embed = { title: 'A paper', description: 'Abstract' };
const row = { type: 1, components: [{ type: 2, style: 1, label: 'Share', custom_id: 'paper:share:2401.00001' }] };

describe('toReplyOptions', () => {
	it('carries embeds, components and content, and always disables mentions', () => {
		expect(toReplyOptions({ content: 'Shared by <@1>', embeds: [embed], components: [row] } as never)).toEqual({
			content: 'Shared by <@1>',
			embeds: [embed],
			components: [row],
			allowedMentions: { parse: [] },
		});
	});

	it('keeps only the ephemeral flag, and omits content when there is none', () => {
		const options = toReplyOptions({ embeds: [embed], flags: 64 | 4 } as never);
		expect(options).toEqual({ embeds: [embed], components: [], allowedMentions: { parse: [] }, flags: 64 });
		expect('content' in options).toBe(false);
		expect('flags' in toReplyOptions({ content: 'x', flags: 4 } as never)).toBe(false);
	});
});

describe('toUpdateOptions', () => {
	it('replaces the whole message: absent parts are cleared, mentions disabled', () => {
		expect(toUpdateOptions({ embeds: [embed] } as never)).toEqual({ content: '', embeds: [embed], components: [], allowedMentions: { parse: [] } });
	});
});
