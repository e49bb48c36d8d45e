import type { Paper } from '../papers/paper.js';
import type { Candidate, QueryGroup } from './candidates.js';
import { matchFields, queryPhrase, segmentPhrase, type SegmentPhrase } from './field-match.js';
import type { Segment } from './segment.js';
import { fuseCandidateCount, rankWithFuse } from './fuse-rank.js';

/**
 * The final order of the candidates. Three kinds of evidence, added up:
 * - term evidence: the candidate stage's BM25F score (idf × saturated tf over title, abstract, keywords,
 *   authors), per unit of query idf, scaled once more by coverage, so a paper with every rare word of
 *   the query beats one that has a single word in its title;
 * - field evidence: the whole query standing together in one title, keyword or author name, and more
 *   when it is that whole item (a typed title, a keyword phrase, a person's name);
 * - Fuse's fuzzy score (short queries only), which keeps character-level closeness in the picture.
 * Fuse alone ranks bags of remembered words badly (it looks for the words as one string), and BM25
 * alone cannot tell `Zeyu Zhang` from a paper with a Zeyu and a Zhang among 300 authors.
 */

export const FinalRankDefaults = Object.freeze({
	/** The query is one whole title, keyword or author name of the paper. */
	exactBonus: 4,
	/** The query's words stand consecutively in one title, keyword or author name. */
	phraseBonus: 1,
	/** Fuse's score (0 best, 1 rejected) counts against a candidate with this weight. */
	fuseWeight: 1.5,
});

export interface SearchHit {
	paper: Paper;
	/** In [0, 1], 0 = perfect (Fuse's convention). */
	score: number;
}

interface Ranked {
	candidate: Candidate;
	value: number;
	fuse: number | undefined;
}

/**
 * Short queries: term and field evidence pick the papers Fuse looks at, Fuse's score joins theirs.
 * A hit's score is its Fuse score, never better than that of a hit above it (callers threshold on it).
 */
export function rankShort(
	pattern: string,
	tokens: readonly string[],
	groups: readonly QueryGroup[],
	candidates: readonly Candidate[],
	limit: number,
): SearchHit[] {
	const ranked = withFieldEvidence(tokens, groups, candidates);
	const fuseCount = Math.min(ranked.length, fuseCandidateCount(pattern));
	const window = ranked.slice(0, fuseCount);
	const papers = window.map((entry) => paperOf(entry.candidate));
	const terms = groups.flatMap((group) => group.terms.map((term) => term.term));
	for (const { candidate, score } of rankWithFuse(pattern, papers, terms)) (window[candidate] as Ranked).fuse = score;
	for (const entry of ranked) entry.value -= FinalRankDefaults.fuseWeight * (entry.fuse ?? 1);
	let floor = 0;
	return sortRanked(ranked)
		.slice(0, limit)
		.map(({ candidate, fuse }) => {
			floor = Math.max(floor, clampScore(fuse ?? 1 - 0.4 * candidate.coverage));
			return { paper: paperOf(candidate), score: floor };
		});
}

/** Longer queries that are not passages (a pasted title, a long keyword phrase): term and field evidence. */
export function rankLong(tokens: readonly string[], groups: readonly QueryGroup[], candidates: readonly Candidate[], limit: number): SearchHit[] {
	const ranked = sortRanked(withFieldEvidence(tokens, groups, candidates));
	return toOverlapHits(ranked.slice(0, limit).map((entry) => entry.candidate));
}

/** Passage and similarity results: the score is the share of the query's (idf-weighted) words the paper lacks. */
export function toOverlapHits(candidates: readonly Candidate[]): SearchHit[] {
	let floor = 0;
	return candidates.map((candidate) => {
		floor = Math.max(floor, clampScore(1 - candidate.coverage));
		return { paper: paperOf(candidate), score: floor };
	});
}

export function paperOf(candidate: Candidate): Paper {
	return candidate.segment.papers[candidate.doc] as Paper;
}

export function clampScore(score: number): number {
	return Math.min(1, Math.max(0, score));
}

function withFieldEvidence(tokens: readonly string[], groups: readonly QueryGroup[], candidates: readonly Candidate[]): Ranked[] {
	const idfSum = Math.max(
		1e-9,
		groups.reduce((sum, group) => sum + group.idf, 0),
	);
	const phrase = queryPhrase(tokens, groups);
	const { exactBonus, phraseBonus } = FinalRankDefaults;
	const bySegment = new Map<Segment, SegmentPhrase>();
	const ranked = candidates.map((candidate) => {
		let value = (candidate.score * candidate.coverage) / idfSum;
		// Every word must be in a field for all of them to stand together in one: most candidates fail that.
		if (phrase && candidate.complete) {
			let inSegment = bySegment.get(candidate.segment);
			if (!inSegment) bySegment.set(candidate.segment, (inSegment = segmentPhrase(candidate.segment, phrase)));
			const match = matchFields(candidate.segment, candidate.doc, inSegment);
			// One word standing "together" is no news; one word that is a whole keyword (`RLHF`) is.
			if (match.phrase && phrase.length > 1) value += phraseBonus;
			// A title that is little more than the query beats a long one that also contains it.
			value += exactBonus * match.share * match.share;
		}
		return { candidate, value, fuse: undefined };
	});
	return sortRanked(ranked);
}

/** Best first; ties keep candidate order (stable sort), so results are deterministic. */
function sortRanked(ranked: Ranked[]): Ranked[] {
	return ranked.sort((a, b) => b.value - a.value);
}
