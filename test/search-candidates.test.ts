import { describe, expect, it } from 'vitest';
import { idf, planQuery, scoreCandidates } from '../src/search/candidates.js';
import { buildSegment } from '../src/search/segment.js';
import { loadSeedPapers, makePaper } from './search-helpers.js';

const segment = buildSegment(loadSeedPapers());
const short = { expandPrefixes: true, expandTypos: true, dropCommon: false };

describe('planQuery', () => {
	it('expands a misspelt word to its vocabulary neighbours', () => {
		const [group] = planQuery(['reinforcment'], [segment], short);
		expect(group?.terms.map((term) => term.term)).toContain('reinforcement');
	});

	it('keeps acronyms exact and completes the last word', () => {
		const groups = planQuery(['rlhf', 'overopt'], [segment], short);
		expect(groups[0]?.terms[0]).toMatchObject({ term: 'rlhf', weight: 1 });
		expect(groups[1]?.terms.map((term) => term.term)).toContain('overoptimization');
	});

	it('counts words the corpus never saw against a passage, so one known word is not a perfect match', () => {
		const passage = { expandPrefixes: false, expandTypos: false, dropCommon: true };
		const groups = planQuery(['zebras', 'purple', 'glass', 'regret'], [segment], passage);
		const candidates = scoreCandidates([segment], groups, 5, true);
		expect(candidates.length).toBeGreaterThan(0);
		expect(Math.max(...candidates.map((candidate) => candidate.coverage))).toBeLessThan(0.5);
	});

	it('drops stopwords unless nothing else is left', () => {
		expect(planQuery(['the', 'regret'], [segment], short).map((group) => group.token)).toEqual(['regret']);
		expect(planQuery(['the'], [segment], short).map((group) => group.token)).toEqual(['the']);
	});

	it('gives every term of a group the idf of the likeliest reading', () => {
		const [group] = planQuery(['difusion'], [segment], short);
		const idfs = new Set(group?.terms.map((term) => term.idf));
		expect(idfs.size).toBe(1);
	});
});

describe('scoreCandidates', () => {
	it('ranks papers matching every word first', () => {
		const groups = planQuery(['preference', 'optimization'], [segment], short);
		const [top] = scoreCandidates([segment], groups, 10, true);
		expect(top?.coverage).toBe(1);
		expect(segment.papers[top?.doc ?? -1]?.title).toMatch(/Preference Optimization/);
	});

	it('skips tombstoned papers', () => {
		const copy = buildSegment(loadSeedPapers());
		const groups = planQuery(['squeezellm'], [copy], short);
		const [first] = scoreCandidates([copy], groups, 5, true);
		copy.deleted[first?.doc ?? 0] = 1;
		expect(scoreCandidates([copy], groups, 5, true).map((candidate) => candidate.doc)).not.toContain(first?.doc);
	});
});

describe('scoreCandidates coverage', () => {
	const papers = [
		makePaper({ id: 'exact', title: 'Unnormalized Densities', abstract: 'Unnormalized models with a transformer.' }),
		makePaper({ id: 'neighbour', title: 'Normalized Densities', abstract: 'Normalized models with transformers.' }),
	];
	const small = buildSegment(papers);
	const coverageOf = (query: string) => {
		const candidates = scoreCandidates([small], planQuery(query.split(' '), [small], short), 5, true);
		return Object.fromEntries(candidates.map((candidate) => [papers[candidate.doc]?.id, candidate]));
	};

	it('counts a known word matched only through a different neighbour by that neighbour’s weight', () => {
		const found = coverageOf('unnormalized densities');
		expect(found.exact?.coverage).toBeCloseTo(1, 5);
		expect(found.neighbour?.complete).toBe(true);
		expect(found.neighbour?.coverage).toBeLessThan(0.9);
	});

	it('counts readings of a word the corpus does not know, and plurals of one it knows, in full', () => {
		expect(coverageOf('normalised densities').neighbour?.coverage).toBeCloseTo(1, 5);
		expect(coverageOf('densities transformer').neighbour?.coverage).toBeCloseTo(1, 5);
	});
});

describe('idf', () => {
	it('is higher for rarer words', () => {
		expect(idf(1000, 1)).toBeGreaterThan(idf(1000, 100));
		expect(idf(1000, 1000)).toBeGreaterThan(0);
	});
});
