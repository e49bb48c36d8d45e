import Fuse, { type FuseIndex, type IFuseOptions } from 'fuse.js';
import type { Paper } from '../papers/paper.js';
import { foldText } from './tokenize.js';

/**
 * Fuse.js as one voice in the final ranking of the few best candidates (final-rank.ts). Its bitap cost
 * grows with text length times pattern length, so each candidate's abstract is cut to the windows
 * around the query's words (where Fuse's best match is anyway) while the field-length norm stays that
 * of the whole abstract — scores are then what Fuse alone would give, at a fraction of the cost.
 */

/** The options Fuse scores with; tests and the relevance bench compare against plain Fuse with exactly these. */
export const FUSE_OPTIONS: Readonly<IFuseOptions<Paper>> = Object.freeze({
	includeScore: true,
	// Fuse's default location/distance only looks near the start of each field: deep abstract matches need this.
	ignoreLocation: true,
	threshold: 0.6,
	keys: [
		{ name: 'title', weight: 3 },
		{ name: 'keywords', weight: 1.5 },
		{ name: 'authors', weight: 1 },
		{ name: 'abstract', weight: 1 },
	],
});

export const FuseRankDefaults = Object.freeze({
	/** Fuse splits longer patterns into 32-character chunks and searches each; such queries skip Fuse. */
	maxPatternLength: 32,
	/** Pattern length × candidates ranked by Fuse stays near this (bitap cost), so short patterns get more. */
	candidateBudget: 800,
	minCandidates: 30,
	maxCandidates: 50,
	maxExcerptLength: 240,
});

export interface FuseRanked {
	/** Index into the candidate list given to rankWithFuse. */
	candidate: number;
	score: number;
}

interface FuseRecord {
	title: string;
	keywords: string[];
	authors: string[];
	abstract: string | undefined;
}

export function fuseCandidateCount(pattern: string): number {
	const { candidateBudget, minCandidates, maxCandidates } = FuseRankDefaults;
	return Math.max(minCandidates, Math.min(maxCandidates, Math.floor(candidateBudget / Math.max(1, pattern.length))));
}

/** Ranks `papers` (the candidates, best first) by Fuse score; papers Fuse rejects are left out. */
export function rankWithFuse(pattern: string, papers: readonly Paper[], terms: readonly string[]): FuseRanked[] {
	const records = papers.map((paper) => toRecord(paper, terms, pattern.length));
	const index = Fuse.createIndex<FuseRecord>((FUSE_OPTIONS.keys ?? []) as IFuseOptions<FuseRecord>['keys'] & object, records) as FuseIndex<FuseRecord>;
	restoreAbstractNorms(index, papers);
	const fuse = new Fuse(records, FUSE_OPTIONS as IFuseOptions<FuseRecord>, index);
	return fuse.search(pattern).map((result) => ({ candidate: result.refIndex, score: result.score ?? 1 }));
}

/**
 * Only the authors and keywords that contain a query term go to Fuse: the others could only add a weak
 * fuzzy match that nearly every paper gets alike, and some papers list hundreds of authors.
 */
function toRecord(paper: Paper, terms: readonly string[], patternLength: number): FuseRecord {
	const mentions = (text: string) => {
		const folded = foldText(text);
		return terms.some((term) => folded.includes(term));
	};
	return {
		title: paper.title,
		keywords: (paper.keywords ?? []).filter(mentions),
		authors: paper.authors.filter(mentions),
		abstract: excerpt(paper.abstract, terms, patternLength),
	};
}

/**
 * The parts of `text` around the first occurrence of each query term, joined. Undefined when no term
 * occurs: Fuse then skips the field, which changes the score by a factor of about 0.98 at most
 * (an abstract's norm is tiny) instead of paying a bitap pass over 1,500 characters.
 */
export function excerpt(text: string, terms: readonly string[], patternLength: number): string | undefined {
	const folded = foldText(text);
	const pad = Math.min(24, Math.max(12, patternLength));
	const windows: [number, number][] = [];
	for (const term of terms) {
		const at = folded.indexOf(term);
		if (at >= 0) windows.push([Math.max(0, at - pad), Math.min(folded.length, at + term.length + pad)]);
	}
	if (windows.length === 0) return undefined;
	windows.sort((a, b) => a[0] - b[0]);
	const parts: string[] = [];
	let length = 0;
	let [start, end] = windows[0] as [number, number];
	for (const [nextStart, nextEnd] of windows.slice(1)) {
		if (nextStart <= end) {
			end = Math.max(end, nextEnd);
			continue;
		}
		parts.push(folded.slice(start, end));
		length += end - start;
		if (length >= FuseRankDefaults.maxExcerptLength) break;
		[start, end] = [nextStart, nextEnd];
	}
	if (length < FuseRankDefaults.maxExcerptLength) parts.push(folded.slice(start, end));
	return parts.join(' … ').slice(0, FuseRankDefaults.maxExcerptLength + 2 * pad);
}

/** Puts back the norm Fuse would compute for the whole abstract (see the module comment). */
function restoreAbstractNorms(index: FuseIndex<FuseRecord>, papers: readonly Paper[]): void {
	const keyIndex = index.keys.findIndex((key) => key.id === 'abstract');
	for (const record of index.records) {
		const field = record.$?.[keyIndex];
		const paper = papers[record.i];
		if (field && !Array.isArray(field) && paper) field.n = fieldNorm(paper.abstract);
	}
}

/** Fuse's field-length norm (src/tools/fieldNorm.ts, default weight 1): 1/√(whitespace-separated tokens), 3 decimals. */
export function fieldNorm(text: string): number {
	let tokens = 0;
	let inWord = false;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		const separator = (code >= 9 && code <= 13) || code === 32 || code === 160;
		if (!separator && !inWord) tokens++;
		inWord = !separator;
	}
	return Math.round(1000 / Math.sqrt(Math.max(1, tokens))) / 1000;
}
