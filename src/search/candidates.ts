import { allowedEdits } from './edit-distance.js';
import { ImpactDefaults, type Segment } from './segment.js';
import { selectTop } from './top-k.js';
import { isStopword } from './tokenize.js';

/**
 * The candidate stage: turns query tokens into groups of vocabulary terms (the token itself, words it
 * prefixes, words within an edit or two of it) and scores papers with a BM25F-style sum over the
 * compact postings. It never looks at paper text, so it stays fast at any corpus size; final-rank.ts
 * then orders the best 200 by this score plus whole-field matches and, for short queries, Fuse.
 */

export const CandidateDefaults = Object.freeze({
	maxPrefixExpansions: 8,
	maxTypoExpansions: 8,
	/** A correctly spelled common word needs no typo neighbours (`model` → `modal` would only add noise). */
	typoDocumentFrequency: 25,
	/** Share of the corpus above which a word, once enough papers are found, only re-scores them. */
	commonShare: 0.05,
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
	/**
	 * Share (idf-weighted) of the query's groups the paper matched, in [0, 1]. When the typed word is itself
	 * a known word, a paper that only has a different neighbour of it (`normalized` for `unnormalized`,
	 * `far` for `fatr`) covers it only by that neighbour's weight; completions and plurals count in full.
	 */
	coverage: number;
	/** The paper matched every group, by any of its readings. */
	complete: boolean;
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
	const last = tokens[tokens.length - 1];
	const groups = chosen.map((token) => planGroup(token, segments, total, options, token === last));
	const found = groups.filter((group) => group.terms.length > 0);
	if (!options.dropCommon) return found;
	// In a passage, words the corpus has never seen still count against coverage (as if each were in one
	// paper), so one common word among nonsense is not read as a perfect match.
	const unknown = groups.filter((group) => group.terms.length === 0).map((group) => ({ ...group, idf: idf(total, 1) }));
	if (found.length < 5) return found.length > 0 ? [...found, ...unknown] : found;
	const limit = total * CandidateDefaults.longQueryMaxDocumentShare;
	const selective = found.filter((group) => documentFrequency(segments, group.token) <= limit);
	return [...(selective.length >= 3 ? selective : found), ...unknown];
}

/**
 * One query token as a group of weighted vocabulary terms that all share one idf: that of the token when
 * it is a known word, else that of its most likely reading (the most frequent close neighbour or
 * completion). A shared idf keeps a rare neighbour (`fusion` for `difusion`) from outscoring the
 * common word the user meant (`diffusion`).
 */
function planGroup(token: string, segments: readonly Segment[], total: number, options: PlanOptions, isLast: boolean): QueryGroup {
	const exactFrequency = documentFrequency(segments, token);
	const weights = new Map<string, { weight: number; frequency: number }>();
	const offer = (term: string, weight: number, frequency: number) => {
		if ((weights.get(term)?.weight ?? 0) < weight) weights.set(term, { weight, frequency });
	};
	if (exactFrequency > 0) offer(token, 1, exactFrequency);
	// Completions help the word being typed (the last) and fragments; a finished common word needs none.
	if (options.expandPrefixes && (isLast || exactFrequency < CandidateDefaults.typoDocumentFrequency)) {
		for (const { term, frequency } of prefixCompletions(token, segments)) {
			// A longer completion is a weaker guess at what the user meant.
			offer(term, 0.35 + (0.5 * token.length) / term.length, frequency);
		}
	}
	const maxEdits = allowedEdits(token);
	if (options.expandTypos && maxEdits > 0 && exactFrequency < CandidateDefaults.typoDocumentFrequency) {
		const neighbours = typoNeighbours(token, maxEdits, segments);
		const mostFrequent = neighbours.reduce((most, neighbour) => Math.max(most, neighbour.frequency), 1);
		for (const { term, distance, frequency } of neighbours) {
			// Noisy-channel style: closer and more common words are the likelier intended ones.
			offer(term, (distance === 1 ? 0.75 : 0.45) * (0.5 + 0.5 * Math.sqrt(frequency / mostFrequent)), frequency);
		}
	}
	let reading = exactFrequency;
	if (reading === 0) {
		let best = 0;
		for (const { weight, frequency } of weights.values()) {
			if (weight * frequency > best) [best, reading] = [weight * frequency, frequency];
		}
	}
	const groupIdf = reading > 0 ? idf(total, reading) : 0;
	const terms = [...weights].map(([term, { weight }]) => ({ term, weight, idf: groupIdf }));
	return { token, terms, idf: groupIdf };
}

function prefixCompletions(token: string, segments: readonly Segment[]): { term: string; frequency: number }[] {
	const scored = new Map<string, number>();
	for (const segment of segments) {
		const [start, end] = segment.prefixRange(token);
		for (let id = start; id < end; id++) {
			const term = segment.terms[id] as string;
			if (term === token) continue;
			scored.set(term, (scored.get(term) ?? 0) + segment.documentFrequency(id));
		}
	}
	return [...scored]
		.sort((a, b) => b[1] - a[1])
		.slice(0, CandidateDefaults.maxPrefixExpansions)
		.map(([term, frequency]) => ({ term, frequency }));
}

/** Vocabulary words one edit away, or two when none is one away: nearer readings are likelier and cheaper to find. */
function typoNeighbours(token: string, maxEdits: number, segments: readonly Segment[]) {
	const found = new Map<string, { term: string; distance: number; frequency: number }>();
	for (let edits = 1; edits <= maxEdits && found.size === 0; edits++) {
		for (const segment of segments) {
			for (const { termId, distance } of segment.similarTerms(token, edits)) {
				const term = segment.terms[termId] as string;
				const known = found.get(term);
				const frequency = (known?.frequency ?? 0) + segment.documentFrequency(termId);
				found.set(term, { term, distance: Math.min(distance, known?.distance ?? distance), frequency });
			}
		}
	}
	return [...found.values()].sort((a, b) => a.distance - b.distance || b.frequency - a.frequency).slice(0, CandidateDefaults.maxTypoExpansions);
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
	for (const segment of segments) {
		const floor = groups.length === 1 ? contributionFloor(segment, groups[0] as QueryGroup, limit) : 0;
		let found = scoreSegment(segment, groups, groupIdfSum, limit, coordinate, floor);
		// Tombstoned papers counted towards the floor: too few are left, so score them all.
		if (floor > 0 && found.length < limit) found = scoreSegment(segment, groups, groupIdfSum, limit, coordinate, 0);
		all.push(...found);
	}
	return all.sort((a, b) => b.score - a.score).slice(0, limit);
}

interface Scratch {
	total: Float32Array;
	coverage: Float32Array;
	matched: Uint8Array;
	touched: Int32Array;
	/** The group being scored, for papers it reaches by several readings: their best reading's contribution and credit. */
	best: Float32Array;
	bestCredit: Float32Array;
	/** Which group `best` holds for the paper: a group needs no pass to clear it, only the next generation. */
	stamp: Uint32Array;
	generation: number;
}

/**
 * Per-segment score arrays, reused across queries (zeroed after each) instead of allocated per query. One array per
 * value, not one record per paper: a common word's scan reads only `total`, four bytes a paper, in order.
 */
const scratches = new WeakMap<Segment, Scratch>();

function scratchFor(segment: Segment): Scratch {
	let scratch = scratches.get(segment);
	if (!scratch) {
		const n = segment.documentCount;
		scratch = {
			total: new Float32Array(n),
			coverage: new Float32Array(n),
			matched: new Uint8Array(n),
			touched: new Int32Array(n),
			best: new Float32Array(n),
			bestCredit: new Float32Array(n),
			stamp: new Uint32Array(n),
			generation: 0,
		};
		scratches.set(segment, scratch);
	}
	return scratch;
}

function nextGeneration(scratch: Scratch): number {
	if (scratch.generation === 0xffffffff) {
		scratch.stamp.fill(0);
		scratch.generation = 0;
	}
	return ++scratch.generation;
}

/**
 * For a one-word query whose readings all count in full, the least a posting must be worth to place its paper
 * among the best `limit`: that many papers already reach the floor by one reading alone (its `limit`-th largest
 * impact), and a paper's score is its best reading's. Scoring then skips nearly all of a common word's postings
 * (a million and a half for `model` in a million papers). 0 when no floor applies.
 */
function contributionFloor(segment: Segment, group: QueryGroup, limit: number): number {
	const typedIsKnown = isTypedKnown(group);
	if (group.terms.some((term) => creditOf(term, group, typedIsKnown) < 1)) return 0;
	const counts = new Uint32Array(256);
	let floor = 0;
	for (const { term, weight, idf: termIdf } of group.terms) {
		const termId = segment.termId(term);
		if (termId < 0) continue;
		const start = segment.offsets[termId] as number;
		const end = segment.offsets[termId + 1] as number;
		if (end - start < limit) continue;
		counts.fill(0);
		for (let i = start; i < end; i++) {
			const impact = segment.impacts[i] as number;
			counts[impact] = (counts[impact] as number) + 1;
		}
		let impact = 255;
		for (let seen = 0; impact > 0; impact--) {
			seen += counts[impact] as number;
			if (seen >= limit) break;
		}
		floor = Math.max(floor, (weight * termIdf * impact) / ImpactDefaults.scale);
	}
	// Below float32 rounding, so a paper tied with the last one kept is kept too and ties break as without a floor.
	return floor * (1 - 1e-6);
}

function isTypedKnown(group: QueryGroup): boolean {
	return group.terms.some((term) => term.term === group.token);
}

/** How much of the typed word a reading covers: a completion or plural in full, a neighbour of a known word by its weight. */
function creditOf(term: ExpandedTerm, group: QueryGroup, typedIsKnown: boolean): number {
	return !typedIsKnown || term.term.startsWith(group.token) ? 1 : term.weight;
}

function scoreSegment(segment: Segment, groups: readonly QueryGroup[], groupIdfSum: number, limit: number, coordinate: boolean, floor: number): Candidate[] {
	const scratch = scratchFor(segment);
	const { total, coverage, matched, touched } = scratch;
	let touchedCount = 0;
	const postingsOf = (group: QueryGroup) =>
		group.terms.reduce((sum, { term }) => {
			const id = segment.termId(term);
			return id < 0 ? sum : sum + segment.documentFrequency(id);
		}, 0);
	// Rarest first: once enough papers are in play, a word in a large share of the corpus only re-scores
	// them instead of adding tens of thousands of papers that could not reach the top anyway.
	const ordered = groups.map((group) => ({ group, postings: postingsOf(group) })).sort((a, b) => a.postings - b.postings);
	const commonPostings = segment.documentCount * CandidateDefaults.commonShare;
	for (const { group, postings } of ordered) {
		const onlyKnown = coordinate && touchedCount >= limit && postings > commonPostings;
		const typedIsKnown = isTypedKnown(group);
		const pass = { onlyKnown, floor, touchedCount };
		touchedCount = addReadings(segment, scratch, group, typedIsKnown, pass);
	}
	const finalScore = (doc: number) => {
		if (segment.deleted[doc]) return -1;
		const share = (coverage[doc] as number) / groupIdfSum;
		return coordinate ? (total[doc] as number) * share * share : (total[doc] as number);
	};
	const picked = selectTop(touchedCount, limit, (item) => finalScore(touched[item] as number));
	const candidates: Candidate[] = [];
	for (const item of picked) {
		const doc = touched[item] as number;
		const score = finalScore(doc);
		if (score <= 0) continue;
		const share = Math.min(1, (coverage[doc] as number) / groupIdfSum);
		candidates.push({ segment, doc, score, coverage: share, complete: matched[doc] === groups.length });
	}
	for (let i = 0; i < touchedCount; i++) {
		const doc = touched[i] as number;
		total[doc] = 0;
		coverage[doc] = 0;
		matched[doc] = 0;
	}
	return candidates;
}

interface ScoringPass {
	/** Only re-score papers an earlier group reached (see CandidateDefaults.commonShare). */
	onlyKnown: boolean;
	floor: number;
	touchedCount: number;
}

/**
 * Adds one group's postings to the totals; a paper counts its best reading. The first reading to reach a paper adds to
 * its totals at once, and a better one later replaces that share. A group of one reading (a passage's words, most
 * words of a longer query) reaches a paper once, so it keeps no best. Returns the new touched count.
 */
function addReadings(segment: Segment, scratch: Scratch, group: QueryGroup, typedIsKnown: boolean, pass: ScoringPass): number {
	const { total, coverage, matched, touched, best, bestCredit, stamp } = scratch;
	const generation = nextGeneration(scratch);
	const { postings, impacts } = segment;
	const { onlyKnown, floor } = pass;
	const single = group.terms.length === 1;
	let count = pass.touchedCount;
	for (const expanded of group.terms) {
		const termId = segment.termId(expanded.term);
		if (termId < 0) continue;
		const credit = Math.fround(creditOf(expanded, group, typedIsKnown));
		const factor = (expanded.weight * expanded.idf) / ImpactDefaults.scale;
		const end = segment.offsets[termId + 1] as number;
		let at = segment.postingStarts[termId] as number;
		let doc = 0;
		for (let i = segment.offsets[termId] as number; i < end; i++) {
			// The gap decoding of postings-codec.ts, inline: this loop is most of a search's time.
			let byte = postings[at++] as number;
			let gap = byte & 0x7f;
			for (let shift = 7; byte & 0x80; shift += 7) {
				byte = postings[at++] as number;
				gap |= (byte & 0x7f) << shift;
			}
			doc += gap;
			const contribution = Math.fround(factor * (impacts[i] as number));
			if (contribution < floor) continue;
			const before = total[doc] as number;
			if (onlyKnown && before === 0) continue;
			if (single || stamp[doc] !== generation) {
				if (!single) {
					stamp[doc] = generation;
					best[doc] = contribution;
					bestCredit[doc] = credit;
				}
				if (before === 0) touched[count++] = doc;
				total[doc] = before + contribution;
				coverage[doc] = (coverage[doc] as number) + group.idf * credit;
				if ((matched[doc] as number) < 255) matched[doc] = (matched[doc] as number) + 1;
				continue;
			}
			const previous = best[doc] as number;
			if (contribution > previous) {
				best[doc] = contribution;
				total[doc] = before - previous + contribution;
			}
			const previousCredit = bestCredit[doc] as number;
			if (credit > previousCredit) {
				bestCredit[doc] = credit;
				coverage[doc] = (coverage[doc] as number) + group.idf * (credit - previousCredit);
			}
		}
	}
	return count;
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
