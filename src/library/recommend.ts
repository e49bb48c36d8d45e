import type { Paper } from '../papers/paper.js';
import { forEachToken, isStopword } from '../search/tokenize.js';
import { addDays } from '../digests/local-time.js';

/**
 * "For you": recent papers ranked by how close they are to the papers a user saved, arxiv-sanity's idea on the
 * search tokenizer. Each paper is a tf-idf vector (title words twice, keywords and abstract once; idf over the
 * pool and the profile together, so "model" weighs little and "quantization" much); a recent paper scores the
 * mean cosine of its few nearest saved papers, so a library with two interests is served on both instead of
 * averaged into neither. bench/foryou.ts holds out saved papers on the real corpus to measure it against the
 * "most upvoted" and "same topics" baselines.
 */

export const RecommendDefaults = Object.freeze({
	/** Recent means listed in the corpus's last 30 days. */
	windowDays: 30,
	/** The newest papers of the window ranked at most: a corpus fed by busy arXiv categories stays fast to rank. */
	poolMax: 2000,
	/** The latest saves that make up the profile; older interests fade. */
	profileSize: 200,
	/** Saved papers whose similarity a candidate's score averages. */
	neighbours: 3,
	limit: 10,
	titleWeight: 2,
});

export interface Recommendation {
	paper: Paper;
	/** Mean cosine to the nearest saved papers, 0 to 1. */
	score: number;
}

/** What is known of a saved paper: the corpus's copy when it still has one, else the saved title. */
export type ProfilePaper = Pick<Paper, 'title'> & Partial<Pick<Paper, 'abstract' | 'keywords'>>;

export interface RecommendOptions {
	limit?: number;
	neighbours?: number;
	/** `centroid` scores by the cosine to the profile's mean vector instead (Rocchio): kept for the benchmark's comparison. */
	mode?: 'neighbours' | 'centroid';
}

/** Papers listed in the `windowDays` ending on the latest listing day, newest first, without those in `exclude`. */
export function recentPool(papers: readonly Paper[], exclude: ReadonlySet<string>, windowDays: number = RecommendDefaults.windowDays): Paper[] {
	let latest = '';
	for (const paper of papers) if (paper.listedOn > latest) latest = paper.listedOn;
	if (latest === '') return [];
	const start = addDays(latest, 1 - windowDays);
	return papers
		.filter((paper) => paper.listedOn >= start && paper.listedOn <= latest && !exclude.has(paper.id))
		.sort((a, b) => b.listedOn.localeCompare(a.listedOn))
		.slice(0, RecommendDefaults.poolMax);
}

/** The pool ranked by closeness to the profile, best first; ties go to the more upvoted, then the more recent. */
export function recommendPapers(profile: readonly ProfilePaper[], pool: readonly Paper[], options: RecommendOptions = {}): Recommendation[] {
	if (profile.length === 0 || pool.length === 0) return [];
	const counts = [...profile.map(termCounts), ...pool.map(termCounts)];
	const idf = inverseDocumentFrequency(counts);
	const vectors = counts.map((terms) => weigh(terms, idf));
	const profileVectors = vectors.slice(0, profile.length);
	const poolVectors = vectors.slice(profile.length);
	const scores =
		options.mode === 'centroid'
			? scoreByCentroid(profileVectors, poolVectors)
			: scoreByNeighbours(profileVectors, poolVectors, options.neighbours ?? RecommendDefaults.neighbours);
	return pool
		.map((paper, index) => ({ paper, score: scores[index] ?? 0 }))
		.sort(
			(a, b) =>
				b.score - a.score ||
				(b.paper.upvotes ?? -1) - (a.paper.upvotes ?? -1) ||
				b.paper.listedOn.localeCompare(a.paper.listedOn) ||
				a.paper.id.localeCompare(b.paper.id),
		)
		.slice(0, options.limit ?? RecommendDefaults.limit);
}

type Vector = Map<string, number>;

/** Tokenizing is most of the cost, and the pool is the same paper objects from one request to the next. */
const countsCache = new WeakMap<ProfilePaper, Vector>();

function termCounts(paper: ProfilePaper): Vector {
	const cached = countsCache.get(paper);
	if (cached) return cached;
	const counts: Vector = new Map();
	const add = (weight: number) => (token: string) => {
		if (token.length < 2 || isStopword(token) || /^\d+$/.test(token)) return;
		counts.set(token, (counts.get(token) ?? 0) + weight);
	};
	forEachToken(paper.title ?? '', add(RecommendDefaults.titleWeight));
	for (const keyword of paper.keywords ?? []) forEachToken(keyword, add(1));
	forEachToken(paper.abstract ?? '', add(1));
	countsCache.set(paper, counts);
	return counts;
}

function inverseDocumentFrequency(documents: readonly Vector[]): Vector {
	const frequency: Vector = new Map();
	for (const terms of documents) for (const term of terms.keys()) frequency.set(term, (frequency.get(term) ?? 0) + 1);
	const idf: Vector = new Map();
	for (const [term, count] of frequency) idf.set(term, Math.log((documents.length + 1) / (count + 1)) + 1);
	return idf;
}

/** Sublinear tf × idf, L2-normalized, so a long abstract does not outweigh a short one. */
function weigh(counts: Vector, idf: Vector): Vector {
	const vector: Vector = new Map();
	let norm = 0;
	for (const [term, count] of counts) {
		const weight = (1 + Math.log(count)) * (idf.get(term) ?? 0);
		vector.set(term, weight);
		norm += weight * weight;
	}
	const length = Math.sqrt(norm) || 1;
	for (const [term, weight] of vector) vector.set(term, weight / length);
	return vector;
}

/** Through an inverted list of the profile, so each candidate touches only the saved papers it shares a word with. */
function scoreByNeighbours(profile: readonly Vector[], pool: readonly Vector[], neighbours: number): number[] {
	const postings = new Map<string, Array<[number, number]>>();
	profile.forEach((vector, doc) => {
		for (const [term, weight] of vector) {
			let list = postings.get(term);
			if (!list) postings.set(term, (list = []));
			list.push([doc, weight]);
		}
	});
	const k = Math.max(1, Math.min(neighbours, profile.length));
	return pool.map((vector) => {
		const similarity = new Float64Array(profile.length);
		for (const [term, weight] of vector) for (const [doc, other] of postings.get(term) ?? []) similarity[doc] = (similarity[doc] ?? 0) + weight * other;
		const nearest = [...similarity].sort((a, b) => b - a).slice(0, k);
		return nearest.reduce((sum, value) => sum + value, 0) / k;
	});
}

function scoreByCentroid(profile: readonly Vector[], pool: readonly Vector[]): number[] {
	const centroid: Vector = new Map();
	for (const vector of profile) for (const [term, weight] of vector) centroid.set(term, (centroid.get(term) ?? 0) + weight / profile.length);
	return pool.map((vector) => {
		let dot = 0;
		for (const [term, weight] of vector) dot += weight * (centroid.get(term) ?? 0);
		return dot;
	});
}
