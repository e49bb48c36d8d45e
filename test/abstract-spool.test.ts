import { fstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergePair } from '../src/papers/merge.js';
import type { Paper } from '../src/papers/paper.js';
import { shelfOf, shelvedRange } from '../src/search/abstract-shelf.js';
import { AbstractSpool } from '../src/search/abstract-spool.js';
import { makePaper } from './search-helpers.js';

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

	it('does close its file once the last of its shelves closes', () => {
		const spool = AbstractSpool.open(dir);
		const a = papersOf(2, 'a');
		const b = papersOf(2, 'b');
		spool.shelve(a);
		spool.shelve(b);
		spool.finish();
		const fd = shelfOf(a[0] as Paper)?.location()?.fd as number;
		shelfOf(a[0] as Paper)?.close();
		expect(() => fstatSync(fd)).not.toThrow();
		expect(b[1]?.abstract).toBe('Abstract b 1 — ünïcode x');
		shelfOf(b[0] as Paper)?.close();
		expect(() => fstatSync(fd)).toThrow(/EBADF/);
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
		const shelved = makePaper({ id: '2401.00001', arxivId: '2401.00001', title: 'Same', abstract: '', codeUrl: 'https://github.com/a/b', upvotes: 3 });
		spool.shelve([shelved]);
		spool.finish();
		const merged = mergePair(shelved, makePaper({ id: '2401.00001', title: 'Same', abstract: 'The full abstract.' }));
		expect(merged.abstract).toBe('The full abstract.');
		expect(shelfOf(merged)).toBeUndefined();
		expect(shelvedRange(merged)).toBeUndefined();
		expect(shelfOf(shelved)).toBeDefined();
	});
});
