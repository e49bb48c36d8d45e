import { normalizeArxivId, titleId, type Paper } from '../papers/paper.js';
import { UserError } from '../errors.js';
import { autocompleteSegment, autocompleteWords, recentInSegment } from './autocomplete.js';
import { idf, liveCount, planQuery, scoreCandidates } from './candidates.js';
import { paperOf, rankLong, rankShort, toOverlapHits, type SearchHit } from './final-rank.js';
import { FuseRankDefaults } from './fuse-rank.js';
import { SearchMessages } from './messages.js';
import { compareRecency } from './rank-order.js';
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
	/** Adds or replaces (same id) papers live, without rebuilding the whole index. */
	upsert(papers: readonly Paper[]): void;
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
	/** Words of a paper used to find similar ones. */
	similarTerms: 30,
	/** Upserts collect in a small live segment; past this share of the base it is merged by a rebuild. */
	liveSegmentShare: 0.05,
	minLiveSegmentSize: 2000,
});

const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

export function buildPaperIndex(papers: readonly Paper[]): PaperIndex {
	return new SegmentedIndex(papers);
}

/**
 * A large immutable base segment plus a small live segment rebuilt on every upsert (cheap while small);
 * a replaced base paper is tombstoned. When the live segment outgrows its share, both are rebuilt as one.
 */
class SegmentedIndex implements PaperIndex {
	private base!: Segment;
	private baseIds!: Map<string, number>;
	private baseDeleted = 0;
	private live: Segment | undefined;
	private livePapers = new Map<string, Paper>();
	/** arXiv id → paper id, for papers known under another id (a seed's title id enriched by a live listing). */
	private arxivAliases = new Map<string, string>();
	/** Title id → paper id, built on the first miss: a seed's card posted before its arXiv twin merged still opens. */
	private titleAliases: Map<string, string> | undefined;
	private allCache: readonly Paper[] | undefined;

	constructor(papers: readonly Paper[]) {
		this.rebuild(dedupeById(papers));
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
			const doc = this.baseIds.get(key);
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
		for (const paper of papers) {
			const doc = this.baseIds.get(paper.id);
			if (doc !== undefined && !this.base.deleted[doc]) {
				this.base.deleted[doc] = 1;
				this.baseDeleted++;
			}
			this.livePapers.set(paper.id, paper);
			rememberAlias(this.arxivAliases, paper);
		}
		this.allCache = undefined;
		this.titleAliases = undefined;
		const threshold = Math.max(SearchDefaults.minLiveSegmentSize, this.base.documentCount * SearchDefaults.liveSegmentShare);
		if (this.livePapers.size > threshold) this.rebuild(this.all());
		else this.live = buildSegment([...this.livePapers.values()]);
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

	private rebuild(papers: readonly Paper[]): void {
		this.base = buildSegment(papers);
		this.baseIds = new Map(papers.map((paper, doc) => [paper.id, doc]));
		this.arxivAliases = new Map();
		this.titleAliases = undefined;
		for (const paper of papers) rememberAlias(this.arxivAliases, paper);
		this.baseDeleted = 0;
		this.live = undefined;
		this.livePapers = new Map();
		this.allCache = undefined;
	}

	private segments(): Segment[] {
		return this.live ? [this.base, this.live] : [this.base];
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
		const candidates = scoreCandidates(segments, groups, Math.max(limit, SearchDefaults.candidates), true);
		if (short) return rankShort(pattern, tokens, groups, candidates, limit);
		// A pasted passage is a bag of words: whole-field matches mean nothing there.
		if (new Set(tokens).size > SearchDefaults.maxTypoExpandedWords) return toOverlapHits(candidates.slice(0, limit));
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

function rememberAlias(aliases: Map<string, string>, paper: Paper): void {
	if (paper.arxivId && paper.arxivId !== paper.id) aliases.set(paper.arxivId, paper.id);
}

const TITLE_ID = /^t-[0-9a-f]{12}$/;
