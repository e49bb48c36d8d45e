import { describe, expect, it } from 'vitest';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';
import { warmUpIndex } from '../src/search/warm-up.js';

const paper = (id: string, title: string): Paper => ({
	id,
	title,
	abstract: `${title} abstract`,
	authors: ['A. Author'],
	listedOn: '2026-03-14',
	source: 'hf-daily',
});

describe('warmUpIndex', () => {
	it('runs searches drawn from the corpus titles and leaves the index as it was', async () => {
		const papers = Array.from({ length: 12 }, (_, i) => paper(`2603.0000${i}`, `Scaling sparse attention kernels variant ${i}`));
		const index = buildPaperIndex(papers);
		const before = index.search('sparse attention').map((hit) => hit.paper.id);
		expect(await warmUpIndex(index, 5)).toBe(5);
		expect(index.search('sparse attention').map((hit) => hit.paper.id)).toEqual(before);
		expect(index.size).toBe(12);
	});

	it('does nothing on an empty index and skips titles with no word to search', async () => {
		expect(await warmUpIndex(buildPaperIndex([]))).toBe(0);
		expect(await warmUpIndex(buildPaperIndex([paper('t-1', 'A b c'), paper('t-2', '!!! ???')]), 4)).toBe(0);
	});
});
