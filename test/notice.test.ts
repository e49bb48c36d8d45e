import { describe, expect, it } from 'vitest';
import { EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { formatNotice } from '../src/cards/notice.js';
import { createRandom, expectValidMessage, nastyText } from './cards-support.js';

describe('formatNotice', () => {
	it('is a short ephemeral message by default', () => {
		expect(formatNotice('No paper with id **x**.')).toEqual({ content: 'No paper with id **x**.', allowed_mentions: { parse: [] }, flags: EPHEMERAL_FLAG });
		expect(formatNotice('Posted.', { ephemeral: false }).flags).toBeUndefined();
	});

	it('defuses mentions and never sends an empty or over-long message', () => {
		expect(formatNotice('@everyone').content).toBe('@\u200beveryone');
		expect(formatNotice('').content).toBe('Done.');
		const random = createRandom(21);
		for (let i = 0; i < 300; i++) {
			const payload = formatNotice(random() < 0.1 ? 'x'.repeat(10_000) : nastyText(random, 3000), { ephemeral: random() < 0.5 });
			expectValidMessage(payload);
			expect(payload.content).not.toMatch(/@(?:everyone|here)|<[@#]/);
		}
	});
});
