import type { Paper } from '../papers/paper.js';
import { allowedEdits } from './edit-distance.js';
import type { Segment } from './segment.js';
import { foldText, tokenize } from './tokenize.js';

/**
 * Title autocomplete: every typed word must start a word of the title, the last one usually half-typed
 * (`diffusion tra`). The word with the fewest title postings drives a k-way merge over its terms' title
 * lists, which are in recency order, so the newest matches come out first and the merge stops after
 * `limit` papers: a two-letter prefix costs the same as a full word.
 */

/** Stop scanning after this many papers fail the other words' check: bounds the worst case. */
const MAX_SCANNED = 20_000;

interface WordMatcher {
	/** Vocabulary ids whose title postings can satisfy this word. */
	termIds: number[];
	postings: number;
	accepts: (titleToken: string) => boolean;
}

/** The prefix's words; unlike search, a single trailing letter counts (the user is still typing). */
export function autocompleteWords(prefix: string): string[] {
	const words = tokenize(prefix);
	const last = /([\p{L}\p{N}])$/u.exec(foldText(prefix.trimEnd()));
	if (last && !/[\p{L}\p{N}]{2}$/u.test(foldText(prefix.trimEnd()))) words.push(last[1] as string);
	return words;
}

export function autocompleteSegment(segment: Segment, words: readonly string[], limit: number): Paper[] {
	let matchers = words.map((word) => prefixMatcher(segment, word));
	if (matchers.some((matcher) => matcher.postings === 0)) {
		// A misspelt word finds nothing as a prefix: try its close vocabulary neighbours instead.
		matchers = words.map((word, i) => ((matchers[i] as WordMatcher).postings > 0 ? (matchers[i] as WordMatcher) : typoMatcher(segment, word)));
		if (matchers.some((matcher) => matcher.postings === 0)) return [];
	}
	const driver = matchers.reduce((best, matcher) => (matcher.postings < best.postings ? matcher : best));
	const others = matchers.filter((matcher) => matcher !== driver);
	const results: Paper[] = [];
	let scanned = 0;
	for (const rank of mergeRanks(segment, driver.termIds)) {
		const doc = segment.docAtRank[rank] as number;
		if (segment.deleted[doc]) continue;
		const paper = segment.papers[doc] as Paper;
		if (others.length === 0 || titleAcceptsAll(paper.title, others)) {
			results.push(paper);
			if (results.length >= limit) break;
		} else if (++scanned > MAX_SCANNED) break;
	}
	return results;
}

/** The newest `limit` live papers of the segment. */
export function recentInSegment(segment: Segment, limit: number): Paper[] {
	const results: Paper[] = [];
	for (let rank = 0; rank < segment.documentCount && results.length < limit; rank++) {
		const doc = segment.docAtRank[rank] as number;
		if (!segment.deleted[doc]) results.push(segment.papers[doc] as Paper);
	}
	return results;
}

function prefixMatcher(segment: Segment, word: string): WordMatcher {
	const [start, end] = segment.prefixRange(word);
	const termIds: number[] = [];
	let postings = 0;
	for (let id = start; id < end; id++) {
		const count = segment.titleFrequency(id);
		if (count === 0) continue;
		termIds.push(id);
		postings += count;
	}
	return { termIds, postings, accepts: (token) => token.startsWith(word) };
}

/** Close title words, nearest first: one edit is tried before two, which is both likelier and cheaper. */
function typoMatcher(segment: Segment, word: string): WordMatcher {
	let termIds: number[] = [];
	for (let edits = 1; edits <= allowedEdits(word) && termIds.length === 0; edits++) {
		termIds = segment
			.similarTerms(word, edits)
			.map((similar) => similar.termId)
			.filter((id) => segment.titleFrequency(id) > 0);
	}
	const accepted = new Set(termIds.map((id) => segment.terms[id] as string));
	const postings = termIds.reduce((sum, id) => sum + segment.titleFrequency(id), 0);
	return { termIds, postings, accepts: (token) => accepted.has(token) };
}

function titleAcceptsAll(title: string, matchers: readonly WordMatcher[]): boolean {
	const tokens = autocompleteWords(title);
	return matchers.every((matcher) => tokens.some((token) => matcher.accepts(token)));
}

/** Ascending ranks from several ascending title lists, each rank once (a k-way merge on a binary heap). */
function* mergeRanks(segment: Segment, termIds: readonly number[]): Generator<number> {
	const cursors = termIds.map((id) => ({ at: segment.titleOffsets[id] as number, end: segment.titleOffsets[id + 1] as number }));
	const heap = cursors.filter((cursor) => cursor.at < cursor.end);
	const rankOf = (cursor: { at: number }) => segment.titleRanks[cursor.at] as number;
	const siftDown = (start: number) => {
		let i = start;
		for (;;) {
			const left = 2 * i + 1;
			const right = left + 1;
			let least = i;
			if (left < heap.length && rankOf(heap[left]!) < rankOf(heap[least]!)) least = left;
			if (right < heap.length && rankOf(heap[right]!) < rankOf(heap[least]!)) least = right;
			if (least === i) return;
			[heap[i], heap[least]] = [heap[least]!, heap[i]!];
			i = least;
		}
	};
	for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
	let last = -1;
	while (heap.length > 0) {
		const top = heap[0]!;
		const rank = rankOf(top);
		if (rank !== last) {
			yield rank;
			last = rank;
		}
		top.at++;
		if (top.at >= top.end) {
			const tail = heap.pop()!;
			if (heap.length > 0) heap[0] = tail;
		}
		siftDown(0);
	}
}
