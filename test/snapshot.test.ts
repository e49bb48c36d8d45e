import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Paper } from '../src/papers/paper.js';
import { shelfOf } from '../src/search/abstract-shelf.js';
import { buildPaperIndex, type PaperIndex } from '../src/search/index.js';
import { loadIndexSnapshot, readSnapshotHeader, SnapshotError, shelvesInUse, writeIndexSnapshot } from '../src/search/snapshot.js';
import { HAS_REAL_CORPUS, loadRealPapers, loadSeedPapers, makePaper } from './search-helpers.js';
import { hasFastProperties } from './support/v8-natives.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-snapshot-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const corpus = (): Paper[] => (HAS_REAL_CORPUS ? loadRealPapers().slice(0, 3000) : loadSeedPapers());

/** An index with every kind of state: a base, a replaced base paper (tombstone) and a live paper. */
function indexWithLiveState(papers: readonly Paper[]): PaperIndex {
	const index = buildPaperIndex(papers);
	const replaced = papers[5] as Paper;
	index.upsert([
		{ ...replaced, title: `${replaced.title} (revised)`, upvotes: 999 },
		makePaper({ id: '2601.00001', arxivId: '2601.00001', title: 'Zebra stripes as a snapshot test', abstract: 'A live paper about zebra stripes.' }),
	]);
	return index;
}

function answers(index: PaperIndex, papers: readonly Paper[]) {
	const sample = [papers[1], papers[40], papers[papers.length - 1]] as Paper[];
	const queries = [
		'diffusion transformer',
		'langauge model reasoning',
		'zebra stripes',
		...sample.map((paper) => paper.title),
		...sample.map((paper) => paper.abstract.split(' ').slice(5, 9).join(' ')),
		...sample.map((paper) => paper.authors[0] ?? paper.title),
	].filter((query) => /\w/.test(query));
	return {
		size: index.size,
		search: queries.map((query) => index.search(query, 10).map((hit) => [hit.paper.id, hit.score])),
		autocomplete: ['', 'dif', 'zeb', 'large lang'].map((prefix) => index.autocomplete(prefix, 10).map((paper) => paper.id)),
		similar: sample.map((paper) => index.similar(paper.id).map((hit) => hit.paper.id)),
		get: [...sample.map((paper) => paper.id), '2601.00001v2', `arXiv:${sample[0]?.arxivId ?? ''}`].map((id) => index.get(id)?.id),
		all: index.all().map((paper) => paper.id),
	};
}

describe('writeIndexSnapshot', () => {
	it('writes an index that loads back answering every query as the index it was written from', async () => {
		const papers = corpus();
		const index = indexWithLiveState(papers);
		const path = join(dir, 'index');
		await writeIndexSnapshot(path, index, { fingerprint: { seeds: 1 }, takenAt: 1234, extra: { note: 'x' } });
		const loaded = loadIndexSnapshot(path);
		expect(answers(loaded.index, papers)).toEqual(answers(index, papers));
		expect(loaded.header).toMatchObject({ fingerprint: { seeds: 1 }, takenAt: 1234, extra: { note: 'x' } });
		expect(loaded.index.get(papers[5]?.id as string)).toMatchObject({ upvotes: 999 });
	});

	it('moves the abstracts to the file, where spreads, JSON and structuredClone still see them', async () => {
		const papers = corpus();
		const index = buildPaperIndex(papers);
		const path = join(dir, 'index');
		await writeIndexSnapshot(path, index, { fingerprint: null, takenAt: 0 });
		const original = papers[7] as Paper;
		for (const paper of [index.get(original.id), loadIndexSnapshot(path).index.get(original.id)] as Paper[]) {
			expect(paper.abstract).toBe(original.abstract);
			expect({ ...paper }.abstract).toBe(original.abstract);
			expect(JSON.parse(JSON.stringify(paper))).toEqual(JSON.parse(JSON.stringify(original)));
			expect(structuredClone(paper).abstract).toBe(original.abstract);
			expect(Object.keys(paper).sort()).toEqual(Object.keys(original).sort());
		}
	});

	it('puts fast-mode copies reading the file in the index, everywhere it lists them, leaving the papers given as they were', async () => {
		const papers = corpus().slice(0, 200);
		const index = buildPaperIndex(papers);
		const listedBefore = index.all();
		await writeIndexSnapshot(join(dir, 'index'), index, { fingerprint: null, takenAt: 0 });
		const listed = index.all();
		expect(listed).not.toBe(listedBefore);
		expect(listed.every((paper) => shelfOf(paper) !== undefined && hasFastProperties(paper))).toBe(true);
		expect(index.get(papers[3]?.id as string)).toBe(listed.find((paper) => paper.id === papers[3]?.id));
		expect(papers.some((paper) => shelfOf(paper) !== undefined)).toBe(false);
		expect(listed.map((paper) => paper.abstract)).toEqual(listedBefore.map((paper) => paper.abstract));
	});

	it('keeps papers readable from a newer snapshot after the one they were loaded from is replaced', async () => {
		const papers = corpus();
		const path = join(dir, 'index');
		await writeIndexSnapshot(path, buildPaperIndex(papers), { fingerprint: null, takenAt: 0 });
		const { index, shelf } = loadIndexSnapshot(path);
		const rewritten = await writeIndexSnapshot(path, index, { fingerprint: null, takenAt: 1 });
		expect(shelvesInUse(index)).toEqual(new Set([rewritten.shelf]));
		shelf.close();
		rmSync(path);
		expect(index.get((papers[3] as Paper).id)?.abstract).toBe((papers[3] as Paper).abstract);
	});

	it('copies the abstracts of papers read from a snapshot byte for byte into the next one', async () => {
		const papers = [
			...corpus().slice(0, 300),
			makePaper({ id: '2601.00002', title: 'Unicode abstract', abstract: 'Ünïcode — 数学 and emoji 🦓, across bytes.' }),
			makePaper({ id: '2601.00003', title: 'Empty abstract', abstract: '' }),
		];
		const path = join(dir, 'index');
		await writeIndexSnapshot(path, buildPaperIndex(papers), { fingerprint: null, takenAt: 0 });
		const first = loadIndexSnapshot(path);
		const again = join(dir, 'again');
		await writeIndexSnapshot(again, first.index, { fingerprint: null, takenAt: 1 });
		first.shelf.close();
		const second = loadIndexSnapshot(again);
		expect(second.index.all().map((paper) => [paper.id, paper.abstract])).toEqual(papers.map((paper) => [paper.id, paper.abstract]));
		second.shelf.close();
	});

	it('leaves no temporary file behind and replaces the snapshot whole', async () => {
		const path = join(dir, 'index');
		await writeIndexSnapshot(path, buildPaperIndex(loadSeedPapers()), { fingerprint: null, takenAt: 0 });
		const first = statSync(path).ino;
		await writeIndexSnapshot(path, buildPaperIndex(loadSeedPapers()), { fingerprint: null, takenAt: 1 });
		expect(statSync(path).ino).not.toBe(first);
		expect(readSnapshotHeader(path).takenAt).toBe(1);
		expect(readFileSync(path).length).toBeGreaterThan(0);
		const { readdirSync } = await import('node:fs');
		expect(readdirSync(dir)).toEqual(['index']);
	});
});

describe('loadIndexSnapshot', () => {
	async function written(): Promise<string> {
		const path = join(dir, 'index');
		await writeIndexSnapshot(path, indexWithLiveState(loadSeedPapers()), { fingerprint: null, takenAt: 0 });
		return path;
	}

	it('refuses a file cut short', async () => {
		const path = await written();
		const bytes = readFileSync(path);
		writeFileSync(path, bytes.subarray(0, bytes.length - 100));
		expect(() => loadIndexSnapshot(path)).toThrow(SnapshotError);
	});

	it('refuses a section whose bytes changed (checksum)', async () => {
		const path = await written();
		const header = readSnapshotHeader(path);
		const bytes = readFileSync(path);
		const postings = header.sections.postings as { offset: number };
		bytes[postings.offset + 3] = (bytes[postings.offset + 3] as number) ^ 0xff;
		writeFileSync(path, bytes);
		expect(() => loadIndexSnapshot(path)).toThrow(/section postings is damaged \(checksum\)/);
	});

	it('refuses a section whose changed bytes would still decode (checked on another thread)', async () => {
		const path = await written();
		const header = readSnapshotHeader(path);
		const bytes = readFileSync(path);
		const postings = header.sections.postings as { offset: number };
		// The first paper of the first posting list, 0 ↔ 1: a paper that exists, so nothing but the checksum can tell.
		bytes[postings.offset] = (bytes[postings.offset] as number) ^ 1;
		writeFileSync(path, bytes);
		expect(() => loadIndexSnapshot(path)).toThrow(/section postings is damaged \(checksum\)/);
	});

	it('refuses a damaged header', async () => {
		const path = await written();
		const bytes = readFileSync(path);
		bytes[bytes.length - 30] = (bytes[bytes.length - 30] as number) ^ 0x01;
		writeFileSync(path, bytes);
		expect(() => loadIndexSnapshot(path)).toThrow(/header/);
	});

	it('refuses a file that is not a snapshot, and a missing one', () => {
		const path = join(dir, 'junk');
		writeFileSync(path, 'x'.repeat(1000));
		expect(() => readSnapshotHeader(path)).toThrow(/not a Paperboy index snapshot/);
		expect(() => readSnapshotHeader(join(dir, 'absent'))).toThrow(/ENOENT/);
	});
});
