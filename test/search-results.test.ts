import { describe, expect, it } from 'vitest';
import { MAX_RESULTS } from '../src/browse/pages.js';
import { describeFilters, findSearchResults } from '../src/browse/search-results.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';
import { buildSearchRequest } from '../src/search/search-request.js';

const NOW = new Date('2026-03-14T08:00:00Z');

function paper(i: number, listedOn: string, upvotes?: number): Paper {
	const id = `t-${String(i).padStart(12, '0')}`;
	return { id, title: `Diffusion model study number ${i}`, abstract: 'About diffusion.', authors: ['Ada Lovelace'], listedOn, source: 'paper-json', upvotes };
}

const papers = Array.from({ length: 80 }, (_, i) => paper(i, i < 10 ? '2026-03-12' : '2025-06-01', i));
const index = buildPaperIndex(papers);

describe('findSearchResults', () => {
	it('runs a plain query exactly as before: the ranked hits, capped at MAX_RESULTS', () => {
		const results = findSearchResults(index, 'diffusion', {}, NOW, 0);
		expect(results.query).toBe('diffusion');
		expect(results.filters).toBe('');
		expect(results.page.total).toBe(MAX_RESULTS);
		expect(results.page.items.map((p) => p.id)).toEqual(
			index
				.search('diffusion', MAX_RESULTS)
				.slice(0, 5)
				.map((hit) => hit.paper.id),
		);
	});

	it('applies filters, and gives the query its page buttons carry with the dates resolved', () => {
		const results = findSearchResults(index, 'diffusion since:7d', { sort: 'upvotes' }, NOW, 0);
		expect(results.query).toBe('diffusion since:2026-03-07 sort:upvotes');
		expect(results.heading).toBe('diffusion');
		expect(results.filters).toBe('since 2026-03-07 · most upvoted first');
		expect(results.page.total).toBe(10);
		expect(results.page.items.map((p) => p.upvotes)).toEqual([9, 8, 7, 6, 5]);
		const next = findSearchResults(index, results.query, {}, new Date('2026-04-01T00:00:00Z'), 1);
		expect(next.page.items.map((p) => p.upvotes)).toEqual([4, 3, 2, 1, 0]);
	});

	it('lets the index or the parser reject an unusable query as a UserError', () => {
		expect(() => findSearchResults(index, '!!!', {}, NOW, 0)).toThrow(expect.objectContaining({ name: 'UserError' }));
		expect(() => findSearchResults(index, 'x sort:stars', {}, NOW, 0)).toThrow(expect.objectContaining({ name: 'UserError' }));
	});
});

describe('describeFilters', () => {
	it('says in words what the filters keep and in which order', () => {
		const describe = (query: string, options = {}) => describeFilters(buildSearchRequest(query, options, NOW));
		expect(describe('x author:Hinton author:"Yann LeCun" since:2026-01-01 before:2026-03-01')).toBe(
			'by Hinton and Yann LeCun · since 2026-01-01 · before 2026-03-01',
		);
		expect(describe('since:7d')).toBe('since 2026-03-07 · newest first');
		expect(describe('x sort:relevance')).toBe('best match first');
		expect(describe('x -y')).toBe('');
	});
});
