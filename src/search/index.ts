import { normalizeArxivId, titleId, type Paper } from '../papers/paper.js';
import { UserError } from '../errors.js';
import { autocompleteSegment, autocompleteWords, recentInSegment } from './autocomplete.js';
import { idf, liveCount, planQuery, scoreCandidates } from './candidates.js';
import { paperOf, rankLong, rankShort, toOverlapHits, type SearchHit } from './final-rank.js';
import { FuseRankDefaults } from './fuse-rank.js';
import { SearchMessages } from './messages.js';
import { compareRecency } from './rank-order.js';
import { buildSegmentOffThread, type SegmentBuilder } from './background-build.js';
import { buildSegment, type Segment } from './segment.js';
import { foldText, forEachToken, isStopword, tokenize } from './tokenize.js';

export type { SearchHit } from './final-rank.js';

export interface PaperIndex {
	readonly size: number;
	/** Exact id; also accepts an arXiv id with a version suffix or an `arXiv:` prefix. */
	get(id: string): Paper | undefined;
	/** Ranked best first. Throws UserError for an empty query, one without letters or digits, or one over MAX_QUERY_LENGTH. */
	search(query: string, limit?: number): SearchHit[];
	/** Titles only; an empty prefix gives the newest, most upvoted papers. Never throws: junk gives []. */
	autocomplete(prefix: string, limit?: number): Paper[];
	/** The most related papers, excluding the paper itself; [] for an unknown id. */
	similar(id: string, limit?: number): SearchHit[];
	/**
	 * Adds or replaces (same id) papers live, without rebuilding the whole index; searchable at once. The cost is
	 * the batch's own (a small segment of just these papers): callers with many papers pass them in slices.
	 */
	upsert(papers: readonly Paper[]): void;
	/** Resolves once no merge of upserts runs in the background (tests, benchmarks). */
	idle(): Promise<void>;
	all(): readonly Paper[];
}

export const MAX_QUERY_LENGTH = 1000;

export const SearchDefaults = Object.freeze({
	searchLimit: 25,
	autocompleteLimit: 25,
	similarLimit: 5,
	maxLimit: 100,
	/** Papers scored by the candidate stage and considered for the final ranking. */
	candidates: 200,
	/** Queries with more words than this are passages: ranked by word overlap, no typo expansion. */
	maxShortQueryWords: 6,
	maxTypoExpandedWords: 12,
	/** The rarest words of a passage (a query of more than maxTypoExpandedWords) that score it. */
	passageWords: 16,
	/** Words of a paper used to find similar ones. */
	similarTerms: 30,
	/** Upsert segments (one per upsert call) past which they are compacted into one, in the background. */
	compactAfterSegments: 8,
	/** Past this many, the newest half is compacted at once, here: the background cannot keep up. */
	maxUpsertSegments: 32,
	/** Once upserts hold this share of the base (and at least minLiveSegmentSize), they are merged into it in the background. */
	liveSegmentShare: 0.05,
	minLiveSegmentSize: 2000,
});

const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

export interface IndexOptions {
	/** How merges are built; default a worker thread, so the event loop keeps serving. */
	buildInBackground?: SegmentBuilder;
}

export function buildPaperIndex(papers: readonly Paper[], options: IndexOptions = {}): PaperIndex {
	return new SegmentedIndex(dedupeById(papers), undefined, options.buildInBackground ?? buildSegmentOffThread);
}

/** What a snapshot saves of an index: its base segment (with tombstones) and the papers upserted since. */
export interface IndexState {
	base: Segment;
	livePapers: readonly Paper[];
	/** Counts the base segment's rebuilds: a snapshot of an older base is out of date. */
	baseGeneration: number;
	/** Puts an equal paper in a base paper's place (one reading its abstract from a snapshot file), everywhere the index keeps it. */
	swapBasePaper(doc: number, paper: Paper): void;
}

/** The index's state, for src/search/snapshot.ts; undefined for an index this module did not build. */
export function indexState(index: PaperIndex): IndexState | undefined {
	return index instanceof SegmentedIndex ? index.state() : undefined;
}

/** An index from a base segment loaded from a snapshot: nothing is tokenized but the live papers. */
export function restorePaperIndex(base: Segment, livePapers: readonly Paper[], options: IndexOptions = {}): PaperIndex {
	const index = new SegmentedIndex([], base, options.buildInBackground ?? buildSegmentOffThread);
	index.upsert(livePapers);
	return index;
}

/**
 * A large immutable base segment and small segments of upserts, one per upsert call (its cost is the batch's
 * own, never the index's); a replaced paper is tombstoned where it was. Upsert segments past a few are
 * compacted into one, and once upserts outgrow their share of the base, everything is merged into a new base;
 * both are built in a worker thread while the old segments go on serving (background-build.ts).
 *
 * A paper of an upsert segment is live while `livePapers` holds that very object: any copy that is not the
 * current one (replaced since, or merged elsewhere meanwhile) is tombstoned where it sits.
 */
class SegmentedIndex implements PaperIndex {
	private base!: Segment;
	private baseDeleted = 0;
	/** Every paper not in the base, by id: the current copy, in one of the upsert segments. */
	private livePapers = new Map<string, Paper>();
	/** Oldest first. */
	private upserted: UpsertSegment[] = [];
	private merging: Promise<void> | undefined;
	/** The upsert segments the running merge is rebuilding. */
	private mergingSegments = new Set<UpsertSegment>();
	/** arXiv id → paper id, for papers known under another id (a seed's title id enriched by a live listing). */
	private arxivAliases = new Map<string, string>();
	/** Title id → paper id, built on the first miss: a seed's card posted before its arXiv twin merged still opens. */
	private titleAliases: Map<string, string> | undefined;
	private allCache: readonly Paper[] | undefined;

	private baseGeneration = 0;

	constructor(
		papers: readonly Paper[],
		base: Segment | undefined,
		private readonly buildInBackground: SegmentBuilder,
	) {
		const segment = base ?? buildSegment(papers);
		this.setBase(segment);
		for (const paper of segment.papers) rememberAlias(this.arxivAliases, paper);
	}

	state(): IndexState {
		const base = this.base;
		return {
			base,
			livePapers: [...this.livePapers.values()],
			baseGeneration: this.baseGeneration,
			swapBasePaper: (doc, paper) => {
				base.swapPaper(doc, paper);
				// all()'s list holds the papers replaced: a caller keeping it would keep their text on the heap.
				if (base === this.base) this.allCache = undefined;
			},
		};
	}

	/** Resolves once no merge runs in the background. */
	async idle(): Promise<void> {
		while (this.merging) await this.merging;
	}

	get size(): number {
		return this.base.documentCount - this.baseDeleted + this.livePapers.size;
	}

	get(id: string): Paper | undefined {
		if (typeof id !== 'string') return undefined;
		const trimmed = id.trim();
		for (const key of new Set([trimmed, normalizeArxivId(trimmed) ?? trimmed])) {
			const live = this.livePapers.get(key);
			if (live) return live;
			const doc = this.base.docOf(key);
			if (doc !== undefined && !this.base.deleted[doc]) return this.base.papers[doc];
		}
		const alias = this.arxivAliases.get(normalizeArxivId(trimmed) ?? '') ?? this.titleAlias(trimmed);
		return alias === undefined || alias === trimmed ? undefined : this.get(alias);
	}

	search(query: string, limit: number = SearchDefaults.searchLimit): SearchHit[] {
		const text = validateQuery(query);
		const count = clampLimit(limit);
		const tokens = tokenize(text);
		const exact = this.get(text);
		const hits = tokens.length === 0 ? [] : this.rank(text, tokens, count);
		if (!exact) return hits;
		// A pasted arXiv id is a lookup, not a fuzzy query.
		return [{ paper: exact, score: 0 }, ...hits.filter((hit) => hit.paper.id !== exact.id)].slice(0, count);
	}

	autocomplete(prefix: string, limit: number = SearchDefaults.autocompleteLimit): Paper[] {
		try {
			const count = clampLimit(limit, SearchDefaults.autocompleteLimit);
			if (typeof prefix !== 'string') return [];
			const text = prefix.slice(0, MAX_QUERY_LENGTH);
			if (text.trim() === '')
				return this.mergeRecent(
					this.segments().map((segment) => recentInSegment(segment, count)),
					count,
				);
			const words = autocompleteWords(text).slice(0, SearchDefaults.maxShortQueryWords);
			if (words.length === 0) return [];
			return this.mergeRecent(
				this.segments().map((segment) => autocompleteSegment(segment, words, count)),
				count,
			);
		} catch {
			// Autocomplete fires on every keystroke; a failure must cost the user nothing but suggestions.
			return [];
		}
	}

	similar(id: string, limit: number = SearchDefaults.similarLimit): SearchHit[] {
		const paper = this.get(id);
		if (!paper) return [];
		const count = clampLimit(limit, SearchDefaults.similarLimit);
		const segments = this.segments();
		const groups = planQuery(this.characteristicTerms(paper, segments), segments, { expandPrefixes: false, expandTypos: false, dropCommon: true });
		const candidates = scoreCandidates(segments, groups, count + 1, false).filter((candidate) => paperOf(candidate).id !== paper.id);
		return toOverlapHits(candidates.slice(0, count));
	}

	upsert(papers: readonly Paper[]): void {
		if (papers.length === 0) return;
		const batch = dedupeById(papers);
		for (const paper of batch) {
			if (this.tombstone(this.base, this.base.docOf(paper.id))) this.baseDeleted++;
			for (const { segment } of this.upserted) this.tombstone(segment, segment.docOf(paper.id));
			this.livePapers.set(paper.id, paper);
			rememberAlias(this.arxivAliases, paper);
		}
		this.upserted.push(upsertSegment(buildSegment(batch)));
		this.allCache = undefined;
		this.titleAliases = undefined;
		this.compactWhenBehind();
		this.mergeWhenDue();
	}

	all(): readonly Paper[] {
		if (!this.allCache) {
			const kept = this.base.papers.filter((_, doc) => !this.base.deleted[doc]);
			this.allCache = Object.freeze([...kept, ...this.livePapers.values()]);
		}
		return this.allCache;
	}

	private titleAlias(id: string): string | undefined {
		if (!TITLE_ID.test(id)) return undefined;
		if (!this.titleAliases) {
			this.titleAliases = new Map();
			for (const paper of this.all()) if (paper.id !== titleId(paper.title)) this.titleAliases.set(titleId(paper.title), paper.id);
		}
		return this.titleAliases.get(id);
	}

	private setBase(base: Segment): void {
		this.base = base;
		this.baseDeleted = 0;
		for (let doc = 0; doc < base.documentCount; doc++) if (base.deleted[doc]) this.baseDeleted++;
		this.baseGeneration++;
		this.allCache = undefined;
		this.titleAliases = undefined;
	}

	private tombstone(segment: Segment, doc: number | undefined): boolean {
		if (doc === undefined || segment.deleted[doc]) return false;
		segment.deleted[doc] = 1;
		return true;
	}

	/** Tombstones every paper of an upsert segment that is no longer the current copy. */
	private retireStale(segment: Segment): void {
		for (let doc = 0; doc < segment.documentCount; doc++) {
			const paper = segment.papers[doc] as Paper;
			if (this.livePapers.get(paper.id) !== paper) segment.deleted[doc] = 1;
		}
	}

	/** The live papers of some upsert segments, in order. */
	private livePapersOf(segments: readonly UpsertSegment[]): Paper[] {
		return segments.flatMap(({ segment }) => segment.papers.filter((_, doc) => !segment.deleted[doc]));
	}

	/**
	 * Upserts in a tight loop (one paper per call) outrun the background: past maxUpsertSegments, the newest half
	 * of those no merge is rebuilding becomes one segment here, so a search never visits more than a few dozen.
	 */
	private compactWhenBehind(): void {
		const free = this.upserted.filter((segment) => !this.mergingSegments.has(segment));
		if (free.length <= SearchDefaults.maxUpsertSegments - this.mergingSegments.size) return;
		const newest = new Set(free.slice(-Math.ceil(free.length / 2)));
		const compacted = upsertSegment(buildSegment(this.livePapersOf([...newest])));
		this.upserted = [...this.upserted.filter((segment) => !newest.has(segment)), compacted];
	}

	private mergeWhenDue(): void {
		if (this.merging) return;
		const threshold = Math.max(SearchDefaults.minLiveSegmentSize, this.base.documentCount * SearchDefaults.liveSegmentShare);
		if (this.livePapers.size > threshold) this.startMerge('base');
		else if (this.upserted.length > SearchDefaults.compactAfterSegments) this.startMerge('upserts');
	}

	/** Rebuilds, in the background, either everything into a new base or the upsert segments into one. */
	private startMerge(kind: 'base' | 'upserts'): void {
		const segments = kind === 'base' ? [...this.upserted] : this.compactionChoice();
		// A list of its own (all() is frozen and shared): a snapshot write swaps papers in the base's list.
		const papers = kind === 'base' ? [...this.all()] : this.livePapersOf(segments);
		const liveAtStart = new Map(this.livePapers);
		this.mergingSegments = new Set(segments);
		this.merging = this.buildInBackground(papers)
			// A worker that died mid-build (out of memory, killed): build here; slower for once, never lost.
			.catch(() => buildSegment(papers))
			.then(async (built) => {
				if (kind === 'base') this.finishBaseMerge(built, liveAtStart);
				else this.finishCompaction(upsertSegment(built));
			})
			.finally(() => {
				this.merging = undefined;
				this.mergingSegments = new Set();
				this.mergeWhenDue();
			});
	}

	/** Swaps in the merged base; papers upserted while it was built stay live, their merged copies tombstoned. */
	private finishBaseMerge(base: Segment, merged: ReadonlyMap<string, Paper>): void {
		const remaining = new Map<string, Paper>();
		for (const [id, paper] of this.livePapers) if (merged.get(id) !== paper) remaining.set(id, paper);
		for (const id of remaining.keys()) this.tombstone(base, base.docOf(id));
		this.setBase(base);
		this.livePapers = remaining;
		this.upserted = this.upserted.filter((segment) => !this.mergingSegments.has(segment));
		for (const { segment } of this.upserted) this.retireStale(segment);
		this.upserted = this.upserted.filter(({ segment }) => segment.deleted.includes(0));
	}

	/**
	 * Size-tiered, as in an LSM tree: the oldest upsert segment (the earlier compactions' result) joins only once
	 * the rest hold a quarter of its papers. Re-compacting it every time sent every upserted paper to the worker
	 * again at each compaction: quadratic in the upserts, and the sending is the event loop's work.
	 */
	private compactionChoice(): UpsertSegment[] {
		const [oldest, ...rest] = this.upserted;
		if (!oldest) return [];
		const restSize = rest.reduce((sum, { segment }) => sum + segment.documentCount, 0);
		return oldest.segment.documentCount > restSize * 4 ? rest : [...this.upserted];
	}

	/** Puts the compacted segment where the ones it replaces were; papers replaced meanwhile are tombstoned in it. */
	private finishCompaction(compacted: UpsertSegment): void {
		this.retireStale(compacted.segment);
		const first = this.upserted.findIndex((segment) => this.mergingSegments.has(segment));
		const kept = this.upserted.filter((segment) => !this.mergingSegments.has(segment));
		kept.splice(Math.max(0, first), 0, compacted);
		this.upserted = kept;
	}

	private segments(): Segment[] {
		return [this.base, ...this.upserted.map((upserted) => upserted.segment)];
	}

	private rank(text: string, tokens: readonly string[], limit: number): SearchHit[] {
		const segments = this.segments();
		const pattern = text.trim().replace(/\s+/g, ' ');
		const short = pattern.length <= FuseRankDefaults.maxPatternLength && new Set(tokens).size <= SearchDefaults.maxShortQueryWords;
		const groups = planQuery(tokens, segments, {
			expandPrefixes: short,
			expandTypos: new Set(tokens).size <= SearchDefaults.maxTypoExpandedWords,
			dropCommon: !short,
		});
		if (groups.length === 0) return [];
		const passage = new Set(tokens).size > SearchDefaults.maxTypoExpandedWords;
		// A pasted passage's rarest words already single out its paper; its commoner ones only cost postings to read
		// (at a million papers, a few hundred thousand of them per query).
		const scored = passage ? [...groups].sort((a, b) => b.idf - a.idf).slice(0, SearchDefaults.passageWords) : groups;
		const candidates = scoreCandidates(segments, scored, Math.max(limit, SearchDefaults.candidates), true);
		if (short) return rankShort(pattern, tokens, groups, candidates, limit);
		// A pasted passage is a bag of words: whole-field matches mean nothing there.
		if (passage) return toOverlapHits(candidates.slice(0, limit));
		return rankLong(tokens, groups, candidates, limit);
	}

	/** The paper's most distinctive words (tf-idf, title words counted thrice), used as a query for similar(). */
	private characteristicTerms(paper: Paper, segments: readonly Segment[]): string[] {
		const weights = new Map<string, number>();
		const add = (weight: number) => (token: string) => {
			if (!isStopword(token) && !/^\d+$/.test(token)) weights.set(token, (weights.get(token) ?? 0) + weight);
		};
		forEachToken(paper.title, add(3));
		for (const keyword of paper.keywords ?? []) forEachToken(keyword, add(2));
		forEachToken(paper.abstract, add(1));
		const total = liveCount(segments);
		const scored = [...weights].map(([term, weight]) => {
			let frequency = 0;
			for (const segment of segments) {
				const id = segment.termId(term);
				if (id >= 0) frequency += segment.documentFrequency(id);
			}
			// A word only this paper has cannot connect it to anything.
			return { term, score: frequency > 1 ? weight * idf(total, frequency) : 0 };
		});
		return scored
			.filter((entry) => entry.score > 0)
			.sort((a, b) => b.score - a.score)
			.slice(0, SearchDefaults.similarTerms)
			.map((entry) => entry.term);
	}

	private mergeRecent(lists: readonly Paper[][], limit: number): Paper[] {
		if (lists.length === 1) return lists[0] as Paper[];
		return lists.flat().sort(compareRecency).slice(0, limit);
	}
}

function validateQuery(query: string): string {
	const text = typeof query === 'string' ? query : '';
	if (text.trim() === '') throw new UserError(SearchMessages.emptyQuery);
	if (text.length > MAX_QUERY_LENGTH) throw new UserError(SearchMessages.queryTooLong(MAX_QUERY_LENGTH, text.length));
	if (!HAS_WORD_CHARACTER.test(foldText(text))) throw new UserError(SearchMessages.noSearchableText);
	return text;
}

function clampLimit(limit: number, fallback: number = SearchDefaults.searchLimit): number {
	if (!Number.isFinite(limit)) return fallback;
	return Math.max(1, Math.min(SearchDefaults.maxLimit, Math.floor(limit)));
}

/** Later records win: the caller's last word on a paper is the current one. */
function dedupeById(papers: readonly Paper[]): Paper[] {
	const byId = new Map<string, Paper>();
	for (const paper of papers) byId.set(paper.id, paper);
	return [...byId.values()];
}

/** A wrapper, not the segment itself: a merge tracks which of them it is rebuilding by identity. */
interface UpsertSegment {
	segment: Segment;
}

function upsertSegment(segment: Segment): UpsertSegment {
	return { segment };
}

function rememberAlias(aliases: Map<string, string>, paper: Paper): void {
	if (paper.arxivId && paper.arxivId !== paper.id) aliases.set(paper.arxivId, paper.id);
}

const TITLE_ID = /^t-[0-9a-f]{12}$/;
