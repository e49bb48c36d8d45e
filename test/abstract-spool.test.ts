import { fstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergePair } from '../src/papers/merge.js';
import type { Paper } from '../src/papers/paper.js';
import { shelfOf, shelvedRange } from '../src/search/abstract-shelf.js';
import { AbstractSpool } from '../src/search/abstract-spool.js';
import { makePaper } from './search-helpers.js';
import { hasFastProperties } from './support/v8-natives.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const papersOf = (count: number, prefix: string): Paper[] =>
	Array.from({ length: count }, (_, i) =>
		makePaper({ id: `${prefix}-${i}`, title: `Paper ${i}`, abstract: i % 7 === 0 ? '' : `Abstract ${prefix} ${i} — ünïcode ${'x'.repeat(i % 50)}` }),
	);

describe('AbstractSpool', () => {
	it('does move abstracts to a file the directory never shows, each paper reading its own back', () => {
		const spool = AbstractSpool.open(dir);
		const first = papersOf(4500, 'a');
		const second = papersOf(3, 'b');
		const expected = [...first, ...second].map((paper) => paper.abstract);
		spool.shelve(first);
		spool.shelve(second);
		spool.finish();
		expect(readdirSync(dir)).toEqual([]);
		const papers = [...first, ...second];
		expect(papers.map((paper) => paper.abstract)).toEqual(expected);
		expect(papers.every((paper) => shelfOf(paper) !== undefined)).toBe(true);
		// Spreads and JSON see a plain string, as for a snapshot's shelf.
		expect(JSON.parse(JSON.stringify(first[1])).abstract).toBe(expected[1]);
		expect({ ...(second[2] as Paper) }.abstract).toBe(expected[4502]);
	});

	it('does keep every paper it shelved on one shelf, whose closing closes the file', () => {
		const spool = AbstractSpool.open(dir);
		const a = papersOf(2, 'a');
		const b = papersOf(2, 'b');
		spool.shelve(a);
		spool.shelve(b);
		spool.finish();
		expect(shelfOf(b[1] as Paper)).toBe(shelfOf(a[0] as Paper));
		const fd = shelfOf(a[0] as Paper)?.location()?.fd as number;
		expect(() => fstatSync(fd)).not.toThrow();
		shelfOf(a[0] as Paper)?.close();
		expect(() => fstatSync(fd)).toThrow(/EBADF/);
	});

	it('does shelve a part of a list, leaving the rest as it was', () => {
		const spool = AbstractSpool.open(dir);
		const papers = papersOf(6, 'p');
		const before = [...papers];
		spool.shelve(papers, 2, 4);
		spool.shelve(papers, 5, 6);
		spool.finish();
		expect(papers.map((paper) => shelfOf(paper) !== undefined)).toEqual([false, false, true, true, false, true]);
		expect(papers.map((paper) => paper.abstract)).toEqual(before.map((paper) => paper.abstract));
		expect([0, 1, 4].every((at) => papers[at] === before[at])).toBe(true);
	});

	it('does put copies in the list that V8 keeps in fast mode, the papers given left untouched', () => {
		const spool = AbstractSpool.open(dir);
		const papers = papersOf(3, 'f').map((paper) => ({ ...paper, upvotes: 4, keywords: ['k'] }));
		const before = [...papers];
		spool.shelve(papers);
		spool.finish();
		for (const [at, paper] of papers.entries()) {
			const original = before[at] as Paper;
			expect(paper).not.toBe(original);
			expect(hasFastProperties(paper)).toBe(true);
			expect(Object.keys(paper).sort()).toEqual(Object.keys(original).sort());
			expect(JSON.parse(JSON.stringify(paper))).toEqual(JSON.parse(JSON.stringify(original)));
			expect(shelfOf(original)).toBeUndefined();
		}
		// A shelved paper shelved again is re-pointed, not copied.
		const again = AbstractSpool.open(dir);
		const list = [papers[0] as Paper];
		again.shelve(list);
		again.finish();
		expect(list[0]).toBe(papers[0]);
		expect(list[0]?.abstract).toBe(before[0]?.abstract);
	});

	it('does refuse papers after it is finished', () => {
		const spool = AbstractSpool.open(dir);
		spool.finish();
		expect(() => spool.shelve(papersOf(1, 'late'))).toThrow('the abstract spool is finished');
	});
});

describe('shelfOf', () => {
	it('does not count a merged copy whose abstract came from the other record as shelved', () => {
		const spool = AbstractSpool.open(dir);
		const list = [makePaper({ id: '2401.00001', arxivId: '2401.00001', title: 'Same', abstract: '', codeUrl: 'https://github.com/a/b', upvotes: 3 })];
		spool.shelve(list);
		spool.finish();
		const shelved = list[0] as Paper;
		const merged = mergePair(shelved, makePaper({ id: '2401.00001', title: 'Same', abstract: 'The full abstract.' }));
		expect(merged.abstract).toBe('The full abstract.');
		expect(shelfOf(merged)).toBeUndefined();
		expect(shelvedRange(merged)).toBeUndefined();
		expect(shelfOf(shelved)).toBeDefined();
	});
});
