import { describe, expect, it } from 'vitest';
import { hashRange } from '../src/search/tokenize.js';
import { Vocabulary } from '../src/search/vocabulary.js';

describe('Vocabulary', () => {
	it('gives one id per lower-cased term, across growth', () => {
		const vocabulary = new Vocabulary();
		const text = 'Alpha';
		const id = vocabulary.idOfRange(text, 0, 5, hashRange('alpha', 0, 5), false);
		expect(vocabulary.idOfRange('alpha', 0, 5, hashRange('alpha', 0, 5), true)).toBe(id);
		for (let i = 0; i < 100_000; i++) {
			const term = `t${i}`;
			vocabulary.idOfRange(term, 0, term.length, hashRange(term, 0, term.length), true);
		}
		expect(vocabulary.size).toBe(100_001);
		expect(vocabulary.find('alpha')).toBe(id);
		expect(vocabulary.terms[vocabulary.find('t99999')]).toBe('t99999');
		expect(vocabulary.find('missing')).toBe(-1);
	});
});
