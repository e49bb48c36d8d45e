import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { PAPER_LIMITS } from '../src/papers/limits.js';
import type { Paper } from '../src/papers/paper.js';
import { addCut, capEntries, capPapers, emptyCut, formatCut, hasCut, logPageCut } from '../src/papers/sources/cut.js';

const paper = (id: string, title: string): Paper => ({ id, arxivId: id, title, abstract: 'A.', authors: [], listedOn: '2026-08-21', source: 'hf-daily' });

describe('capEntries', () => {
	it('keeps the first entries up to the cap and counts the rest', () => {
		const entries = Array.from({ length: 10_000 }, (_, index) => index);
		const { kept, dropped } = capEntries(entries);
		expect(kept).toHaveLength(PAPER_LIMITS.entriesPerPage);
		expect(kept.at(-1)).toBe(PAPER_LIMITS.entriesPerPage - 1);
		expect(dropped).toBe(10_000 - PAPER_LIMITS.entriesPerPage);
		expect(capEntries([1, 2], 2)).toEqual({ kept: [1, 2], dropped: 0 });
	});
});

describe('capPapers', () => {
	it('counts every field shortened, per paper', () => {
		const page = capPapers([paper('2608.1', 'Fine'), paper('2608.2', 'x'.repeat(2000))]);
		expect(page.truncated).toBe(1);
		expect(page.cuts).toEqual([{ id: '2608.2', fields: [{ field: 'title', length: 2000, limit: 1000 }] }]);
		expect(page.papers[0]!.title).toBe('Fine');
	});
});

describe('logPageCut', () => {
	it('warns once per kind of cut, naming the source and URL', () => {
		const lines: Record<string, unknown>[] = [];
		const logger = createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
		logPageCut(logger, 'hf', 'http://x/p', { dropped: 0, capped: { truncated: 0, cuts: [] }, total: 3 });
		expect(lines).toEqual([]);
		logPageCut(logger, 'hf', 'http://x/p', { dropped: 9500, capped: capPapers([paper('2608.2', 'x'.repeat(2000))]), total: 10_000 });
		expect(lines).toEqual([
			expect.objectContaining({ level: 'warn', source: 'hf', url: 'http://x/p', entries: 10_000, droppedEntries: 9500 }),
			expect.objectContaining({ level: 'warn', source: 'hf', url: 'http://x/p', truncated: 1, first: [{ id: '2608.2', fields: ['title 2000 > 1000'] }] }),
		]);
	});
});

describe('formatCut', () => {
	it('names each count that is not zero', () => {
		expect(formatCut(emptyCut())).toBe('');
		expect(formatCut({ truncated: 1, droppedEntries: 9500, invalidUtf8: 2 })).toBe(
			'9,500 entries over the page cap dropped, 1 field shortened, 2 responses not valid UTF-8',
		);
		expect(formatCut({ droppedEntries: 1, truncated: Number.NaN })).toBe('1 entry over the page cap dropped');
	});
});

describe('addCut', () => {
	it('sums two cuts, and hasCut says whether anything was cut', () => {
		const total = addCut({ truncated: 1, droppedEntries: 0, invalidUtf8: 0 }, { truncated: 2, droppedEntries: 3, invalidUtf8: 1 });
		expect(total).toEqual({ truncated: 3, droppedEntries: 3, invalidUtf8: 1 });
		expect(hasCut(total)).toBe(true);
		expect(hasCut(emptyCut())).toBe(false);
		expect(hasCut(undefined)).toBe(false);
	});
});
