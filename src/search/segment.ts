import type { Paper } from '../papers/paper.js';
import { boundedEditDistance } from './edit-distance.js';
import { compareRecency } from './rank-order.js';
import { isStopword, scanHashedTokens } from './tokenize.js';
import { Vocabulary } from './vocabulary.js';
import { grow } from './grow.js';
import { PostingsEncoder, postingsProblem } from './postings-codec.js';
import { PairList } from './pair-list.js';

/**
 * An immutable, compact inverted index over a fixed list of papers: one sorted vocabulary, postings
 * in flat typed arrays (a few bytes per term occurrence instead of objects), title postings in
 * recency order for autocomplete, and a trigram index over the vocabulary for typo expansion.
 * Live additions go to a second, small segment (see index.ts), so this one never changes
 * except for tombstones.
 */

/** Build-time per-posting code: which short fields hold the term, plus the abstract term frequency in the high bits. */
export const FieldFlag = Object.freeze({ title: 1, keywords: 2, authors: 4 });
const TF_SHIFT = 3;
/** Build-time mode for abstract tokens (counted as term frequency, not as a flag). */
const ABSTRACT = 0;

/**
 * How much one occurrence pattern of a term in a paper is worth (BM25F: saturating abstract term
 * frequency, normalized by abstract length, plus flat boosts for the short fields), fixed at build time
 * and stored as one byte per posting so a query only multiplies by the term's idf.
 */
export const ImpactDefaults = Object.freeze({
	titleBoost: 2.5,
	keywordBoost: 1.2,
	authorBoost: 1.5,
	k1: 1.2,
	b: 0.75,
	/** Impacts are stored as round(impact × scale) in a byte; the largest possible impact is about 7.4. */
	scale: 32,
});
const TF_MAX = 31;
/** Marks the first word of a title, keyword or author name in `fieldWords` (term ids stay below 2^31). */
export const ITEM_START = 0x80000000;
export const TERM_MASK = 0x7fffffff;
/** Trigram lists longer than this are skipped during typo lookup when the others suffice. */
const SKIPPABLE_GRAM_LIST = 1500;

export interface SimilarTerm {
	termId: number;
	distance: number;
}

export class Segment {
	/** Tombstones: a paper replaced by a live upsert stays in the arrays but is skipped everywhere. */
	readonly deleted: Uint8Array;

	constructor(
		readonly papers: readonly Paper[],
		/** The vocabulary, sorted, so a prefix is a contiguous id range. */
		readonly terms: readonly string[],
		/**
		 * The build's hash table, for a segment built here; a segment from parts (a snapshot, a worker) looks terms
		 * up by binary search in `terms` instead: re-hashing two million terms cost a second of every start.
		 */
		private readonly vocabulary: Vocabulary | undefined,
		private readonly idRemap: Uint32Array | undefined,
		/** Term `t`'s postings are [offsets[t], offsets[t + 1]): their count, and where their impacts are. */
		readonly offsets: Uint32Array,
		/** The postings' papers, gap-encoded (postings-codec.ts); term `t`'s are the bytes from postingStarts[t]. */
		readonly postings: Uint8Array,
		readonly postingStarts: Uint32Array,
		/** Quantized impact of each posting (see ImpactDefaults). */
		readonly impacts: Uint8Array,
		/**
		 * Each paper's title, keywords and author names as term ids in reading order, stopwords left out,
		 * the first word of every item flagged with ITEM_START; paper `d` spans fieldStarts[d] to [d + 1].
		 * Lets the final ranking see whether a query's words stand together in one item (field-match.ts)
		 * without touching the papers' strings.
		 */
		readonly fieldWords: Uint32Array,
		readonly fieldStarts: Uint32Array,
		readonly titleOffsets: Uint32Array,
		/** Title postings hold recency ranks, ascending, so the first entries are the newest papers. */
		readonly titleRanks: Uint32Array,
		readonly docAtRank: Uint32Array,
		/** Papers in id order: a binary search finds a paper's number with no million-entry map to build at every start. */
		readonly idOrder: Uint32Array,
		private readonly gramIds: Map<number, number>,
		private readonly gramOffsets: Uint32Array,
		private readonly gramTerms: Uint32Array,
	) {
		this.deleted = new Uint8Array(papers.length);
	}

	/** Puts an equal paper in `doc`'s place: the same paper reading its abstract from a file instead of the heap. */
	swapPaper(doc: number, paper: Paper): void {
		(this.papers as Paper[])[doc] = paper;
	}

	get documentCount(): number {
		return this.papers.length;
	}

	termId(term: string): number {
		if (!this.vocabulary || !this.idRemap) {
			const at = lowerBound(this.terms, term);
			return this.terms[at] === term ? at : -1;
		}
		const raw = this.vocabulary.find(term);
		return raw < 0 ? -1 : (this.idRemap[raw] as number);
	}

	/** The number of the paper with this id, tombstoned or not; undefined when none has it. */
	docOf(id: string): number | undefined {
		const { idOrder, papers } = this;
		let low = 0;
		let high = idOrder.length;
		while (low < high) {
			const mid = (low + high) >>> 1;
			if ((papers[idOrder[mid] as number] as Paper).id < id) low = mid + 1;
			else high = mid;
		}
		const doc = idOrder[low];
		return doc !== undefined && (papers[doc] as Paper).id === id ? doc : undefined;
	}

	documentFrequency(termId: number): number {
		return (this.offsets[termId + 1] as number) - (this.offsets[termId] as number);
	}

	titleFrequency(termId: number): number {
		return (this.titleOffsets[termId + 1] as number) - (this.titleOffsets[termId] as number);
	}

	/** The id range [start, end) of vocabulary terms starting with `prefix`. */
	prefixRange(prefix: string): [number, number] {
		const start = lowerBound(this.terms, prefix);
		const end = lowerBound(this.terms, `${prefix}\uffff`);
		return [start, end];
	}

	/**
	 * Vocabulary terms within `maxEdits` of `token`. Trigram overlap prunes first (each edit destroys at
	 * most three trigrams of the padded word), then a bounded edit distance confirms.
	 */
	similarTerms(token: string, maxEdits: number): SimilarTerm[] {
		if (maxEdits <= 0) return [];
		const codes = uniqueGramCodes(token);
		const lists = codes
			.map((code) => this.gramIds.get(code))
			.filter((id): id is number => id !== undefined)
			.map((id) => ({ start: this.gramOffsets[id] as number, end: this.gramOffsets[id + 1] as number }))
			.sort((a, b) => a.end - a.start - (b.end - b.start));
		const gramCount = codes.length;
		// A neighbour shares at least `gramCount - 3 * maxEdits` trigrams; skipping the k longest lists
		// (`ion`, `ing`: thousands of words) still leaves it sharing that minus k with the rest.
		let needed = gramCount - 3 * maxEdits;
		while (lists.length > 1 && needed > 1) {
			const longest = lists[lists.length - 1] as { start: number; end: number };
			if (longest.end - longest.start < SKIPPABLE_GRAM_LIST) break;
			lists.pop();
			needed--;
		}
		needed = Math.max(1, needed);
		const counts = this.gramScratch();
		const touched: number[] = [];
		for (const { start, end } of lists) {
			for (let i = start; i < end; i++) {
				const termId = this.gramTerms[i] as number;
				if (counts[termId] === 0) touched.push(termId);
				if ((counts[termId] as number) < 255) counts[termId] = (counts[termId] as number) + 1;
			}
		}
		const found: SimilarTerm[] = [];
		for (const termId of touched) {
			const shared = counts[termId] as number;
			counts[termId] = 0;
			if (shared < needed) continue;
			const term = this.terms[termId] as string;
			if (term === token || Math.abs(term.length - token.length) > maxEdits) continue;
			const distance = boundedEditDistance(token, term, maxEdits);
			if (distance <= maxEdits) found.push({ termId, distance });
		}
		return found;
	}

	/** Everything but the papers, for a snapshot (src/search/snapshot.ts); segmentFromParts inverts it. */
	parts(): SegmentParts {
		return {
			terms: this.terms,
			offsets: this.offsets,
			postings: this.postings,
			postingStarts: this.postingStarts,
			impacts: this.impacts,
			fieldWords: this.fieldWords,
			fieldStarts: this.fieldStarts,
			titleOffsets: this.titleOffsets,
			titleRanks: this.titleRanks,
			docAtRank: this.docAtRank,
			idOrder: this.idOrder,
			grams: [...this.gramIds.keys()].map(gramText),
			gramOffsets: this.gramOffsets,
			gramTerms: this.gramTerms,
		};
	}

	private gramCounts: Uint8Array | undefined;
	private gramScratch(): Uint8Array {
		this.gramCounts ??= new Uint8Array(this.terms.length);
		return this.gramCounts;
	}
}

export interface SegmentParts {
	/** Sorted. */
	terms: readonly string[];
	offsets: Uint32Array;
	postings: Uint8Array;
	postingStarts: Uint32Array;
	impacts: Uint8Array;
	fieldWords: Uint32Array;
	fieldStarts: Uint32Array;
	titleOffsets: Uint32Array;
	titleRanks: Uint32Array;
	docAtRank: Uint32Array;
	idOrder: Uint32Array;
	/** In gram id order. */
	grams: readonly string[];
	gramOffsets: Uint32Array;
	gramTerms: Uint32Array;
}

/** The parts that are typed arrays (moved between threads, saved as sections). */
export const SEGMENT_ARRAYS = Object.freeze([
	'offsets',
	'postings',
	'postingStarts',
	'impacts',
	'fieldWords',
	'fieldStarts',
	'titleOffsets',
	'titleRanks',
	'docAtRank',
	'idOrder',
	'gramOffsets',
	'gramTerms',
] as const satisfies readonly (keyof SegmentParts)[]);

/**
 * A segment from saved parts, without tokenizing a single paper; terms are found by binary search. Throws on parts that do
 * not fit together: a snapshot is checked, never trusted blindly (only a worker's own build skips the checks).
 */
export function segmentFromParts(papers: readonly Paper[], parts: SegmentParts, options: { trusted?: boolean } = {}): Segment {
	// Parts this process just built in a worker need no checking; parts read from a file always do.
	if (!options.trusted) checkParts(papers, parts);
	return new Segment(
		papers,
		parts.terms,
		undefined,
		undefined,
		parts.offsets,
		parts.postings,
		parts.postingStarts,
		parts.impacts,
		parts.fieldWords,
		parts.fieldStarts,
		parts.titleOffsets,
		parts.titleRanks,
		parts.docAtRank,
		parts.idOrder,
		new Map(parts.grams.map((gram, id) => [gramCode(gram.charCodeAt(0), gram.charCodeAt(1), gram.charCodeAt(2)), id])),
		parts.gramOffsets,
		parts.gramTerms,
	);
}

function checkParts(papers: readonly Paper[], parts: SegmentParts): void {
	const paperCount = papers.length;
	const termCount = parts.terms.length;
	const fail = (what: string) => {
		throw new Error(`segment parts: ${what}`);
	};
	for (let i = 1; i < termCount; i++) if (!((parts.terms[i - 1] as string) < (parts.terms[i] as string))) fail('terms are not sorted');
	checkOffsets(parts.offsets, termCount, parts.impacts.length, 'postings', fail);
	const postings = postingsProblem(parts, parts.offsets, paperCount);
	if (postings) fail(postings);
	checkOffsets(parts.fieldStarts, paperCount, parts.fieldWords.length, 'field words', fail);
	const words = parts.fieldWords;
	for (let i = 0; i < words.length; i++) if (((words[i] as number) & TERM_MASK) >= termCount) fail('a field word names a term that is not there');
	checkOffsets(parts.titleOffsets, termCount, parts.titleRanks.length, 'title postings', fail);
	if (!allBelow(parts.titleRanks, paperCount)) fail('a title posting names a rank that is not there');
	if (parts.docAtRank.length !== paperCount || !allBelow(parts.docAtRank, paperCount)) fail('the recency order does not fit the papers');
	if (parts.idOrder.length !== paperCount || !allBelow(parts.idOrder, paperCount) || !strictlyAscendingIds(papers, parts.idOrder))
		fail('the id order does not fit the papers');
	if (!parts.grams.every((gram) => gram.length === 3)) fail('a trigram is not three characters');
	checkOffsets(parts.gramOffsets, parts.grams.length, parts.gramTerms.length, 'trigram lists', fail);
	if (!allBelow(parts.gramTerms, termCount)) fail('a trigram names a term that is not there');
}

function checkOffsets(offsets: Uint32Array, count: number, total: number, what: string, fail: (what: string) => void): void {
	if (offsets.length !== count + 1 || offsets[0] !== 0 || offsets[count] !== total) fail(`${what}: offsets do not fit`);
	for (let i = 0; i < count; i++) if ((offsets[i] as number) > (offsets[i + 1] as number)) fail(`${what}: offsets go backwards`);
}

/** In range and strictly ascending by id: every paper exactly once, since ids are unique. */
function strictlyAscendingIds(papers: readonly Paper[], order: Uint32Array): boolean {
	for (let i = 1; i < order.length; i++) if (!((papers[order[i - 1] as number] as Paper).id < (papers[order[i] as number] as Paper).id)) return false;
	return true;
}

/** Paper numbers by ascending id (code unit order, as `<` compares and docOf searches). */
function orderById(papers: readonly Paper[]): Uint32Array {
	const ids = papers.map((paper) => paper.id);
	return Uint32Array.from(ids.keys()).sort((a, b) => ((ids[a] as string) < (ids[b] as string) ? -1 : (ids[a] as string) > (ids[b] as string) ? 1 : 0));
}

function allBelow(values: Uint32Array, limit: number): boolean {
	for (let i = 0; i < values.length; i++) if ((values[i] as number) >= limit) return false;
	return true;
}

export function buildSegment(papers: readonly Paper[]): Segment {
	const builder = createSegmentBuilder(papers.length);
	for (const paper of papers) builder.addPaper(paper);
	return builder.finish(papers);
}

/**
 * One number per trigram: a Map keyed by small integers is several times faster to fill and probe than one
 * keyed by three-character strings, and a build looks up a few hundred thousand. Three code units under 1024
 * pack into a small integer; any other trigram gets a distinct number above those.
 */
function gramCode(a: number, b: number, c: number): number {
	return a < 1024 && b < 1024 && c < 1024 ? (a << 20) | (b << 10) | c : 2 ** 30 + a * 2 ** 32 + b * 2 ** 16 + c;
}

function gramText(code: number): string {
	if (code < 2 ** 30) return String.fromCharCode(code >> 20, (code >> 10) & 1023, code & 1023);
	const rest = code - 2 ** 30;
	return String.fromCharCode(Math.floor(rest / 2 ** 32), Math.floor(rest / 2 ** 16) % 2 ** 16, rest % 2 ** 16);
}

const GRAM_START = '^'.charCodeAt(0);
const GRAM_END = '$'.charCodeAt(0);

/** uniqueGrams as gram codes, without making a string per trigram. */
export function uniqueGramCodes(token: string): number[] {
	const padded = token.length + 2;
	const unit = (i: number) => (i === 0 ? GRAM_START : i === padded - 1 ? GRAM_END : token.charCodeAt(i - 1));
	const codes: number[] = [];
	for (let i = 0; i + 3 <= padded; i++) {
		const code = gramCode(unit(i), unit(i + 1), unit(i + 2));
		if (!codes.includes(code)) codes.push(code);
	}
	return codes;
}

/** Trigrams of `^token$`; the padding makes word starts and ends count, which short words need. */
export function uniqueGrams(token: string): string[] {
	const padded = `^${token}$`;
	const grams = new Set<string>();
	for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
	return [...grams];
}

const TERMS_PER_PAPER_GUESS = 200;
/** A build's field words are kept without a copy when they fill this much of their array. */
const FIELD_WORDS_KEPT_FILL = 0.875;

/**
 * A build fed one paper at a time, for `paperCount` papers: the worker adds each as it arrives. Only addPaper reads
 * a paper's text; finish reads the list for ids, dates and votes (the orders), so it may hold papers without text.
 */
export function createSegmentBuilder(paperCount: number) {
	// Distinct words grow slower than papers; a few hundred a paper is plenty for a small build, and the tables grow.
	const expectedTerms = paperCount * TERMS_PER_PAPER_GUESS;
	const vocabulary = new Vocabulary(expectedTerms);
	const termSlots = Math.min(1 << 16, Math.max(1024, expectedTerms));
	let flagsOf: Uint8Array = new Uint8Array(termSlots);
	let tfOf: Uint16Array = new Uint16Array(termSlots);
	let stopword: Uint8Array = new Uint8Array(termSlots);
	const pairs = new PairList(paperCount * 128);
	const docPairStart = new Uint32Array(paperCount + 1);
	// Sized for real Daily Papers records (about 47 field words each), grown by half: doubling left a quarter of a gigabyte unused at a million papers.
	let fieldWords: Uint32Array = new Uint32Array(Math.max(1024, paperCount * 48));
	let fieldWordCount = 0;
	let itemStart = 0;
	const fieldStarts = new Uint32Array(paperCount + 1);
	const abstractLength = new Uint16Array(paperCount);
	let doc = 0;
	let abstractTokens = 0;

	// One sink with a mode, rather than a closure per field, keeps the tokenizer's call site monomorphic.
	let mode: number = FieldFlag.title;
	let docTermCount = 0;
	let docTerms = new Int32Array(1024);
	const note = (text: string, start: number, end: number, hash: number, lowerCased: boolean) => {
		const before = vocabulary.size;
		const id = vocabulary.idOfRange(text, start, end, hash, lowerCased);
		if (id === before) {
			if (id >= flagsOf.length) {
				flagsOf = grow(flagsOf, flagsOf.length * 2);
				tfOf = grow(tfOf, tfOf.length * 2);
				stopword = grow(stopword, stopword.length * 2);
			}
			stopword[id] = isStopword(vocabulary.terms[id] as string) ? 1 : 0;
		}
		if (mode === ABSTRACT) abstractTokens++;
		else if (!stopword[id]) {
			if (fieldWordCount === fieldWords.length) fieldWords = grow(fieldWords, Math.ceil(fieldWordCount * 1.5));
			fieldWords[fieldWordCount++] = (id | itemStart) >>> 0;
			itemStart = 0;
		}
		// Stopwords stay findable in titles and keywords only.
		if (stopword[id] && (mode === ABSTRACT || mode === FieldFlag.authors)) return;
		if (flagsOf[id] === 0 && tfOf[id] === 0) {
			if (docTermCount === docTerms.length) {
				const grown = new Int32Array(docTerms.length * 2);
				grown.set(docTerms);
				docTerms = grown;
			}
			docTerms[docTermCount++] = id;
		}
		if (mode === ABSTRACT) {
			if ((tfOf[id] as number) < TF_MAX) tfOf[id] = (tfOf[id] as number) + 1;
		} else flagsOf[id] = (flagsOf[id] as number) | mode;
	};

	return {
		addPaper(paper: Paper): void {
			if (doc === paperCount) throw new RangeError(`a segment build sized for ${paperCount} papers was given more`);
			docPairStart[doc] = pairs.length;
			fieldStarts[doc] = fieldWordCount;
			abstractTokens = 0;
			mode = FieldFlag.title;
			itemStart = ITEM_START;
			scanHashedTokens(paper.title, note);
			mode = FieldFlag.keywords;
			for (const keyword of paper.keywords ?? []) {
				itemStart = ITEM_START;
				scanHashedTokens(keyword, note);
			}
			mode = FieldFlag.authors;
			for (const author of paper.authors) {
				itemStart = ITEM_START;
				scanHashedTokens(author, note);
			}
			mode = ABSTRACT;
			scanHashedTokens(paper.abstract, note);
			abstractLength[doc] = Math.min(abstractTokens, 0xffff);
			for (let i = 0; i < docTermCount; i++) {
				const id = docTerms[i] as number;
				pairs.push(id, (flagsOf[id] as number) | ((tfOf[id] as number) << TF_SHIFT));
				flagsOf[id] = 0;
				tfOf[id] = 0;
			}
			docTermCount = 0;
			doc++;
		},
		finish(list: readonly Paper[]): Segment {
			docPairStart[doc] = pairs.length;
			fieldStarts[doc] = fieldWordCount;
			const termCount = vocabulary.size;
			const sorted = vocabulary.terms.slice().sort();
			const remap = new Uint32Array(termCount);
			for (let i = 0; i < termCount; i++) remap[vocabulary.find(sorted[i] as string)] = i;

			pairs.mapTerms(remap);
			const offsets = new Uint32Array(termCount + 1);
			const encoder = new PostingsEncoder(termCount);
			for (let d = 0; d < doc; d++) {
				const end = docPairStart[d + 1] as number;
				for (let i = docPairStart[d] as number; i < end; i++) {
					const t = pairs.term(i);
					increment(offsets, t + 1);
					encoder.measure(t, d);
				}
			}
			for (let t = 0; t < termCount; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
			encoder.allocate();
			const cursor = offsets.slice(0, termCount);
			let totalLength = 0;
			for (let d = 0; d < doc; d++) totalLength += abstractLength[d] as number;
			const averageLength = doc > 0 ? Math.max(1, totalLength / doc) : 1;
			const impacts = new Uint8Array(pairs.length);
			for (let d = 0; d < doc; d++) {
				const end = docPairStart[d + 1] as number;
				for (let i = docPairStart[d] as number; i < end; i++) {
					const t = pairs.term(i);
					const at = cursor[t] as number;
					cursor[t] = at + 1;
					encoder.put(t, d);
					impacts[at] = impactOf(pairs.code(i), (abstractLength[d] as number) / averageLength);
				}
			}
			const { postings, postingStarts } = encoder.finish();

			const docAtRank = Uint32Array.from(list.keys()).sort((a, b) => compareRecency(list[a] as Paper, list[b] as Paper));
			const titleOffsets = new Uint32Array(termCount + 1);
			for (let i = 0; i < pairs.length; i++) {
				if (pairs.code(i) & FieldFlag.title) increment(titleOffsets, pairs.term(i) + 1);
			}
			for (let t = 0; t < termCount; t++) titleOffsets[t + 1] = (titleOffsets[t + 1] as number) + (titleOffsets[t] as number);
			const titleCursor = titleOffsets.slice(0, termCount);
			const titleRanks = new Uint32Array(titleOffsets[termCount] as number);
			for (let rank = 0; rank < doc; rank++) {
				const d = docAtRank[rank] as number;
				const end = docPairStart[d + 1] as number;
				for (let i = docPairStart[d] as number; i < end; i++) {
					if (!(pairs.code(i) & FieldFlag.title)) continue;
					const t = pairs.term(i);
					titleRanks[titleCursor[t] as number] = rank;
					titleCursor[t] = (titleCursor[t] as number) + 1;
				}
			}

			// In place when the room left is small: the copy was 183 MB more at the build's peak at a million papers.
			const words = fieldWordCount >= fieldWords.length * FIELD_WORDS_KEPT_FILL ? fieldWords.subarray(0, fieldWordCount) : fieldWords.slice(0, fieldWordCount);
			for (let i = 0; i < fieldWordCount; i++) {
				const word = words[i] as number;
				words[i] = ((remap[word & TERM_MASK] as number) | (word & ITEM_START)) >>> 0;
			}

			const grams = buildGramIndex(sorted);
			return new Segment(
				list,
				sorted,
				vocabulary,
				remap,
				offsets,
				postings,
				postingStarts,
				impacts,
				words,
				fieldStarts,
				titleOffsets,
				titleRanks,
				docAtRank,
				orderById(list),
				grams.ids,
				grams.offsets,
				grams.terms,
			);
		},
	};
}

function impactOf(code: number, relativeLength: number): number {
	const { titleBoost, keywordBoost, authorBoost, k1, b, scale } = ImpactDefaults;
	const tf = code >> TF_SHIFT;
	let impact = tf === 0 ? 0 : (tf * (k1 + 1)) / (tf + k1 * (1 - b + b * relativeLength));
	if (code & FieldFlag.title) impact += titleBoost;
	if (code & FieldFlag.keywords) impact += keywordBoost;
	if (code & FieldFlag.authors) impact += authorBoost;
	return Math.max(1, Math.min(255, Math.round(impact * scale)));
}

/** Trigram → vocabulary ids, as flat arrays; only words long enough to be typo-corrected are in it. */
function buildGramIndex(terms: readonly string[]) {
	const ids = new Map<number, number>();
	let gramOf: Uint32Array = new Uint32Array(terms.length * 8 + 16);
	let termOf: Uint32Array = new Uint32Array(gramOf.length);
	let count = 0;
	for (let t = 0; t < terms.length; t++) {
		const term = terms[t] as string;
		if (term.length < 3) continue;
		for (const code of uniqueGramCodes(term)) {
			let id = ids.get(code);
			if (id === undefined) {
				id = ids.size;
				ids.set(code, id);
			}
			if (count === gramOf.length) {
				gramOf = grow(gramOf, count * 2);
				termOf = grow(termOf, count * 2);
			}
			gramOf[count] = id;
			termOf[count] = t;
			count++;
		}
	}
	const offsets = new Uint32Array(ids.size + 1);
	for (let i = 0; i < count; i++) increment(offsets, (gramOf[i] as number) + 1);
	for (let g = 0; g < ids.size; g++) offsets[g + 1] = (offsets[g + 1] as number) + (offsets[g] as number);
	const cursor = offsets.slice(0, ids.size);
	const gramTerms = new Uint32Array(count);
	for (let i = 0; i < count; i++) {
		const g = gramOf[i] as number;
		gramTerms[cursor[g] as number] = termOf[i] as number;
		cursor[g] = (cursor[g] as number) + 1;
	}
	return { ids, offsets, terms: gramTerms };
}

/** counts[i + 1] += 1 … then a running sum: the usual counting-sort offsets. */
function increment(array: Uint32Array, at: number): void {
	array[at] = (array[at] as number) + 1;
}

function lowerBound(sorted: readonly string[], value: string): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if ((sorted[mid] as string) < value) low = mid + 1;
		else high = mid;
	}
	return low;
}
