import { describe, expect, it } from 'vitest';
import { compareRecency } from '../src/search/rank-order.js';
import { makePaper } from './search-helpers.js';

describe('compareRecency', () => {
	it('orders by listing day, then upvotes, then id', () => {
		const papers = [
			makePaper({ id: 'b', title: 'B', listedOn: '2025-01-01', upvotes: 5 }),
			makePaper({ id: 'a', title: 'A', listedOn: '2025-01-01', upvotes: 5 }),
			makePaper({ id: 'c', title: 'C', listedOn: '2025-01-02' }),
			makePaper({ id: 'd', title: 'D', listedOn: '2025-01-01', upvotes: 50 }),
		];
		expect(papers.sort(compareRecency).map((paper) => paper.id)).toEqual(['c', 'd', 'a', 'b']);
	});
});
