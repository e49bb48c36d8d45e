import { describe, expect, it } from 'vitest';
import { followsSomething, matchAuthors, normalizeAuthor, parseAuthors, parsePhrases, phraseFilter, selectionKey } from '../src/digests/filters.js';
import type { Paper } from '../src/papers/paper.js';

const paper = (id: string, title: string, authors: string[] = [], abstract = ''): Paper => ({
	id,
	title,
	abstract,
	authors,
	listedOn: '2026-03-14',
	source: 'hf-daily',
});

describe('parsePhrases', () => {
	it('splits on commas, trims, drops blanks and case-insensitive repeats; none clears', () => {
		expect(parsePhrases(' video generation , Audio,,audio ', 'include')).toEqual(['video generation', 'Audio']);
		expect(parsePhrases('none', 'exclude')).toEqual([]);
	});

	it('refuses too many and too long, naming the option', () => {
		expect(() => parsePhrases(Array.from({ length: 26 }, (_, index) => `w${index}`).join(','), 'include')).toThrow(
			/26 include words or phrases; a digest can have at most 25/,
		);
		expect(() => parsePhrases('x'.repeat(101), 'exclude')).toThrow(/An exclude word or phrase can be at most 100 characters/);
	});
});

describe('parseAuthors', () => {
	it('takes comma-separated names and refuses one with no letters', () => {
		expect(parseAuthors('Ada Lovelace, G. Hopper')).toEqual(['Ada Lovelace', 'G. Hopper']);
		expect(() => parseAuthors('Ada, ---')).toThrow(/has no letters/);
		expect(() => parseAuthors('x'.repeat(201))).toThrow(/at most 200 characters/);
	});
});

describe('normalizeAuthor', () => {
	it('folds accents, case, punctuation and spacing', () => {
		expect(normalizeAuthor('José  García-López')).toBe('jose garcia lopez');
		expect(normalizeAuthor('GRACE hopper')).toBe(normalizeAuthor('Grace Hopper'));
	});
});

describe('matchAuthors', () => {
	it('matches a whole author name, not a part of one or the title', () => {
		const papers = [
			paper('a', 'Compilers', ['Grace Hopper', 'Jean Sammet']),
			paper('b', 'Moths', ['grace  HOPPER']),
			paper('c', 'Not hers', ['Grace Hopperson']),
			paper('d', 'Grace Hopper, a life', ['Someone']),
			paper('e', 'Initials', ['G. Hopper']),
		];
		expect([...matchAuthors(['Grace Hopper'], papers)]).toEqual(['a', 'b']);
		expect(matchAuthors([], papers).size).toBe(0);
	});
});

describe('phraseFilter', () => {
	it('keeps a paper with any include phrase (words in order, at word starts) and drops one with any exclude word', () => {
		const keep = phraseFilter({ include: ['zebrafish tracking', 'axolotl'], exclude: ['ultrasound'] });
		expect(keep?.(paper('1', 'Zebrafish trackings at scale'))).toBe(true);
		expect(keep?.(paper('2', 'Tracking zebrafish'))).toBe(false);
		expect(keep?.(paper('3', 'Axolotls', [], 'with ultrasound imaging'))).toBe(false);
		expect(keep?.(paper('4', 'Nothing here', [], 'the axolotl abstract'))).toBe(true);
		expect(phraseFilter({ exclude: ['video'] })?.(paper('5', 'Videos of cats'))).toBe(false);
		expect(phraseFilter({})).toBeUndefined();
	});
});

describe('followsSomething', () => {
	it('is false only with neither topics nor authors', () => {
		expect(followsSomething({ topics: [] })).toBe(false);
		expect(followsSomething({ topics: [], authors: ['Ada'] })).toBe(true);
	});
});

describe('selectionKey', () => {
	it('is the same for the same selection in any order or case, and differs across the lists', () => {
		expect(selectionKey({ topics: ['A', 'b'], include: ['x'] })).toBe(selectionKey({ topics: ['B', 'a'], include: ['X'] }));
		expect(selectionKey({ topics: ['a'] })).not.toBe(selectionKey({ topics: [], authors: ['a'] }));
		expect(selectionKey({ topics: [], include: ['a'] })).not.toBe(selectionKey({ topics: [], exclude: ['a'] }));
	});
});
