import { describe, expect, it } from 'vitest';
import { planQuery } from '../src/search/candidates.js';
import { matchFields, queryPhrase, segmentPhrase } from '../src/search/field-match.js';
import { buildSegment } from '../src/search/segment.js';
import { tokenize } from '../src/search/tokenize.js';
import { makePaper } from './search-helpers.js';

const papers = [
	makePaper({ id: 'a', title: 'On the Geometry of On-Policy Distillation', keywords: ['policy distillation', 'geometry'] }),
	makePaper({ id: 'b', title: 'Sparse Updates for Policy Distillation at Scale', authors: ['Zeyu Zhang', 'José García'] }),
	makePaper({ id: 'c', title: 'Zeyu Networks', authors: ['Zeyu Chen', 'Wei Zhang'] }),
];
const segment = buildSegment(papers);
const short = { expandPrefixes: true, expandTypos: true, dropCommon: false };
const phraseOf = (query: string) => {
	const tokens = tokenize(query);
	return queryPhrase(tokens, planQuery(tokens, [segment], short));
};
const match = (query: string, paper: number) => {
	const phrase = phraseOf(query);
	if (!phrase) throw new Error(`no phrase for ${query}`);
	return matchFields(segment, paper, segmentPhrase(segment, phrase));
};

describe('queryPhrase', () => {
	it('is undefined for a query of stopwords only', () => {
		expect(phraseOf('of the')).toBeUndefined();
		expect(phraseOf('policy distillation')).toHaveLength(2);
	});

	it('keeps a word nothing matches, so the phrase cannot match without it', () => {
		expect(phraseOf('policy xylophonist')).toHaveLength(2);
		expect(match('policy xylophonist', 1).phrase).toBe(false);
	});
});

describe('matchFields', () => {
	it('finds the whole query standing together in a title, through typos and stopwords', () => {
		expect(match('On the Gcometry of On-Policy Distillation', 0)).toEqual({ phrase: true, share: 1 });
		// `for` and `at` are not counted: 2 of the title's 5 words.
		expect(match('policy distillation', 1)).toEqual({ phrase: true, share: 2 / 5 });
	});

	it('prefers the item the query is all of: a whole keyword', () => {
		expect(match('policy distillation', 0)).toEqual({ phrase: true, share: 1 });
		expect(match('geometry', 0).share).toBe(1);
	});

	it('matches a full author name but not its parts spread over two authors', () => {
		expect(match('Zeyu Zhang', 1)).toEqual({ phrase: true, share: 1 });
		expect(match('Zeyu Zhang', 2)).toEqual({ phrase: false, share: 0 });
		expect(match('jose garcia', 1).share).toBe(1);
	});

	it('needs the words in order', () => {
		expect(match('distillation policy', 1).phrase).toBe(false);
	});
});
