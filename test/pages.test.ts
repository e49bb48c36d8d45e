import { describe, expect, it } from 'vitest';
import { latestListing, MAX_RESULTS, paginate, RESULTS_PER_PAGE, searchPage } from '../src/browse/pages.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';

function paper(id: string, listedOn: string, upvotes?: number, title = `Paper ${id}`): Paper {
	return { id, title, abstract: `About ${title}.`, authors: [], listedOn, source: 'paper-json', ...(upvotes === undefined ? {} : { upvotes }) };
}

describe('paginate', () => {
	const items = Array.from({ length: 12 }, (_, i) => i);

	it('slices five per page and counts pages', () => {
		expect(RESULTS_PER_PAGE).toBe(5);
		expect(paginate(items, 0)).toEqual({ items: [0, 1, 2, 3, 4], page: 0, pageCount: 3, total: 12 });
		expect(paginate(items, 2)).toEqual({ items: [10, 11], page: 2, pageCount: 3, total: 12 });
	});

	it('clamps an out-of-range or odd page from an old button to the nearest real one', () => {
		expect(paginate(items, 99).page).toBe(2);
		expect(paginate(items, -3).page).toBe(0);
		expect(paginate(items, Number.NaN).page).toBe(0);
		expect(paginate(items, 1.7).page).toBe(1);
	});

	it('gives one empty page for no items', () => {
		expect(paginate([], 3)).toEqual({ items: [], page: 0, pageCount: 1, total: 0 });
	});
});

describe('searchPage', () => {
	const many = Array.from({ length: 80 }, (_, i) => paper(`t-${String(i).padStart(12, '0')}`, '2026-03-14', i, `Diffusion model study number ${i}`));
	const index = buildPaperIndex(many);

	it('pages the ranked hits, capped at MAX_RESULTS', () => {
		const first = searchPage(index, 'diffusion', 0);
		expect(first.items).toHaveLength(5);
		expect(first.total).toBe(MAX_RESULTS);
		expect(first.pageCount).toBe(MAX_RESULTS / 5);
		const last = searchPage(index, 'diffusion', 1000);
		expect(last.page).toBe(first.pageCount - 1);
	});

	it('lets the index reject an unusable query as a UserError', () => {
		expect(() => searchPage(index, '   ', 0)).toThrow(expect.objectContaining({ name: 'UserError' }));
	});
});

describe('latestListing', () => {
	const papers = [
		paper('a', '2026-03-13', 500),
		paper('b', '2026-03-14', 3, 'Beta'),
		paper('c', '2026-03-14', undefined, 'Alpha'),
		paper('d', '2026-03-14', 40, 'Delta'),
		paper('e', '2026-03-14', undefined, 'Aardvark'),
	];

	it('takes the most recent day, most upvoted first, papers without upvotes last by title', () => {
		const listing = latestListing(papers);
		expect(listing.day).toBe('2026-03-14');
		expect(listing.papers.map((p) => p.id)).toEqual(['d', 'b', 'e', 'c']);
	});

	it('serves a given day (from a Next button) even when it is no longer the latest', () => {
		expect(latestListing(papers, '2026-03-13').papers.map((p) => p.id)).toEqual(['a']);
		expect(latestListing(papers, '2020-01-01').papers).toEqual([]);
	});

	it('has no day for an empty corpus', () => {
		expect(latestListing([])).toEqual({ day: undefined, papers: [] });
	});
});
