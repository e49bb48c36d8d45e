import { UserError } from '../errors.js';
import { SearchMessages } from './messages.js';

/**
 * The search box's little language, parsed into structured filters (pure: dates stay as typed until
 * search-request.ts resolves them against the clock).
 *
 *   diffusion "video generation" -audio author:"Ada Lovelace" since:7d before:2026-03-01 sort:upvotes
 *
 * A word is a filter when it is letters, a colon, then a value with no space before it (`sort:date`,
 * `author:"Ada Lovelace"`). Keys are case-insensitive; a known key with its value a space away
 * (`author: Hinton`) is an error saying so. What can never be a filter stays search text:
 * a colon with nothing after it (`Note: …`), a colon after digits (`3:1`, `10:30`), links (anything
 * with `://`), `arXiv:2403.09611`, and anything inside quotes. Any other `word:value` is an unknown
 * filter and an error naming the known ones, so a typo such as `autor:` is never silently searched for.
 * Quotes may be straight or curly (phones type “…”); a quote with no partner is ignored.
 */

export const SORT_ORDERS = Object.freeze(['relevance', 'date', 'upvotes'] as const);
export type SortOrder = (typeof SORT_ORDERS)[number];

export const FILTER_KEYS = Object.freeze(['author', 'since', 'before', 'sort'] as const);
export type FilterKey = (typeof FILTER_KEYS)[number];

/** An example per key, for the "needs a value" error and for /paper help. */
export const FILTER_EXAMPLES: Readonly<Record<FilterKey, string>> = Object.freeze({
	author: 'author:Hinton or author:"Geoffrey Hinton"',
	since: 'since:2026-03-01 or since:7d',
	before: 'before:2026-03-01 or before:2w',
	sort: 'sort:upvotes (relevance, date or upvotes)',
});

export const QuerySyntaxLimits = Object.freeze({ authors: 5, phrases: 10, excluded: 20 });

export interface QuerySyntax {
	/** Free words, as typed, in order: what the index ranks. */
	words: string[];
	/** Quoted phrases that must appear as written (case, accents and punctuation aside). */
	phrases: string[];
	/** `-word` and `-"a phrase"`: papers containing any of them are left out. */
	excluded: string[];
	/** `author:` values; every one must match an author of the paper. */
	authors: string[];
	/** Dates as typed (`2026-03-01`, `7d`); resolved by search-request.ts. */
	since?: string;
	before?: string;
	sort?: SortOrder;
}

/** Keys whose `key:value` is a well-known identifier or scheme, never a filter. */
const TEXT_PREFIXES = new Set(['arxiv', 'http', 'https', 'doi']);
const OPENING_QUOTES = '"“„”';
const CLOSING_QUOTES = '"”“';
const KEY_VALUE = /^([A-Za-z]+):(.+)$/s;
const BARE_KEY = /^([A-Za-z]+):$/;
const HAS_LETTER = /\p{L}/u;
const QUOTE_CHARACTERS = /["“”„]/g;

export function parseQuerySyntax(text: string): QuerySyntax {
	const syntax: QuerySyntax = { words: [], phrases: [], excluded: [], authors: [] };
	const input = String(text ?? '');
	let at = 0;
	while (at < input.length) {
		if (/\s/.test(input[at] as string)) {
			at++;
			continue;
		}
		at = readTerm(input, at, syntax);
	}
	checkCounts(syntax);
	return syntax;
}

/** Reads one whitespace-delimited term starting at `start` into `syntax`; returns where the next one may start. */
function readTerm(input: string, start: number, syntax: QuerySyntax): number {
	const negated = input[start] === '-';
	const bodyStart = negated ? start + 1 : start;
	const quoted = readQuoted(input, bodyStart);
	if (quoted) {
		if (quoted.text) (negated ? syntax.excluded : syntax.phrases).push(quoted.text);
		return quoted.end;
	}
	const end = wordEnd(input, start);
	const word = input.slice(start, end);
	const bare = BARE_KEY.exec(word);
	// `author: Hinton`: a known key with its value a space away is a slip, not the word "author:".
	if (bare && isFilterKey(bare[1] as string)) {
		const key = (bare[1] as string).toLowerCase() as FilterKey;
		throw new UserError(SearchMessages.emptyFilter(key, FILTER_EXAMPLES[key]));
	}
	const filter = KEY_VALUE.exec(negated ? word.slice(1) : word);
	if (filter && isFilterKey(filter[1] as string)) {
		const key = (filter[1] as string).toLowerCase() as FilterKey;
		if (negated) throw new UserError(SearchMessages.negatedFilter(key));
		return readFilter(input, key, start + word.indexOf(':') + 1, syntax);
	}
	if (filter && !isPlainText(filter[1] as string, filter[2] as string)) throw new UserError(SearchMessages.unknownFilter(filter[1] as string, FILTER_KEYS));
	const kept = stripStrayQuotes(negated ? word.slice(1) : word);
	// `-3` and `-0.5` are numbers, not exclusions.
	if (negated && HAS_LETTER.test(kept)) syntax.excluded.push(kept);
	else if (negated) syntax.words.push(word);
	else if (kept) syntax.words.push(kept);
	return end;
}

/** Reads a filter's value (quoted, or up to the next space) starting right after its colon. */
function readFilter(input: string, key: FilterKey, valueStart: number, syntax: QuerySyntax): number {
	const quoted = readQuoted(input, valueStart);
	const end = quoted ? quoted.end : wordEnd(input, valueStart);
	const value = (quoted ? quoted.text : stripStrayQuotes(input.slice(valueStart, end))).trim();
	if (!value) throw new UserError(SearchMessages.emptyFilter(key, FILTER_EXAMPLES[key]));
	// Names need no quotes, and one inside a name would pair up wrongly once the query is re-written.
	if (key === 'author') syntax.authors.push(value.replace(QUOTE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim());
	else if (key === 'sort') setOnce(syntax, key, parseSortOrder(value));
	else setOnce(syntax, key, value);
	return end;
}

export function parseSortOrder(value: string): SortOrder {
	const order = value.trim().toLowerCase();
	if (!(SORT_ORDERS as readonly string[]).includes(order)) throw new UserError(SearchMessages.badSort(value, SORT_ORDERS));
	return order as SortOrder;
}

function setOnce<K extends 'since' | 'before' | 'sort'>(syntax: QuerySyntax, key: K, value: NonNullable<QuerySyntax[K]>): void {
	if (syntax[key] !== undefined) throw new UserError(SearchMessages.repeatedFilter(key));
	syntax[key] = value;
}

/** A quoted run starting at `start` up to its closing quote; undefined when `start` is no quote or it has no partner. */
function readQuoted(input: string, start: number): { text: string; end: number } | undefined {
	if (!OPENING_QUOTES.includes(input[start] ?? '\u0000')) return undefined;
	for (let at = start + 1; at < input.length; at++) {
		if (CLOSING_QUOTES.includes(input[at] as string))
			return {
				text: input
					.slice(start + 1, at)
					.replace(/\s+/g, ' ')
					.trim(),
				end: at + 1,
			};
	}
	return undefined;
}

function wordEnd(input: string, start: number): number {
	let end = start;
	while (end < input.length && !/\s/.test(input[end] as string)) end++;
	return end;
}

function isFilterKey(key: string): boolean {
	return (FILTER_KEYS as readonly string[]).includes(key.toLowerCase());
}

function isPlainText(key: string, value: string): boolean {
	return TEXT_PREFIXES.has(key.toLowerCase()) || value.startsWith('//');
}

/** A quote with no partner carries no meaning (the index ignores punctuation) and would pair up wrongly once re-written. */
function stripStrayQuotes(word: string): string {
	let kept = word;
	while (kept && OPENING_QUOTES.includes(kept[0] as string)) kept = kept.slice(1);
	return kept;
}

function checkCounts(syntax: QuerySyntax): void {
	const counts: [string, number, number][] = [
		['author: filters', syntax.authors.length, QuerySyntaxLimits.authors],
		['quoted phrases', syntax.phrases.length, QuerySyntaxLimits.phrases],
		['excluded words', syntax.excluded.length, QuerySyntaxLimits.excluded],
	];
	for (const [what, count, limit] of counts) if (count > limit) throw new UserError(SearchMessages.tooMany(what, count, limit));
}

/** Writes syntax back as a query that parses to the same thing (the form page buttons carry). */
export function formatQuerySyntax(syntax: QuerySyntax): string {
	const parts = [
		...syntax.words,
		...syntax.phrases.map((phrase) => `"${phrase}"`),
		...syntax.excluded.map((term) => (/\s/.test(term) || OPENING_QUOTES.includes(term[0] ?? '') ? `-"${term}"` : `-${term}`)),
		...syntax.authors.map((author) => `author:${/\s/.test(author) ? `"${author}"` : author}`),
		...(syntax.since !== undefined ? [`since:${syntax.since}`] : []),
		...(syntax.before !== undefined ? [`before:${syntax.before}`] : []),
		...(syntax.sort !== undefined ? [`sort:${syntax.sort}`] : []),
	];
	return parts.join(' ');
}
