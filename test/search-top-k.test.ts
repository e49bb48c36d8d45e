import { describe, expect, it } from 'vitest';
import { selectTop } from '../src/search/top-k.js';

describe('selectTop', () => {
	it('returns the k best items, best first, ties by lower index', () => {
		const scores = [5, 1, 9, 9, 3, 7];
		expect(selectTop(scores.length, 3, (i) => scores[i] as number)).toEqual([2, 3, 5]);
	});

	it('matches a full sort on random input', () => {
		const scores = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 1000);
		const expected = [...scores.keys()].sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b).slice(0, 200);
		expect(selectTop(scores.length, 200, (i) => scores[i] as number)).toEqual(expected);
	});

	it('handles k larger than the count and zero', () => {
		expect(selectTop(2, 10, (i) => i)).toEqual([1, 0]);
		expect(selectTop(0, 10, (i) => i)).toEqual([]);
		expect(selectTop(5, 0, (i) => i)).toEqual([]);
	});
});
