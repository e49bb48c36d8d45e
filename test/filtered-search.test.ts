import { describe, expect, it } from 'vitest';
import type { Paper } from '../src/papers/paper.js';
import { effectiveOrder, FilterDefaults, mostUpvoted, searchWithFilters } from '../src/search/filtered-search.js';
import { buildPaperIndex } from '../src/search/index.js';
import { buildSearchRequest } from '../src/search/search-request.js';

const NOW = new Date('2026-03-14T08:00:00Z');

function paper(id: string, fields: Partial<Paper>): Paper {
	return { id, title: `Paper ${id}`, abstract: '', authors: [], listedOn: '2026-03-01', source: 'paper-json', ...fields };
}

/** 150 old papers that rank first for "diffusion", then a handful of recent ones the ranking alone would not reach. */
const OLD = Array.from({ length: 150 }, (_, i) =>
	paper(`t-old${String(i).padStart(9, '0')}`, {
		title: `Diffusion diffusion models ${i}`,
		abstract: 'Diffusion models for diffusion.',
		listedOn: `2025-01-${String((i % 28) + 1).padStart(2, '0')}`,
		upvotes: i,
	}),
);
const RECENT = [
	paper('2603.00001', {
		title: 'A long study of generative image synthesis with many words in its title',
		keywords: ['latent diffusion'],
		listedOn: '2026-03-12',
		upvotes: 5,
		authors: ['Geoffrey E. Hinton', 'Ada Lovelace'],
		abstract: 'We train video models.',
	}),
	paper('2603.00002', {
		title: 'Scaling Diffusion Transformers',
		listedOn: '2026-03-13',
		upvotes: 40,
		authors: ['José Müller'],
		abstract: 'A diffusion transformer scales.',
	}),
	paper('2603.00003', { title: 'Transformers for diffusion', listedOn: '2026-03-14', authors: ['Grace Hopper', 'Ada Lovelace'], abstract: 'Images.' }),
	paper('2603.00004', { title: 'Unrelated reinforcement learning', listedOn: '2026-03-14', upvotes: 90, authors: ['Richard Sutton'], abstract: 'Rewards.' }),
	paper('2603.00005', { title: 'Café diffusion', listedOn: '2026-03-10', upvotes: 1, abstract: 'Les modèles de diffusion à grande échelle.' }),
];
const index = buildPaperIndex([...OLD, ...RECENT]);
const search = (query: string, options = {}) => searchWithFilters(index, buildSearchRequest(query, options, NOW), 50).map((found) => found.id);

describe('searchWithFilters', () => {
	it('finds papers in a date range that the ranking alone did not reach', () => {
		const ranked = index.search('diffusion', FilterDefaults.indexCandidates).map((hit) => hit.paper.id);
		expect(ranked).toHaveLength(FilterDefaults.indexCandidates);
		expect(ranked).not.toContain('2603.00001');
		expect(search('diffusion since:2026-03-01').sort()).toEqual(['2603.00001', '2603.00002', '2603.00003', '2603.00005']);
	});

	it('keeps only the range: since inclusive, before exclusive', () => {
		expect(search('diffusion since:2026-03-13').sort()).toEqual(['2603.00002', '2603.00003']);
		expect(search('diffusion since:2026-03-10 before:2026-03-13').sort()).toEqual(['2603.00001', '2603.00005']);
		expect(search('diffusion before:2025-01-02').every((id) => id.startsWith('t-old'))).toBe(true);
	});

	it('matches authors by the start of each name word, accents and case aside, every author: at once', () => {
		expect(search('author:hinton')).toEqual(['2603.00001']);
		expect(search('author:"g hinton"')).toEqual(['2603.00001']);
		expect(search('author:muller')).toEqual(['2603.00002']);
		expect(search('author:Lovelace').sort()).toEqual(['2603.00001', '2603.00003']);
		expect(search('author:Lovelace author:Hopper')).toEqual(['2603.00003']);
		expect(search('diffusion', { author: 'Hopper' })).toEqual(['2603.00003']);
		expect(search('author:Turing')).toEqual([]);
	});

	it('requires a quoted phrase as written, and the last word may run on (transformer → transformers)', () => {
		const found = search('"diffusion transformer"');
		expect(found).toContain('2603.00002');
		expect(found).not.toContain('2603.00003');
		expect(search('"grande echelle"')).toEqual(['2603.00005']);
	});

	it('leaves out papers with an excluded word anywhere, abstract included', () => {
		const all = search('diffusion since:2026-03-01');
		expect(all).toContain('2603.00001');
		expect(search('diffusion -video since:2026-03-01')).toEqual(all.filter((id) => id !== '2603.00001'));
		expect(search('diffusion -"diffusion transformer" since:2026-03-01')).not.toContain('2603.00002');
	});

	it('sorts the matched set by date or by upvotes (unknown upvotes last)', () => {
		expect(search('diffusion since:2026-03-01 sort:date')).toEqual(['2603.00003', '2603.00002', '2603.00001', '2603.00005']);
		expect(search('diffusion since:2026-03-01 sort:upvotes')).toEqual(['2603.00002', '2603.00001', '2603.00005', '2603.00003']);
	});

	it('lists a search of filters alone newest first, or most upvoted first', () => {
		expect(search('since:2026-03-12')).toEqual(['2603.00004', '2603.00003', '2603.00002', '2603.00001']);
		const byUpvotes = searchWithFilters(index, buildSearchRequest('sort:upvotes', {}, NOW), 50);
		expect(byUpvotes.map((found) => found.upvotes)).toEqual([...byUpvotes.map((found) => found.upvotes)].sort((a, b) => (b ?? -1) - (a ?? -1)));
		expect(byUpvotes[0]?.id).toBe('t-old000000149');
		expect(search('since:2026-03-01 -diffusion')).toEqual(['2603.00004']);
	});

	it('orders by relevance when there are words, by date otherwise, unless told', () => {
		expect(effectiveOrder(buildSearchRequest('diffusion since:7d', {}, NOW))).toBe('relevance');
		expect(effectiveOrder(buildSearchRequest('since:7d', {}, NOW))).toBe('date');
		expect(effectiveOrder(buildSearchRequest('author:x', { sort: 'upvotes' }, NOW))).toBe('upvotes');
	});

	it('returns at most the limit', () => {
		expect(searchWithFilters(index, buildSearchRequest('diffusion before:2026-01-01', {}, NOW), 7)).toHaveLength(7);
	});
});

describe('mostUpvoted', () => {
	it('ranks a range by upvotes, unknown upvotes last, newest first among equals', () => {
		const ids = mostUpvoted(index.all(), 10, '2026-03-10', '2026-03-15').map((found) => found.id);
		expect(ids).toEqual(['2603.00004', '2603.00002', '2603.00001', '2603.00005', '2603.00003']);
	});

	it('follows the index when its papers change', () => {
		const live = buildPaperIndex(RECENT);
		expect(mostUpvoted(live.all(), 1)[0]?.id).toBe('2603.00004');
		live.upsert([{ ...(RECENT[2] as Paper), upvotes: 500 }]);
		expect(mostUpvoted(live.all(), 1)[0]?.id).toBe('2603.00003');
	});
});
