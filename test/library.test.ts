import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import {
	addTags,
	copyPaper,
	findSaved,
	listTags,
	paperYear,
	readLibrary,
	removeTags,
	savePaper,
	selectSaved,
	suggestSaved,
	suggestTagList,
	unsavePaper,
} from '../src/library/library.js';
import { LibraryLimits } from '../src/library/limits.js';
import { LibraryMessages } from '../src/library/messages.js';
import { silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { openStore, type Store } from '../src/store/store.js';
import { useTempStore } from './support/temp-store.js';

let store: Store;
useTempStore('library', (opened) => {
	store = opened;
});

const NOW = new Date('2026-03-14T12:00:00.000Z');
const LATER = new Date('2026-03-15T12:00:00.000Z');

function paper(n: number, overrides: Partial<Paper> = {}): Paper {
	const id = `2403.${String(n).padStart(5, '0')}`;
	return {
		id,
		arxivId: id,
		title: `Paper number ${n}`,
		abstract: '',
		authors: ['Ada Lovelace', 'Alan Turing'],
		listedOn: '2026-03-14',
		source: 'hf-daily',
		...overrides,
	};
}

async function failure(work: Promise<unknown>): Promise<string> {
	const error = await work.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(UserError);
	return (error as Error).message;
}

describe('savePaper', () => {
	it('keeps a copy of id, title, authors, year, arXiv id and listing day with the tags and the time saved', async () => {
		const { entry, total, added } = await savePaper(store, 'u1', paper(1), ['to-read'], NOW);
		expect({ total, added }).toEqual({ total: 1, added: true });
		expect(entry).toEqual({
			id: '2403.00001',
			title: 'Paper number 1',
			authors: ['Ada Lovelace', 'Alan Turing'],
			year: 2024,
			arxivId: '2403.00001',
			listedOn: '2026-03-14',
			tags: ['to-read'],
			savedAt: NOW.toISOString(),
		});
		expect(await readLibrary(store, 'u1')).toEqual({ userId: 'u1', papers: [entry], updatedAt: NOW.toISOString() });
	});

	it('saving again merges the new tags, keeps the first save time and refreshes the copy', async () => {
		await savePaper(store, 'u1', paper(1), ['to-read'], NOW);
		const again = await savePaper(store, 'u1', paper(1, { title: 'Paper number 1 (v2)' }), ['rlhf', 'to-read'], LATER);
		expect(again.added).toBe(false);
		expect(again.entry).toMatchObject({ title: 'Paper number 1 (v2)', tags: ['to-read', 'rlhf'], savedAt: NOW.toISOString() });
		expect(again.total).toBe(1);
	});

	it('keeps libraries apart per user', async () => {
		await savePaper(store, 'u1', paper(1), [], NOW);
		await savePaper(store, 'u2', paper(2), [], NOW);
		expect((await readLibrary(store, 'u1'))?.papers.map((entry) => entry.id)).toEqual(['2403.00001']);
		expect((await readLibrary(store, 'u2'))?.papers.map((entry) => entry.id)).toEqual(['2403.00002']);
	});

	it('loses no save when 40 land at once, nor when two stores on one database save together', async () => {
		await Promise.all(Array.from({ length: 40 }, (_, n) => savePaper(store, 'u1', paper(n), [], NOW)));
		expect((await readLibrary(store, 'u1'))?.papers).toHaveLength(40);
		// A second process on the same SQLite file: the compare-and-set makes one of each pair retry on the other's version.
		const other = await openStore(`sqlite://${store.file}`, silentLogger);
		try {
			await Promise.all(Array.from({ length: 20 }, (_, n) => savePaper(n % 2 === 0 ? store : other, 'u1', paper(100 + n), [`t${n}`], NOW)));
		} finally {
			await other.close();
		}
		const papers = (await readLibrary(store, 'u1'))?.papers ?? [];
		expect(papers).toHaveLength(60);
		expect(new Set(papers.map((entry) => entry.id)).size).toBe(60);
	});

	it('refuses a paper past 5,000, keeping the library as it was, but still re-saves one already there', async () => {
		const full = Array.from({ length: LibraryLimits.papersPerUser }, (_, n) => copyPaper(paper(n), [], NOW.toISOString()));
		await store.library.set('u1', { userId: 'u1', papers: full, updatedAt: NOW.toISOString() });
		expect(await failure(savePaper(store, 'u1', paper(99_999), [], NOW))).toBe(LibraryMessages.libraryFull);
		expect((await readLibrary(store, 'u1'))?.papers).toHaveLength(LibraryLimits.papersPerUser);
		expect((await savePaper(store, 'u1', paper(7), ['kept'], NOW)).entry.tags).toEqual(['kept']);
	});

	it('refuses a 51st tag on a paper', async () => {
		const fifty = Array.from({ length: LibraryLimits.tagsPerPaper }, (_, n) => `t${n}`);
		await savePaper(store, 'u1', paper(1), fifty, NOW);
		expect(await failure(savePaper(store, 'u1', paper(1), ['one-more'], NOW))).toBe(LibraryMessages.tooManyTags('Paper number 1', 51));
		expect(await failure(savePaper(store, 'u1', paper(2), [...fifty, 'x'], NOW))).toMatch(/would have 51 tags/);
	});

	it('copies at most 100 authors and marks the cut', async () => {
		const authors = Array.from({ length: 664 }, (_, n) => `Author ${n}`);
		const { entry } = await savePaper(store, 'u1', paper(1, { authors }), [], NOW);
		expect(entry.authors).toHaveLength(LibraryLimits.authorsKept);
		expect(entry.authorsCut).toBe(true);
	});
});

describe('unsavePaper', () => {
	it('removes the paper by id, and deletes the record with the last one', async () => {
		await savePaper(store, 'u1', paper(1), [], NOW);
		await savePaper(store, 'u1', paper(2), [], NOW);
		expect((await unsavePaper(store, 'u1', '2403.00001', LATER)).total).toBe(1);
		expect((await unsavePaper(store, 'u1', 'Paper number 2', LATER)).entry.id).toBe('2403.00002');
		expect(await readLibrary(store, 'u1')).toBeUndefined();
	});

	it('says the paper is not saved, or that the library is empty', async () => {
		expect(await failure(unsavePaper(store, 'u1', '2403.00001', NOW))).toBe(LibraryMessages.emptyLibrary);
		await savePaper(store, 'u1', paper(1), [], NOW);
		expect(await failure(unsavePaper(store, 'u1', 'Something else', NOW))).toBe(LibraryMessages.notSaved('Something else'));
	});
});

describe('addTags', () => {
	it('adds tags to a saved paper without repeating one', async () => {
		await savePaper(store, 'u1', paper(1), ['a'], NOW);
		expect((await addTags(store, 'u1', '2403.00001', ['b', 'a'], LATER)).entry.tags).toEqual(['a', 'b']);
		expect((await readLibrary(store, 'u1'))?.updatedAt).toBe(LATER.toISOString());
	});

	it('refuses a paper that is not saved', async () => {
		await savePaper(store, 'u1', paper(1), [], NOW);
		expect(await failure(addTags(store, 'u1', '2403.00002', ['a'], NOW))).toBe(LibraryMessages.notSaved('2403.00002'));
	});
});

describe('removeTags', () => {
	it('removes tags, and changes nothing when one named is not on the paper', async () => {
		await savePaper(store, 'u1', paper(1), ['a', 'b', 'c'], NOW);
		expect((await removeTags(store, 'u1', '2403.00001', ['b'], NOW)).entry.tags).toEqual(['a', 'c']);
		expect(await failure(removeTags(store, 'u1', '2403.00001', ['a', 'zzz'], NOW))).toBe(LibraryMessages.tagNotOnPaper('Paper number 1', ['zzz'], ['a', 'c']));
		expect((await readLibrary(store, 'u1'))?.papers[0]?.tags).toEqual(['a', 'c']);
	});
});

describe('selectSaved', () => {
	it('lists newest save first, one tag when asked, and names the user’s tags for an unknown one', async () => {
		await savePaper(store, 'u1', paper(1), ['a'], NOW);
		await savePaper(store, 'u1', paper(2), ['a', 'b'], NOW);
		await savePaper(store, 'u1', paper(3), [], NOW);
		const record = await readLibrary(store, 'u1');
		expect(selectSaved(record, undefined).map((entry) => entry.id)).toEqual(['2403.00003', '2403.00002', '2403.00001']);
		expect(selectSaved(record, 'b').map((entry) => entry.id)).toEqual(['2403.00002']);
		expect(() => selectSaved(record, 'zzz')).toThrow(LibraryMessages.unknownTag('zzz', ['a', 'b']));
		expect(() => selectSaved(undefined, undefined)).toThrow(LibraryMessages.emptyLibrary);
	});
});

describe('listTags', () => {
	it('orders tags by use, then alphabetically', async () => {
		await savePaper(store, 'u1', paper(1), ['z', 'b'], NOW);
		await savePaper(store, 'u1', paper(2), ['b', 'a'], NOW);
		expect(listTags(await readLibrary(store, 'u1'))).toEqual(['b', 'a', 'z']);
	});
});

describe('findSaved', () => {
	it('finds by id, by an arXiv id with version, by exact title and by a unique title prefix', async () => {
		await savePaper(store, 'u1', paper(1, { title: 'Attention Is All You Need' }), [], NOW);
		await savePaper(store, 'u1', paper(2, { title: 'Attention Sinks' }), [], NOW);
		const record = await readLibrary(store, 'u1');
		expect(findSaved(record, '2403.00001').id).toBe('2403.00001');
		expect(findSaved(record, 'arXiv:2403.00002v3').id).toBe('2403.00002');
		expect(findSaved(record, 'attention is all you need').id).toBe('2403.00001');
		expect(findSaved(record, 'Attention Si').id).toBe('2403.00002');
		expect(() => findSaved(record, 'Attention')).toThrow(LibraryMessages.notSaved('Attention'));
	});
});

describe('suggestSaved', () => {
	it('suggests saved titles holding every typed word, newest first', async () => {
		await savePaper(store, 'u1', paper(1, { title: 'Diffusion models beat GANs' }), [], NOW);
		await savePaper(store, 'u1', paper(2, { title: 'Latent diffusion' }), [], NOW);
		const record = await readLibrary(store, 'u1');
		expect(suggestSaved(record, 'diff', 25).map((entry) => entry.id)).toEqual(['2403.00002', '2403.00001']);
		expect(suggestSaved(record, 'gans diff', 25).map((entry) => entry.id)).toEqual(['2403.00001']);
	});
});

describe('suggestTagList', () => {
	it('completes the last word being typed, keeping the ones before and offering none twice', () => {
		expect(suggestTagList(['rlhf', 'reading', 'to-read'], 'to-read r')).toEqual(['to-read rlhf', 'to-read reading']);
		expect(suggestTagList(['rlhf', 'to-read'], 'rlhf, ')).toEqual(['rlhf to-read']);
	});
});

describe('paperYear', () => {
	it('reads the year from a new or old arXiv id, else from the listing day', () => {
		expect(paperYear({ arxivId: '2312.00752', listedOn: '2024-01-02' })).toBe(2023);
		expect(paperYear({ arxivId: 'hep-th/9901001', listedOn: '2026-03-14' })).toBe(1999);
		expect(paperYear({ arxivId: 'math.GT/0309136', listedOn: '2026-03-14' })).toBe(2003);
		expect(paperYear({ listedOn: '2026-03-14' })).toBe(2026);
		expect(paperYear({ listedOn: '' })).toBeUndefined();
	});
});

describe('the library namespace', () => {
	it('survives a reopen of the database and is kept apart from the other namespaces', async () => {
		await savePaper(store, 'u1', paper(1), ['a'], NOW);
		const reopened = await openStore(`sqlite://${store.file}`, silentLogger);
		try {
			expect((await readLibrary(reopened, 'u1'))?.papers[0]?.tags).toEqual(['a']);
			expect(await reopened.follows.get('u1')).toBeUndefined();
		} finally {
			await reopened.close();
		}
	});
});
