import { describe, expect, it } from 'vitest';
import { planQuery, scoreCandidates } from '../src/search/candidates.js';
import { rankLong, rankShort } from '../src/search/final-rank.js';
import { buildSegment } from '../src/search/segment.js';
import { tokenize } from '../src/search/tokenize.js';
import { makePaper } from './search-helpers.js';

const filler = 'We study models and report results on standard benchmarks with strong baselines.';
const papers = [
	makePaper({ id: 'title-only', title: 'Texturing Meshes Quickly', abstract: filler }),
	makePaper({ id: 'all-words', title: 'A Generative Model for Surfaces', abstract: `${filler} Informing the variate prior makes texturing consistent.` }),
	makePaper({ id: 'keyword', title: 'Scaling Agents', abstract: `${filler} Texturing helps.`, keywords: ['texturing'] }),
	makePaper({ id: 'author', title: 'Unrelated Work', abstract: filler, authors: ['Zeyu Zhang'] }),
	makePaper({ id: 'split', title: 'Zhang Zeyu Benchmarks', abstract: filler, authors: ['Zeyu Chen', 'Ming Zhang'] }),
	...Array.from({ length: 20 }, (_, i) => makePaper({ id: `other-${i}`, title: `Other Paper ${i}`, abstract: `${filler} variate ${i}` })),
];
const segment = buildSegment(papers);
const short = { expandPrefixes: true, expandTypos: true, dropCommon: false };

function rank(query: string, long = false) {
	const tokens = tokenize(query);
	const groups = planQuery(tokens, [segment], short);
	const candidates = scoreCandidates([segment], groups, 200, true);
	const hits = long ? rankLong(tokens, groups, candidates, 10) : rankShort(query, tokens, groups, candidates, 10);
	return hits;
}
const ids = (query: string, long = false) => rank(query, long).map((hit) => hit.paper.id);

describe('rankShort', () => {
	it('puts a paper with every rare word of the query above one with a single word in its title', () => {
		expect(ids('informing variate texturing')[0]).toBe('all-words');
	});

	it('puts the paper whose whole keyword is the query first', () => {
		expect(ids('texturing')[0]).toBe('keyword');
	});

	it('puts the paper with that author first, not one with the two names on different people', () => {
		expect(ids('Zeyu Zhang')[0]).toBe('author');
	});

	it('gives Fuse-convention scores that never improve down the list', () => {
		const hits = rank('informing variate texturing');
		for (const [i, hit] of hits.entries()) {
			expect(hit.score).toBeGreaterThanOrEqual(0);
			expect(hit.score).toBeLessThanOrEqual(1);
			if (i > 0) expect(hit.score).toBeGreaterThanOrEqual((hits[i - 1] as { score: number }).score);
		}
	});
});

describe('rankLong', () => {
	it('ranks a typed title first by field evidence, without Fuse', () => {
		expect(ids('A Generative Modle for Surfaces and Meshes', true)[0]).toBe('all-words');
	});
});
