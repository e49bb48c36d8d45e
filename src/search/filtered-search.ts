import { normalizeTitle, type Paper } from '../papers/paper.js';
import { dateView, papersInRange, upvoteView } from './corpus-views.js';
import { SearchDefaults, type PaperIndex } from './index.js';
import type { SortOrder } from './query-syntax.js';
import type { SearchRequest } from './search-request.js';
import { foldText, isStopword, tokenize } from './tokenize.js';
import { selectTop } from './top-k.js';

/**
 * Search filters applied on top of the index, through its public interface only. The index ranks the
 * words (typo-tolerant, at most its 100 best hits); the filters then keep what they allow. Because a
 * filter can leave few of those 100, papers meeting the filters that the ranking did not reach are added:
 * an author's papers (the index searched for the name) and, for a date range, the range's newest papers,
 * scanned for every word of the query at word starts in title, keywords and authors. Every scan is
 * bounded, so a filtered search costs a small multiple of a plain one at any corpus size.
 */

export const FilterDefaults = Object.freeze({
	/** Hits asked of the index per search: the most it gives. */
	indexCandidates: SearchDefaults.maxLimit,
	/** Papers of a date range checked word by word, newest first, beyond the ones the index ranked. */
	rangeChecks: 2000,
	/** Papers whose whole text (abstract included) is read for phrases and exclusions in a search without words. */
	fullTextChecks: 500,
	/** Folded whole texts (of papers with non-ASCII text) kept between searches: a results page is paged through, reading the same papers again. */
	cachedTexts: 1000,
	/** Folded titles, keywords and authors kept (about 300 bytes each): a range's newest papers are scanned by one search after another. */
	cachedShortTexts: 10_000,
});

export function searchWithFilters(index: PaperIndex, request: SearchRequest, limit: number): Paper[] {
	const filters = compileFilters(request);
	const text = [...request.words, ...request.phrases].join(' ');
	const hasText = hasWordCharacters(text);
	const matched = new Map<string, Paper>();
	const keep = (papers: Iterable<Paper>, test: (paper: Paper) => boolean) => {
		for (const paper of papers) {
			if (matched.size >= FilterDefaults.indexCandidates) return;
			if (!matched.has(paper.id) && test(paper)) matched.set(paper.id, paper);
		}
	};
	// Fewer hits than asked for means the index saw every paper it would match: nothing beyond them to look for.
	let cut = !hasText;
	if (hasText) {
		const ranked = rankedFor(index, text);
		cut = ranked.length >= FilterDefaults.indexCandidates;
		keep(ranked, filters.allows);
	}
	if (request.authors.length > 0 && cut && matched.size < limit) {
		const byAuthor = rankedFor(index, request.authors.join(' '));
		cut = byAuthor.length >= FilterDefaults.indexCandidates;
		keep(byAuthor, (paper) => filters.hasWords(paper, 'all') && filters.allows(paper));
	}
	if (!hasText && request.authors.length === 0) keep(selectUnranked(index.all(), request), filters.allowsText);
	else if (filters.hasRange && cut && matched.size < limit) keep(newestInRange(index.all(), request, FilterDefaults.rangeChecks), filters.fallback);
	return orderBy([...matched.values()], effectiveOrder(request)).slice(0, limit);
}

function rankedFor(index: PaperIndex, text: string): Paper[] {
	return hasWordCharacters(text) ? index.search(text, FilterDefaults.indexCandidates).map((hit) => hit.paper) : [];
}

interface CompiledFilters {
	/** Query words (stopwords aside) a paper found outside the ranking must contain. */
	words: string[];
	hasRange: boolean;
	inRange(paper: Paper): boolean;
	/** Dates, authors, phrases and exclusions: what a ranked hit must pass. */
	allows(paper: Paper): boolean;
	/** Phrases and exclusions only. */
	allowsText(paper: Paper): boolean;
	/** Every query word at a word start of the paper ('short': title, keywords, authors; 'all': the abstract too). */
	hasWords(paper: Paper, fields: 'short' | 'all'): boolean;
	/** A paper of the date range the ranking did not reach: the words in its short fields, then every filter. */
	fallback(paper: Paper): boolean;
}

function compileFilters(request: SearchRequest): CompiledFilters {
	const { since, before } = request;
	const words = [...new Set(tokenize([...request.words, ...request.phrases].join(' ')).filter((word) => !isStopword(word)))];
	const phrases = compileTerms(request.phrases);
	const excluded = compileTerms(request.excluded);
	const wordTerms = compileTerms(words);
	const authors = request.authors.map((author) => normalizeTitle(author).split(' ').filter(Boolean)).filter((parts) => parts.length > 0);
	const inRange = (paper: Paper) => (since === undefined || paper.listedOn >= since) && (before === undefined || paper.listedOn < before);
	const allowsText = (paper: Paper) => {
		if (phrases.length === 0 && excluded.length === 0) return true;
		const has = probeText(paper);
		return phrases.every(has) && !excluded.some(has);
	};
	const byAuthors = (paper: Paper) => authors.every((wanted) => (paper.authors ?? []).some((name) => nameMatches(wanted, name)));
	const allows = (paper: Paper) => inRange(paper) && byAuthors(paper) && allowsText(paper);
	const hasWords = (paper: Paper, fields: 'short' | 'all') => {
		if (words.length === 0) return true;
		return fields === 'all' ? wordTerms.every(probeText(paper)) : hasAll(shortText(paper), words);
	};
	// The author's words must also be in the short text (authors are in it), a cheap test that turns most papers away first.
	const authorWords = authors.flat();
	const fallback = (paper: Paper) => hasWords(paper, 'short') && hasAll(shortText(paper), authorWords) && byAuthors(paper) && allowsText(paper);
	return { words, hasRange: since !== undefined || before !== undefined, inRange, allows, allowsText, hasWords, fallback };
}

function hasAll(folded: string, words: readonly string[]): boolean {
	return words.every((word) => folded.includes(` ${word}`));
}

/**
 * A word or phrase as it must occur: at a word start, words in order with only punctuation or space between,
 * the last word possibly longer (`transformer` matches `transformers`), case and accents aside.
 */
interface Term {
	/** ` two words`, to find in a folded text. */
	folded: string;
	/** The same test on plain ASCII text, read as it is: folding a 1,500-character abstract costs twenty times more. */
	ascii: RegExp;
}

function compileTerms(terms: readonly string[]): Term[] {
	return terms
		.map((term) => normalizeTitle(term))
		.filter(Boolean)
		.map((folded) => ({ folded: ` ${folded}`, ascii: new RegExp(`(?:^|[^a-z0-9])${folded.split(' ').map(escapeRegExp).join('[^a-z0-9]+')}`, 'i') }));
}

/** Answers "does the paper's whole text have this term?" for one paper, reading its text once. */
function probeText(paper: Paper): (term: Term) => boolean {
	const raw = `${shortFields(paper)} ${paper.abstract ?? ''}`;
	if (!NON_ASCII.test(raw)) return (term) => term.ascii.test(raw);
	const folded = cached(fullTexts, paper, FilterDefaults.cachedTexts, () => ` ${normalizeTitle(raw)} `);
	return (term) => folded.includes(term.folded);
}

const NON_ASCII = /[^\x00-\x7f]/;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every word of the wanted name starts a word of the author's (`g hinton` matches “Geoffrey E. Hinton”). */
function nameMatches(wanted: readonly string[], name: string): boolean {
	const parts = normalizeTitle(String(name)).split(' ');
	return wanted.every((word) => parts.some((part) => part.startsWith(word)));
}

/** The range's newest papers (most upvoted first within a day), at most `k`. */
function newestInRange(corpus: readonly Paper[], request: SearchRequest, k: number): readonly Paper[] {
	return papersInRange(dateView(corpus), request.since, request.before).slice(0, k);
}

/** A search without words: the corpus (or its date range) by date or upvotes, more of it when phrases or exclusions will drop some. */
function selectUnranked(corpus: readonly Paper[], request: SearchRequest): readonly Paper[] {
	const k = request.excluded.length > 0 || request.phrases.length > 0 ? FilterDefaults.fullTextChecks : FilterDefaults.indexCandidates;
	return request.sort === 'upvotes' ? mostUpvoted(corpus, k, request.since, request.before) : newestInRange(corpus, request, k);
}

/** The `k` most upvoted papers listed in [since, before) (newest first among equals; unknown upvotes last). */
export function mostUpvoted(corpus: readonly Paper[], k: number, since?: string, before?: string): Paper[] {
	if (since === undefined && before === undefined) return upvoteView(corpus).slice(0, k);
	const range = papersInRange(dateView(corpus), since, before);
	return selectTop(range.length, k, (i) => upvoteScore(range[i] as Paper)).map((i) => range[i] as Paper);
}

/** Relevance needs words; a search of filters alone lists the newest first unless told otherwise. */
export function effectiveOrder(request: SearchRequest): SortOrder {
	if (request.sort === 'upvotes' || request.sort === 'date') return request.sort;
	return hasWordCharacters([...request.words, ...request.phrases].join(' ')) ? 'relevance' : 'date';
}

/** Stable: papers the order cannot tell apart keep their relevance order. */
function orderBy(papers: Paper[], order: SortOrder): Paper[] {
	if (order === 'date') return papers.sort((a, b) => compareDays(b, a) || upvotesOf(b) - upvotesOf(a));
	if (order === 'upvotes') return papers.sort((a, b) => upvotesOf(b) - upvotesOf(a) || compareDays(b, a));
	return papers;
}

function compareDays(a: Paper, b: Paper): number {
	return a.listedOn < b.listedOn ? -1 : a.listedOn > b.listedOn ? 1 : 0;
}

/** Unknown upvotes (the seed's) sort below zero. */
function upvotesOf(paper: Paper): number {
	return typeof paper.upvotes === 'number' && Number.isFinite(paper.upvotes) ? paper.upvotes : -1;
}

/** Upvotes first, then the day (`2026-03-14` → 20260314, order-preserving) as the fraction that breaks ties. */
function upvoteScore(paper: Paper): number {
	return (upvotesOf(paper) + 1) * 1e8 + dayNumber(paper.listedOn);
}

/** Read digit by digit: this runs for every paper of a range, and slicing strings would dominate it. */
function dayNumber(day: string): number {
	if (typeof day !== 'string' || day.length !== 10) return 0;
	let value = 0;
	for (const at of DAY_DIGITS) {
		const digit = day.charCodeAt(at) - 48;
		if (digit < 0 || digit > 9) return 0;
		value = value * 10 + digit;
	}
	return value;
}

const DAY_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

function hasWordCharacters(text: string): boolean {
	return HAS_WORD_CHARACTER.test(foldText(text));
}

const fullTexts = new Map<Paper, string>();
const shortTexts = new Map<Paper, string>();

/** Title, keywords and authors folded: what a date range's scan reads, for the same newest papers query after query. */
function shortText(paper: Paper): string {
	return cached(shortTexts, paper, FilterDefaults.cachedShortTexts, () => ` ${normalizeTitle(shortFields(paper))} `);
}

/** A map kept to `max` entries, oldest out first; a paper replaced by an upsert is a new object and simply misses. */
function cached(cache: Map<Paper, string>, paper: Paper, max: number, build: () => string): string {
	const hit = cache.get(paper);
	if (hit !== undefined) return hit;
	const text = build();
	cache.set(paper, text);
	if (cache.size > max) cache.delete(cache.keys().next().value as Paper);
	return text;
}

function shortFields(paper: Paper): string {
	return `${paper.title} ${(paper.keywords ?? []).join(' ')} ${(paper.authors ?? []).join(' ')}`;
}
