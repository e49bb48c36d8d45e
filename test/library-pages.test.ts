import { describe, expect, it } from 'vitest';
import { LibraryMessages } from '../src/library/messages.js';
import { libraryPage } from '../src/library/pages.js';
import type { LibraryRecord, SavedPaper } from '../src/store/records.js';

function record(count: number): LibraryRecord {
	const papers: SavedPaper[] = Array.from({ length: count }, (_, n) => ({
		id: `2401.${String(n).padStart(5, '0')}`,
		title: `P${n}`,
		authors: [],
		tags: [],
		savedAt: '',
	}));
	return { userId: 'u', papers, updatedAt: '' };
}

describe('libraryPage', () => {
	it('pages ten at a time, newest save first', () => {
		const page = libraryPage(record(23), undefined, 2, false);
		expect({ page: page.page, pageCount: page.pageCount, total: page.total }).toEqual({ page: 2, pageCount: 3, total: 23 });
		expect(page.items.map((entry) => entry.title)).toEqual(['P2', 'P1', 'P0']);
	});

	it('refuses a typed page past the end, and clamps a button’s to the last page', () => {
		expect(() => libraryPage(record(23), undefined, 3, false)).toThrow(LibraryMessages.pageOutOfRange(4, 3));
		expect(libraryPage(record(23), undefined, 7, true).page).toBe(2);
	});
});
