import { describe, expect, it } from 'vitest';
import { encodeLibraryPage } from '../src/cards/custom-ids.js';
import { formatLibraryLine, formatLibraryPage, type LibraryPageEntry } from '../src/cards/library-page.js';
import { createRandom, expectValidMessage, nastyText } from './cards-support.js';

function entry(n: number, overrides: Partial<LibraryPageEntry> = {}): LibraryPageEntry {
	const id = `2401.${String(n).padStart(5, '0')}`;
	return { id, arxivId: id, title: `Paper ${n}`, authors: ['Ada Lovelace', 'Alan Turing'], listedOn: '2026-03-14', tags: ['to-read'], ...overrides };
}

const page = (entries: LibraryPageEntry[], current = 0, pageCount = 1) =>
	formatLibraryPage({
		title: 'Your library',
		entries,
		page: current,
		pageCount,
		pageSize: 10,
		footer: '12 papers',
		pageButton: (target) => encodeLibraryPage(target),
	});

describe('formatLibraryPage', () => {
	it('lists numbered papers with authors, day and tags, an open button each and Previous/Next', () => {
		const payload = page([entry(1), entry(2)], 1, 2);
		expectValidMessage(payload);
		expect(payload.flags).toBe(64);
		const embed = payload.embeds?.[0];
		expect(embed?.description?.split('\n').slice(0, 2)).toEqual([
			'**11.** [Paper 1](https://huggingface.co/papers/2401.00001)',
			'Ada Lovelace et al. · 2026-03-14 · `to-read`',
		]);
		expect(embed?.footer?.text).toBe('Page 2 of 2 · 12 papers');
		expect(payload.components?.map((row) => row.components.map((button) => button.label))).toEqual([
			['11. Paper 1', '12. Paper 2'],
			['◀ Previous', 'Next ▶'],
		]);
	});

	it('shows no link for a paper without an arXiv id', () => {
		expect(formatLibraryLine(entry(1, { arxivId: undefined, id: 't-0123456789ab' }), 1)).toMatch(/^\*\*1\.\*\* Paper 1\n/);
	});

	it('counts the tags that do not fit on the line', () => {
		const tags = Array.from({ length: 50 }, (_, n) => `tag-number-${n}`);
		expect(formatLibraryLine(entry(1, { tags }), 1)).toMatch(/`tag-number-3` \+46$/);
	});

	it('fits ten worst-case entries and 300 adversarial pages in every limit', () => {
		const tags = Array.from({ length: 50 }, () => 'x'.repeat(32));
		const worst = Array.from({ length: 10 }, (_, n) => entry(n, { title: 'W'.repeat(1000), authors: ['A'.repeat(200)], tags }));
		expectValidMessage(page(worst, 99_998, 99_999));
		const random = createRandom(21);
		for (let i = 0; i < 300; i++) {
			const entries = Array.from({ length: i % 11 }, (_, n) =>
				entry(n, { title: nastyText(random, 400), authors: [nastyText(random, 60)], tags: [nastyText(random, 40)], listedOn: nastyText(random, 20) }),
			);
			expectValidMessage(page(entries, i % 3, 3));
		}
	});
});
