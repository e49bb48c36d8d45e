import { describe, expect, it } from 'vitest';
import { hashRange } from '../src/search/tokenize.js';
import { Vocabulary } from '../src/search/vocabulary.js';

describe('Vocabulary', () => {
	it('keeps every term findable as it grows far past the size it was made for', () => {
		const vocabulary = new Vocabulary(1);
		const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}x${'y'.repeat(i % 7)}`);
		const ids = words.map((word) => vocabulary.idOfRange(word, 0, word.length, hashRange(word, 0, word.length), true));
		expect(new Set(ids).size).toBe(words.length);
		expect(words.every((word, i) => vocabulary.find(word) === ids[i])).toBe(true);
		expect(vocabulary.terms).toEqual(words);
	});

	it('folds ASCII capitals of a range to the same term', () => {
		const vocabulary = new Vocabulary();
		const text = 'Diffusion diffusion';
		const first = vocabulary.idOfRange(text, 0, 9, hashRange('diffusion', 0, 9), false);
		expect(vocabulary.idOfRange(text, 10, 19, hashRange('diffusion', 0, 9), true)).toBe(first);
		expect(vocabulary.find('diffusion')).toBe(first);
	});
});
