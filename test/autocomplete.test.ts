import { describe, expect, it } from 'vitest';
import { formatAutocompleteChoices } from '../src/cards/autocomplete.js';
import { createRandom, expectValidChoices, nastyPapers, samplePaper } from './cards-support.js';

describe('formatAutocompleteChoices', () => {
	it('uses the title as name and the paper id as value', () => {
		expect(formatAutocompleteChoices([samplePaper()])).toEqual([{ name: 'Direct Preference Optimization for *Diffusion* Models', value: '2401.01234' }]);
	});

	it('can use the title as the value for a free-text query option', () => {
		const [choice] = formatAutocompleteChoices([samplePaper({ title: 'word '.repeat(50) })], 'title');
		expect(choice?.value.length).toBeLessThanOrEqual(100);
		expect(choice?.value.endsWith('…')).toBe(false);
	});

	it('caps at 25 choices, skips duplicates and never sends an empty name', () => {
		const papers = Array.from({ length: 40 }, (_, i) => samplePaper({ id: `2401.${String(10000 + i)}`, title: i === 0 ? '\u200b' : `T${i}` }));
		const choices = formatAutocompleteChoices([papers[1] ?? samplePaper(), ...papers]);
		expect(choices).toHaveLength(25);
		expect(choices.find((choice) => choice.value === '2401.10000')?.name).toBe('2401.10000');
		expectValidChoices(choices);
	});

	it('satisfies the schema for 300 adversarial lists', () => {
		const random = createRandom(31);
		for (let i = 0; i < 300; i++) {
			expectValidChoices(formatAutocompleteChoices(nastyPapers(random, i % 30), i % 2 === 0 ? 'id' : 'title'));
		}
	});
});
