import { describe, expect, it } from 'vitest';
import type { Paper } from '../src/papers/paper.js';
import { mergeStoredPaper } from '../src/store/papers.js';
import type { Store } from '../src/store/store.js';
import { useTempStore } from './support/temp-store.js';

let store: Store;
useTempStore('papers', (opened) => {
	store = opened;
});

const T1 = new Date('2026-03-14T08:00:00.000Z');
const T2 = new Date('2026-03-15T08:00:00.000Z');

function paper(id: string, fields: Partial<Paper> = {}): Paper {
	return { id, title: `Paper ${id}`, abstract: 'About things.', authors: ['Ada'], listedOn: '2026-03-14', source: 'hf-daily', ...fields };
}

describe('upsertPapers', () => {
	it('adds new papers with firstSeenAt and reports them', async () => {
		const result = await store.upsertPapers([paper('2603.00001', { upvotes: 3 }), paper('2603.00002')], T1);
		expect(result.updated).toEqual([]);
		expect(result.added.map((entry) => [entry.id, entry.firstSeenAt])).toEqual([
			['2603.00001', T1.toISOString()],
			['2603.00002', T1.toISOString()],
		]);
		expect(await store.listPapers()).toEqual(result.added);
	});

	it('refreshes fields and upvotes but never firstSeenAt or the listing day', async () => {
		await store.upsertPapers([paper('2603.00001', { upvotes: 3, codeUrl: 'https://github.com/a/b' })], T1);
		const result = await store.upsertPapers([paper('2603.00001', { upvotes: 40, title: 'Paper v2', listedOn: '2026-03-15' })], T2);
		expect(result.added).toEqual([]);
		expect(result.updated).toHaveLength(1);
		const [stored] = await store.listPapers();
		expect(stored).toMatchObject({
			title: 'Paper v2',
			upvotes: 40,
			codeUrl: 'https://github.com/a/b',
			listedOn: '2026-03-14',
			firstSeenAt: T1.toISOString(),
			updatedAt: T2.toISOString(),
		});
	});

	it('reports nothing for an unchanged paper', async () => {
		await store.upsertPapers([paper('2603.00001', { upvotes: 3 })], T1);
		expect(await store.upsertPapers([paper('2603.00001', { upvotes: 3 })], T2)).toEqual({ added: [], updated: [] });
	});

	it('dedupes a batch by id, later entries winning', async () => {
		const result = await store.upsertPapers([paper('2603.00001', { upvotes: 1 }), paper('2603.00001', { upvotes: 9 })], T1);
		expect(result.added).toHaveLength(1);
		expect(result.added[0]?.upvotes).toBe(9);
		expect(await store.listPapers()).toHaveLength(1);
	});

	it('stores a backfill of 3,000 papers in batches', async () => {
		const papers = Array.from({ length: 3000 }, (_, index) => paper(`2603.${String(index).padStart(5, '0')}`));
		expect((await store.upsertPapers(papers, T1)).added).toHaveLength(3000);
		expect(await store.listPapers()).toHaveLength(3000);
	});
});

describe('mergeStoredPaper', () => {
	it('keeps fields the incoming record lacks', () => {
		const stored = { ...paper('x', { upvotes: 7, keywords: ['llm'] }), firstSeenAt: T1.toISOString() };
		const merged = mergeStoredPaper(stored, { ...paper('x'), upvotes: undefined } as Paper);
		expect(merged.upvotes).toBe(7);
		expect(merged.keywords).toEqual(['llm']);
	});
});
