import { describe, expect, it } from 'vitest';
import type { Paper } from '../src/papers/paper.js';
import { dateView, papersInRange, upvoteView } from '../src/search/corpus-views.js';

function paper(id: string, listedOn: string, upvotes?: number): Paper {
	return { id, title: id, abstract: '', authors: [], listedOn, source: 'paper-json', ...(upvotes === undefined ? {} : { upvotes }) };
}

const corpus = Object.freeze([
	paper('a', '2026-03-01', 5),
	paper('b', '2026-03-14'),
	paper('c', '2026-03-10', 2),
	paper('d', '2026-03-14', 9),
	paper('e', '2026-02-28', 9),
]);

describe('dateView', () => {
	it('orders the corpus newest day first, most upvoted first within a day, once per corpus version', () => {
		const view = dateView(corpus);
		expect(view.papers.map((p) => p.id)).toEqual(['d', 'b', 'c', 'a', 'e']);
		expect(view.days).toEqual(['2026-03-14', '2026-03-10', '2026-03-01', '2026-02-28']);
		expect(dateView(corpus)).toBe(view);
		expect(dateView([...corpus])).not.toBe(view);
	});
});

describe('papersInRange', () => {
	it('slices [since, before) by binary search, either end open', () => {
		const view = dateView(corpus);
		const ids = (since?: string, before?: string) => papersInRange(view, since, before).map((p) => p.id);
		expect(ids('2026-03-10')).toEqual(['d', 'b', 'c']);
		expect(ids(undefined, '2026-03-10')).toEqual(['a', 'e']);
		expect(ids('2026-03-01', '2026-03-14')).toEqual(['c', 'a']);
		expect(ids('2026-03-02', '2026-03-09')).toEqual([]);
		expect(ids('2026-04-01')).toEqual([]);
		expect(ids()).toEqual(['d', 'b', 'c', 'a', 'e']);
	});
});

describe('upvoteView', () => {
	it('orders by upvotes, unknown last, newest first among equals', () => {
		expect(upvoteView(corpus).map((p) => p.id)).toEqual(['d', 'e', 'a', 'c', 'b']);
	});
});
