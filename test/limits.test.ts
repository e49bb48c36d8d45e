import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { paperFromHfEntry } from '../src/papers/hf-entry.js';
import { capPaperFields, describeCut, PAPER_LIMITS, truncateText } from '../src/papers/limits.js';
import { titleId, type Paper } from '../src/papers/paper.js';
import { createRandom } from './cards-support.js';
import { SHARED_DIR } from './support/fixture-server.js';

const CORPUS = `${SHARED_DIR}corpora/hf-daily-papers.jsonl.gz`;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function paper(overrides: Partial<Paper> = {}): Paper {
	return {
		id: '2608.00001',
		arxivId: '2608.00001',
		title: 'T',
		abstract: 'A.',
		authors: ['Ada Lovelace'],
		listedOn: '2026-08-21',
		source: 'hf-daily',
		...overrides,
	};
}

describe('PAPER_LIMITS', () => {
	it('is frozen', () => {
		expect(Object.isFrozen(PAPER_LIMITS)).toBe(true);
	});

	it.skipIf(!existsSync(CORPUS))(`cuts nothing from the 9,577 real entries${existsSync(CORPUS) ? '' : ' — skipped: ../shared/corpora is absent'}`, () => {
		const lines = gunzipSync(readFileSync(CORPUS)).toString('utf8').trim().split('\n');
		let read = 0;
		for (const line of lines) {
			const result = paperFromHfEntry(JSON.parse(line));
			if (!result.ok) continue;
			read += 1;
			expect(capPaperFields(result.paper).cuts).toEqual([]);
		}
		expect(read).toBe(9577);
	});
});

describe('truncateText', () => {
	it('does nothing to text within the limit', () => {
		expect(truncateText('short', 5)).toBe('short');
	});

	it('ends a cut text with an ellipsis, within the limit', () => {
		const cut = truncateText('a'.repeat(1072), 1000);
		expect(cut).toHaveLength(1000);
		expect(cut.endsWith('a…')).toBe(true);
	});

	it('never splits a surrogate pair, an emoji sequence or a letter from its accent', () => {
		// 😀 is two UTF-16 units; with the ellipsis, a naive slice would keep its first half.
		expect(truncateText(`abc😀def`, 5)).toBe('abc…');
		expect(truncateText('ab👩‍👩‍👧xyz', 6)).toBe('ab…');
		expect(truncateText('abe\u0301\u0301cd', 5)).toBe('ab…');
	});

	it('cuts at a grapheme boundary whatever the text and the limit', () => {
		const random = createRandom(7);
		const pieces = ['a', ' ', 'é', 'e\u0301', '😀', '👩‍👩‍👧', '🇫🇷', '中', '\uD83D', 'x\u200d'];
		for (let round = 0; round < 500; round++) {
			const text = Array.from({ length: 1 + Math.floor(random() * 60) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
			const max = 1 + Math.floor(random() * text.length);
			const cut = truncateText(text, max);
			expect(cut.length).toBeLessThanOrEqual(max);
			if (cut === text) continue;
			const kept = cut.slice(0, -1).trimEnd();
			expect(text.startsWith(kept)).toBe(true);
			const boundaries = new Set([...graphemes.segment(text)].map((segment) => segment.index));
			expect(boundaries.has(kept.length) || kept.length === text.trimEnd().length).toBe(true);
			if (!LONE_SURROGATE.test(text)) expect(cut).not.toMatch(LONE_SURROGATE);
		}
	});

	it('cuts a 1 MB abstract to the limit', () => {
		const abstract = 'Word 😀 '.repeat(131_072);
		const cut = truncateText(abstract, PAPER_LIMITS.abstractChars);
		expect(cut.length).toBeLessThanOrEqual(PAPER_LIMITS.abstractChars);
		expect(cut).not.toMatch(LONE_SURROGATE);
		expect(abstract.startsWith(cut.slice(0, -1))).toBe(true);
	});
});

describe('capPaperFields', () => {
	it('returns the same paper when it is within every limit', () => {
		const within = paper();
		expect(capPaperFields(within)).toEqual({ paper: within, cuts: [] });
		expect(capPaperFields(within).paper).toBe(within);
	});

	it('shortens each over-long field and counts each cut', () => {
		const { paper: capped, cuts } = capPaperFields(
			paper({
				title: 'T'.repeat(1072),
				abstract: 'a'.repeat(1024 * 1024),
				authors: ['N'.repeat(250), ...Array.from({ length: 1499 }, (_, index) => `Author ${index}`)],
				keywords: Array.from({ length: 150 }, (_, index) => `k${index}`),
			}),
		);
		expect(capped.title).toHaveLength(PAPER_LIMITS.titleChars);
		expect(capped.abstract).toHaveLength(PAPER_LIMITS.abstractChars);
		expect(capped.authors).toHaveLength(PAPER_LIMITS.authors);
		expect(capped.authors[0]).toHaveLength(PAPER_LIMITS.authorNameChars);
		expect(capped.keywords).toHaveLength(PAPER_LIMITS.keywords);
		expect(capped.id).toBe('2608.00001');
		expect(cuts).toEqual([
			{ field: 'title', length: 1072, limit: 1000 },
			{ field: 'abstract', length: 1_048_576, limit: 10_000 },
			{ field: 'authors', length: 1500, limit: 1000 },
			{ field: 'author name', length: 250, limit: 200 },
			{ field: 'keywords', length: 150, limit: 100 },
		]);
	});

	it('renames a paper named by its title after the shortened title', () => {
		const title = 'Long '.repeat(300).trim();
		const { paper: capped } = capPaperFields({ id: titleId(title), title, abstract: 'A.', authors: [], listedOn: '2026-03-14', source: 'seed-dump' });
		expect(capped.id).toBe(titleId(capped.title));
		expect(capped.id).not.toBe(titleId(title));
	});
});

describe('describeCut', () => {
	it('names the field, its length and the limit', () => {
		expect(describeCut({ field: 'title', length: 1072, limit: 1000 })).toBe('title of 1,072 characters is longer than the 1,000 allowed; shortened');
		expect(describeCut({ field: 'authors', length: 1500, limit: 1000 })).toBe('1,500 authors are more than the 1,000 kept; the rest left out');
	});
});
