import { describe, expect, it } from 'vitest';
import { PairList } from '../src/search/pair-list.js';

describe('PairList', () => {
	it('does keep every pair in order across chunks and rewrites their terms once', () => {
		const pairs = new PairList(1);
		for (let i = 0; i < 5000; i++) pairs.push(i * 7, i % 256);
		pairs.mapTerms(Uint32Array.from({ length: 5000 * 7 }, (_, term) => term + 1));
		expect(pairs.length).toBe(5000);
		for (const i of [0, 1023, 1024, 4999]) {
			expect(pairs.term(i)).toBe(i * 7 + 1);
			expect(pairs.code(i)).toBe(i % 256);
		}
	});

	it('does give a million-paper build chunks above the largest block malloc keeps in its heap', () => {
		const mallocHeapMax = 32 * 1024 * 1024;
		expect(new PairList(1_000_000 * 128).chunkBytes).toBeGreaterThan(mallocHeapMax);
		expect(new PairList(25 * 128).chunkBytes).toBeLessThanOrEqual(32 * 1024);
	});
});
