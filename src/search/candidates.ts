import { allowedEdits } from './edit-distance.js';
import { FieldFlag, TF_SHIFT, type Segment } from './segment.js';
import { selectTop } from './top-k.js';
import { isStopword } from './tokenize.js';

/**
 * The candidate stage: turns query tokens into groups of vocabulary terms (the token itself, words it
 * prefixes, words within an edit or two of it) and scores papers with a BM25F-style sum over the
 * compact postings. It never looks at paper text, so it stays fast at any corpus size; Fuse then ranks
 * the best few (fuse-rank.ts).
 */

export const CandidateDefaults = Object.freeze({
	maxPrefixExpansions: 8,
	maxTypoExpansions: 8,
	/** A correctly spelled common word needs no typo neighbours (`model` → `modal` would only add noise). */
	typoDocumentFrequency: 25,
	titleBoost: 2.5,
	keywordBoost: 1.2,
	authorBoost: 1.5,
	k1: 1.2,
	b: 0.75,
	/** In long queries a word in a quarter of all papers neither finds nor separates anything. */
	longQueryMaxDocumentShare: 0.25,
});

export interface ExpandedTerm {
	term: string;
	/** 1 for the token itself; less for a prefix completion or a typo neighbour. */
	weight: number;
	idf: number;
}

export interface QueryGroup {
	token: string;
	terms: ExpandedTerm[];
	idf: number;
}

export interface Candidate {
	segment: Segment;
	doc: number;
	score: number;
	/** Share (idf-weighted) of the query's groups the paper matched, in [0, 1]. */
	coverage: number;
}

export interface PlanOptions {
	expandPrefixes: boolean;
	expandTypos: boolean;
	/** Drop very common words when there are enough others (long pasted passages). */
	dropCommon: boolean;
}

export function planQuery(tokens: readonly string[], segments: readonly Segment[], options: PlanOptions): QueryGroup[] {
	const total = liveCount(segments);
	const unique = [...new Set(tokens)];
	const content = unique.filter((token) => !isStopword(token));
	const chosen = content.length > 0 ? content : unique;
	const groups = chosen.map((token) => planGroup(token, segments, total, options));
	const found = groups.filter((group) => group.terms.length > 0);
	if (!options.dropCommon || found.length < 5) return found;
	const limit = total * CandidateDefaults.longQueryMaxDocumentShare;
	const selective = found.filter((group) => documentFrequency(segments, group.token) <= limit);
	return selective.length >= 3 ? selective : found;
}

function planGroup(token: string, segments: readonly Segment[], total: number, options: PlanOptions): QueryGroup {
	const exactFrequency = documentFrequency(segments, token);
	const exactIdf = exactFrequency > 0 ? idf(total, exactFrequency) : Number.POSITIVE_INFINITY;
	const weights = new Map<string, number>();
	if (exactFrequency > 0) weights.set(token, 1);
	if (options.expandPrefixes) {
		for (const term of prefixCompletions(token, segments)) {
			// A longer completion is a weaker guess at what the user meant.
			const weight = 0.35 + (0.5 * token.length) / term.length;
			if ((weights.get(term) ?? 0) < weight) weights.set(term, weight);
		}
	}
	const maxEdits = allowedEdits(token);
	if (options.expandTypos && maxEdits > 0 && exactFrequency < CandidateDefaults.typoDocumentFrequency) {
		for (const { term, distance } of typoNeighbours(token, maxEdits, segments)) {
			const weight = distance === 1 ? 0.75 : 0.5;
			if ((weights.get(term) ?? 0) < weight) weights.set(term, weight);
		}
	}
	const terms: ExpandedTerm[] = [];
	for (const [term, weight] of weights) {
		// An expansion may never outweigh the word actually typed: a rare neighbour would otherwise win.
		terms.push({ term, weight, idf: Math.min(idf(total, documentFrequency(segments, term)), exactIdf) });
	}
	const groupIdf = terms.reduce((best, term) => Math.max(best, term.idf), 0);
	return { token, terms, idf: groupIdf };
}

function prefixCompletions(token: string, segments: readonly Segment[]): string[] {
	const scored = new Map<string, number>();
	for (const segment of segments) {
		const [start, end] = segment.prefixRange(token);
		for (let id = start; id < end; id++) {
			const term = segment.terms[id] as string;
			if (term === token) continue;
			scored.set(term, (scored.get(term) ?? 0) + segment.documentFrequency(id));
		}
	}
	return [...scored].sort((a, b) => b[1] - a[1]).slice(0, CandidateDefaults.maxPrefixExpansions).map(([term]) => term);
}

function typoNeighbours(token: string, maxEdits: number, segments: readonly Segment[]) {
	const found = new Map<string, { term: string; distance: number; frequency: number }>();
	for (const segment of segments) {
		for (const { termId, distance } of segment.similarTerms(token, maxEdits)) {
			const term = segment.terms[termId] as string;
			const known = found.get(term);
			const frequency = (known?.frequency ?? 0) + segment.documentFrequency(termId);
			found.set(term, { term, distance: Math.min(distance, known?.distance ?? distance), frequency });
		}
	}
	return [...found.values()]
		.sort((a, b) => a.distance - b.distance || b.frequency - a.frequency)
		.slice(0, CandidateDefaults.maxTypoExpansions);
}

/**
 * The best `limit` papers across segments. With `coordinate`, a paper matching only some of the query's
 * words is scaled down by the square of its coverage, so `preference optimization LLM` prefers papers
 * with all three over papers that say `optimization` a lot.
 */
export function scoreCandidates(segments: readonly Segment[], groups: readonly QueryGroup[], limit: number, coordinate: boolean): Candidate[] {
	const groupIdfSum = groups.reduce((sum, group) => sum + group.idf, 0);
	if (groupIdfSum <= 0) return [];
	const all: Candidate[] = [];
	for (const segment of segments) all.push(...scoreSegment(segment, groups, groupIdfSum, limit, coordinate));
	return all.sort((a, b) => b.score - a.score).slice(0, limit);
}

function scoreSegment(segment: Segment, groups: readonly QueryGroup[], groupIdfSum: number, limit: number, coordinate: boolean): Candidate[] {
	const n = segment.documentCount;
	const total = new Float32Array(n);
	const coverage = new Float32Array(n);
	const best = new Float32Array(n);
	const touched: number[] = [];
	const { titleBoost, keywordBoost, authorBoost, k1, b } = CandidateDefaults;
	const lengthNorm = k1 * (1 - b);
	const lengthScale = (k1 * b) / segment.averageAbstractLength;
	for (const group of groups) {
		const groupTouched: number[] = [];
		for (const { term, weight, idf: termIdf } of group.terms) {
			const termId = segment.termId(term);
			if (termId < 0) continue;
			const factor = weight * termIdf;
			const end = segment.offsets[termId + 1] as number;
			for (let i = segment.offsets[termId] as number; i < end; i++) {
				const doc = segment.docs[i] as number;
				const code = segment.codes[i] as number;
				const tf = code >> TF_SHIFT;
				let field = tf === 0 ? 0 : (tf * (k1 + 1)) / (tf + lengthNorm + lengthScale * (segment.abstractLength[doc] as number));
				if (code & FieldFlag.title) field += titleBoost;
				if (code & FieldFlag.keywords) field += keywordBoost;
				if (code & FieldFlag.authors) field += authorBoost;
				const contribution = factor * field;
				const previous = best[doc] as number;
				if (previous === 0) groupTouched.push(doc);
				if (contribution > previous) best[doc] = contribution;
			}
		}
		for (const doc of groupTouched) {
			if (total[doc] === 0) touched.push(doc);
			total[doc] = (total[doc] as number) + (best[doc] as number);
			coverage[doc] = (coverage[doc] as number) + group.idf;
			best[doc] = 0;
		}
	}
	const finalScore = (doc: number) => {
		if (segment.deleted[doc]) return -1;
		const share = (coverage[doc] as number) / groupIdfSum;
		return coordinate ? (total[doc] as number) * share * share : (total[doc] as number);
	};
	const picked = selectTop(touched.length, limit, (item) => finalScore(touched[item] as number));
	const candidates: Candidate[] = [];
	for (const item of picked) {
		const doc = touched[item] as number;
		const score = finalScore(doc);
		if (score <= 0) continue;
		candidates.push({ segment, doc, score, coverage: Math.min(1, (coverage[doc] as number) / groupIdfSum) });
	}
	return candidates;
}

export function liveCount(segments: readonly Segment[]): number {
	let count = 0;
	for (const segment of segments) count += segment.documentCount;
	return Math.max(1, count);
}

export function documentFrequency(segments: readonly Segment[], term: string): number {
	let frequency = 0;
	for (const segment of segments) {
		const id = segment.termId(term);
		if (id >= 0) frequency += segment.documentFrequency(id);
	}
	return frequency;
}

export function idf(total: number, frequency: number): number {
	return Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
}
