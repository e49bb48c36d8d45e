import { describe, expect, it } from 'vitest';
import { idf, planQuery, scoreCandidates } from '../src/search/candidates.js';
import { decodePostingList } from '../src/search/postings-codec.js';
import { buildSegment, ImpactDefaults, type Segment } from '../src/search/segment.js';
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

describe('scoreCandidates scores', () => {
	/** BM25F-style, posting by posting: per word its best reading, summed, times the square of the words' covered share. */
	const byDefinition = (target: Segment, groups: ReturnType<typeof planQuery>) => {
		const idfSum = groups.reduce((sum, group) => sum + group.idf, 0);
		const total = new Map<number, number>();
		const coverage = new Map<number, number>();
		for (const group of groups) {
			const typedIsKnown = group.terms.some((term) => term.term === group.token);
			const best = new Map<number, { value: number; credit: number }>();
			for (const { term, weight, idf: termIdf } of group.terms) {
				const termId = target.termId(term);
				if (termId < 0) continue;
				const credit = Math.fround(!typedIsKnown || term.startsWith(group.token) ? 1 : weight);
				const first = target.offsets[termId] as number;
				decodePostingList(target, target.offsets, termId).forEach((doc, i) => {
					const value = Math.fround((weight * termIdf * (target.impacts[first + i] as number)) / ImpactDefaults.scale);
					const known = best.get(doc) ?? { value: 0, credit: 0 };
					best.set(doc, { value: Math.max(known.value, value), credit: Math.max(known.credit, credit) });
				});
			}
			for (const [doc, { value, credit }] of best) {
				total.set(doc, Math.fround((total.get(doc) ?? 0) + value));
				coverage.set(doc, Math.fround((coverage.get(doc) ?? 0) + group.idf * credit));
			}
		}
		return new Map([...total].map(([doc, value]) => [doc, value * ((coverage.get(doc) as number) / idfSum) ** 2]));
	};

	it('every paper as the sum of its best reading per word, times the square of the share of words it covers', () => {
		for (const query of ['preference optimization', 'difusion model', 'reinforcment learning from human feedback', 'llm agents']) {
			const groups = planQuery(query.split(' '), [segment], short);
			const expected = byDefinition(segment, groups);
			const found = scoreCandidates([segment], groups, 200, true);
			expect(found.length).toBe([...expected.values()].filter((value) => value > 0).length);
			for (const candidate of found) expect(candidate.score).toBeCloseTo(expected.get(candidate.doc) as number, 4);
		}
	});
});

describe('scoreCandidates on a one-word query', () => {
	// 1,200 papers with `model` said 0–5 times in abstracts of varying length, some in the title, `models` in others:
	// far more postings than the 200 kept, so the floor skips most of them.
	const wordy = Array.from({ length: 1200 }, (_, i) =>
		makePaper({
			id: `p${i}`,
			title: i % 7 === 0 ? `A model of things ${i}` : `Things ${i}`,
			abstract: `${'model '.repeat(i % 6)}${i % 5 === 0 ? 'models ' : ''}${'filler words here '.repeat(1 + (i % 9))}`,
		}),
	);
	const everyPosting = (segment: Segment, query: string, limit: number) => {
		const [group] = planQuery([query], [segment], short);
		const best = new Map<number, number>();
		for (const { term, weight, idf: termIdf } of group?.terms ?? []) {
			const termId = segment.termId(term);
			const first = segment.offsets[termId] as number;
			decodePostingList(segment, segment.offsets, termId).forEach((doc, i) => {
				if (segment.deleted[doc]) return;
				const value = Math.fround((weight * termIdf * (segment.impacts[first + i] as number)) / ImpactDefaults.scale);
				best.set(doc, Math.max(best.get(doc) ?? 0, value));
			});
		}
		return [...best].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit);
	};

	it('finds the same best papers, in the same order, as scoring every posting', () => {
		const wordySegment = buildSegment(wordy);
		for (const query of ['model', 'models', 'mod', 'things']) {
			const found = scoreCandidates([wordySegment], planQuery([query], [wordySegment], short), 200, true);
			const expected = everyPosting(wordySegment, query, 200);
			expect(found.map((candidate) => candidate.doc)).toEqual(expected.map(([doc]) => doc));
		}
	});

	it('still fills the list when tombstones held the postings that set its floor', () => {
		const wordySegment = buildSegment(wordy);
		const groups = planQuery(['model'], [wordySegment], short);
		for (const candidate of scoreCandidates([wordySegment], groups, 200, true)) wordySegment.deleted[candidate.doc] = 1;
		const found = scoreCandidates([wordySegment], groups, 200, true);
		expect(found).toHaveLength(200);
		expect(found.map((candidate) => candidate.doc)).toEqual(everyPosting(wordySegment, 'model', 200).map(([doc]) => doc));
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
