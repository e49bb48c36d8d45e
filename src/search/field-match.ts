import type { QueryGroup } from './candidates.js';
import { ITEM_START, TERM_MASK, type Segment } from './segment.js';
import { isStopword } from './tokenize.js';

/**
 * Whole-query matches inside one short field item — the title, one keyword, one author name. The
 * postings only know that a paper has each word somewhere; a user who types a keyword phrase or a
 * person's name means the paper where those words stand together, which only the word order can tell.
 * Each query word matches through its group (so a typo or a half-typed word still counts) and
 * stopwords are skipped on both sides (`On the Gcometry of …` matches `On the Geometry of …`).
 * It reads the segment's `fieldWords` (term ids in reading order), never the papers' strings: it runs
 * on every candidate of every query, and 200 papers scattered over a large corpus are 200 cache misses.
 */

/** The query's words in typed order, each as the vocabulary terms that may stand for it. */
export type QueryPhrase = readonly (readonly string[])[];

/** A QueryPhrase in one segment's term ids (-1 for a term it does not have). */
export type SegmentPhrase = readonly Int32Array[];

export interface FieldMatch {
	/** Some item holds the query's words consecutively, in order. */
	phrase: boolean;
	/** The largest share of such an item's words that the query is: 1 when the item is exactly the query. */
	share: number;
}

const NO_MATCH: FieldMatch = Object.freeze({ phrase: false, share: 0 });

/**
 * Undefined for a query of stopwords only. A word without a group (a passage-like query drops very
 * common words from scoring) still has to stand in the item as typed.
 */
export function queryPhrase(tokens: readonly string[], groups: readonly QueryGroup[]): QueryPhrase | undefined {
	const byToken = new Map(groups.map((group) => [group.token, group.terms.map((term) => term.term)]));
	const content = tokens.filter((token) => !isStopword(token));
	if (content.length === 0) return undefined;
	return content.map((token) => {
		const terms = byToken.get(token);
		return terms && terms.length > 0 ? terms : [token];
	});
}

export function segmentPhrase(segment: Segment, phrase: QueryPhrase): SegmentPhrase {
	return phrase.map((terms) => Int32Array.from(terms, (term) => segment.termId(term)));
}

export function matchFields(segment: Segment, doc: number, phrase: SegmentPhrase): FieldMatch {
	const words = segment.fieldWords;
	const end = segment.fieldStarts[doc + 1] as number;
	const n = phrase.length;
	let best = NO_MATCH;
	let itemStart = segment.fieldStarts[doc] as number;
	while (itemStart < end) {
		let itemEnd = itemStart + 1;
		while (itemEnd < end && !((words[itemEnd] as number) & ITEM_START)) itemEnd++;
		const length = itemEnd - itemStart;
		if (length >= n && n / length > best.share && holdsPhrase(words, itemStart, itemEnd, phrase)) {
			best = { phrase: true, share: n / length };
			if (length === n) return best;
		}
		itemStart = itemEnd;
	}
	return best;
}

function holdsPhrase(words: Uint32Array, start: number, end: number, phrase: SegmentPhrase): boolean {
	const n = phrase.length;
	for (let at = start; at + n <= end; at++) {
		let k = 0;
		while (k < n && (phrase[k] as Int32Array).includes((words[at + k] as number) & TERM_MASK)) k++;
		if (k === n) return true;
	}
	return false;
}
