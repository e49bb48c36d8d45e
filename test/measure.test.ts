import { describe, expect, it } from 'vitest';
import { COMPONENTS_V2_FLAG } from '../src/cards/limits.js';
import { checkAutocompleteChoices, checkMessageLimits, embedsCharacterCount } from '../src/cards/measure.js';

const button = (id: string) => ({ type: 2, style: 1, custom_id: id, label: id });

describe('embedsCharacterCount', () => {
	it('sums titles, descriptions, field names and values, footers and author names across embeds', () => {
		const embeds = [
			{ title: 'ab', description: 'cde', fields: [{ name: 'f', value: 'gh' }], footer: { text: 'i' }, author: { name: 'jk' }, url: 'https://not.counted' },
			{ title: 'l' },
		];
		expect(embedsCharacterCount(embeds)).toBe(12);
		expect(embedsCharacterCount(undefined)).toBe(0);
	});
});

describe('checkMessageLimits', () => {
	it('accepts a reasonable message', () => {
		expect(
			checkMessageLimits({ content: 'hi', embeds: [{ title: 't' }], components: [{ type: 1, components: [button('a')] }] }, { requireBody: true }),
		).toEqual([]);
	});

	it('reports the 6,000-character total even when every field is within its own limit', () => {
		const embed = { description: 'x'.repeat(4000) };
		expect(checkMessageLimits({ embeds: [embed, embed] })).toEqual(['embeds: 8000 characters across embeds > 6000']);
	});

	it('reports per-field limits, too many embeds and long content', () => {
		const problems = checkMessageLimits({
			content: 'c'.repeat(2001),
			embeds: [
				...Array.from({ length: 10 }, () => ({})),
				{ title: 't'.repeat(257), fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v'.repeat(1025) })) },
			],
		});
		expect(problems).toContain('content: 2001 characters > 2000');
		expect(problems).toContain('embeds: 11 > 10');
		expect(problems).toContain('embeds[10].title: 257 characters > 256');
		expect(problems).toContain('embeds[10].fields: 26 > 25');
		expect(problems).toContain('embeds[10].fields[0].value: 1025 characters > 1024');
	});

	it('reports too many rows, too many buttons, duplicate and long custom_ids, bad buttons', () => {
		const rows = Array.from({ length: 6 }, (_, r) => ({ type: 1, components: [button(`r${r}`)] }));
		rows[0] = { type: 1, components: Array.from({ length: 6 }, (_, i) => button(`b${i}`)) };
		rows[1] = { type: 1, components: [button('b0'), button('x'.repeat(101))] };
		rows[2] = { type: 1, components: [{ type: 2, style: 5, label: 'link', custom_id: 'c' } as never] };
		rows[3] = { type: 1, components: [{ type: 3, custom_id: 'sel', options: [] }, button('y')] as never };
		const problems = checkMessageLimits({ components: rows });
		expect(problems).toContain('components: 6 action rows > 5');
		expect(problems).toContain('components[0].components: 6 > 5');
		expect(problems.some((p) => p.startsWith('components[1].components[0].custom_id: duplicates components[0].components[0]'))).toBe(true);
		expect(problems).toContain('components[1].components[1].custom_id: 101 characters > 100');
		expect(problems).toContain('components[2].components[0]: a link button needs a url');
		expect(problems).toContain('components[2].components[0]: a link button cannot have a custom_id');
		expect(problems).toContain('components[3]: a select menu must be alone in its action row');
	});

	it('checks components-v2 messages by total count and forbids content there', () => {
		const many = Array.from({ length: 41 }, (_, i) => ({ type: 10, content: `t${i}` }));
		expect(checkMessageLimits({ flags: COMPONENTS_V2_FLAG, components: many, content: 'x' })).toEqual([
			'content: not allowed with the components-v2 flag',
			'components: 41 components > 40',
		]);
	});

	it('reports an empty message only when a body is required', () => {
		expect(checkMessageLimits({ content: '  ' })).toEqual([]);
		expect(checkMessageLimits({ content: '  ' }, { requireBody: true })).toHaveLength(1);
	});

	it('reports allowed_mentions parse lists that conflict with explicit ids', () => {
		expect(checkMessageLimits({ content: 'x', allowed_mentions: { parse: ['users'], users: ['1'] } })).toHaveLength(1);
	});

	it('never throws on garbage', () => {
		for (const value of [null, 1, 'x', [], { embeds: 'x', components: {} }, { embeds: [null, 1], components: [null, { type: 1 }] }]) {
			expect(() => checkMessageLimits(value)).not.toThrow();
		}
		expect(checkMessageLimits(null)).toEqual(['message: not an object']);
	});
});

describe('checkAutocompleteChoices', () => {
	it('reports too many choices and over-long or empty names and values', () => {
		const choices = Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: `v${i}` }));
		choices[0] = { name: '', value: 'v'.repeat(101) };
		expect(checkAutocompleteChoices(choices)).toEqual([
			'choices: 26 > 25',
			'choices[0].name: must be a non-empty string',
			'choices[0].value: 101 characters > 100',
		]);
		expect(checkAutocompleteChoices([{ name: 'a', value: 1 }])).toEqual([]);
	});
});
