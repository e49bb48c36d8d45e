import { UserError } from '../errors.js';
import { MAX_QUERY_LENGTH } from './index.js';
import { SearchMessages } from './messages.js';
import { formatQuerySyntax, parseQuerySyntax, parseSortOrder, type QuerySyntax } from './query-syntax.js';

/**
 * A search as the filters module runs it: the query's syntax merged with the command's own options
 * (author, since, before, sort), dates resolved against the bot's clock to `YYYY-MM-DD` days.
 * `since` is inclusive (listed on or after), `before` exclusive (listed before that day).
 */
export type SearchRequest = Readonly<QuerySyntax>;

/** The /paper search options for people who do not type syntax; each combines with the query's own filters. */
export interface SearchOptionInput {
	author?: string | undefined;
	since?: string | undefined;
	before?: string | undefined;
	sort?: string | undefined;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const YEAR = /^(\d{4})$/;
const SPAN = /^(\d{1,4})\s*([dwmy])$/i;
const SPAN_DAYS = Object.freeze({ d: 1, w: 7, m: 31, y: 366 });
/** A century back is before any paper; longer spans would leave the calendar Date handles well. */
const MAX_SPAN_DAYS = 36_600;

export function buildSearchRequest(query: string, options: SearchOptionInput, now: Date): SearchRequest {
	// A malformed interaction can carry a number where the query belongs; that is no query at all.
	const text = typeof query === 'string' ? query : '';
	if (text.length > MAX_QUERY_LENGTH) throw new UserError(SearchMessages.queryTooLong(MAX_QUERY_LENGTH, text.length));
	const syntax = parseQuerySyntax(text);
	const today = dayOf(now);
	const request: QuerySyntax = { ...syntax, authors: mergeAuthors(syntax.authors, options.author) };
	const since = mergeDate('since', syntax.since, options.since, today);
	const before = mergeDate('before', syntax.before, options.before, today);
	if (since !== undefined && since > today) throw new UserError(SearchMessages.futureSince(since, today));
	if (since !== undefined && before !== undefined && since >= before) throw new UserError(SearchMessages.emptyRange(since, before));
	setOrDelete(request, 'since', since);
	setOrDelete(request, 'before', before);
	setOrDelete(request, 'sort', mergeSort(syntax.sort, options.sort));
	if (isEmptyRequest(request)) throw new UserError(SearchMessages.nothingToSearch);
	return request;
}

/** The query a page button carries: it parses back to the same request, with absolute days so page 2 is page 2 tomorrow too. */
export function formatSearchRequest(request: SearchRequest): string {
	return formatQuerySyntax(request);
}

/** True when the request has filters beyond plain words (the results say which). */
export function hasFilters(request: SearchRequest): boolean {
	return (
		request.phrases.length > 0 ||
		request.excluded.length > 0 ||
		request.authors.length > 0 ||
		request.since !== undefined ||
		request.before !== undefined ||
		request.sort !== undefined
	);
}

/** True when typed text uses the search syntax (filters, quotes, -word) or is not valid syntax yet; never throws. */
export function hasQuerySyntax(text: string): boolean {
	try {
		return hasFilters(parseQuerySyntax(String(text ?? '')));
	} catch {
		return true;
	}
}

/** `YYYY-MM-DD` for a filter value: a day, a month or year (its first day), today/yesterday, or a span back (`7d`, `2w`, `3m`, `1y`). */
export function resolveDay(key: 'since' | 'before', value: string, today: string): string {
	const text = value.trim().toLowerCase();
	if (text === 'today') return today;
	if (text === 'yesterday') return shiftDay(today, 1, 'd');
	const span = SPAN.exec(text);
	if (span) {
		const unit = (span[2] as string).toLowerCase() as 'd' | 'w' | 'm' | 'y';
		if (Number(span[1]) * SPAN_DAYS[unit] > MAX_SPAN_DAYS) throw new UserError(SearchMessages.badDate(key, value));
		return shiftDay(today, Number(span[1]), unit);
	}
	const day = DAY.exec(text) ?? MONTH.exec(text) ?? YEAR.exec(text);
	const [, year, month = '01', date = '01'] = day ?? [];
	const iso = `${year}-${month}-${date}`;
	if (!day || !isCalendarDay(iso)) throw new UserError(SearchMessages.badDate(key, value));
	return iso;
}

function mergeAuthors(inline: readonly string[], option: string | undefined): string[] {
	const authors = [...inline];
	const extra = option
		?.replace(/["“”„]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	if (extra && !authors.some((author) => author.toLowerCase() === extra.toLowerCase())) authors.push(extra);
	return authors;
}

function mergeDate(key: 'since' | 'before', inline: string | undefined, option: string | undefined, today: string): string | undefined {
	const fromOption = option?.trim() ? resolveDay(key, option, today) : undefined;
	const fromQuery = inline === undefined ? undefined : resolveDay(key, inline, today);
	if (fromOption !== undefined && fromQuery !== undefined && fromOption !== fromQuery)
		throw new UserError(SearchMessages.conflictingFilter(key, inline as string, option as string));
	return fromQuery ?? fromOption;
}

function mergeSort(inline: QuerySyntax['sort'], option: string | undefined): QuerySyntax['sort'] {
	const fromOption = option?.trim() ? parseSortOrder(option) : undefined;
	if (inline !== undefined && fromOption !== undefined && inline !== fromOption)
		throw new UserError(SearchMessages.conflictingFilter('sort', inline, option as string));
	return inline ?? fromOption;
}

function isEmptyRequest(request: QuerySyntax): boolean {
	return request.words.length === 0 && !hasFilters(request);
}

function setOrDelete<K extends 'since' | 'before' | 'sort'>(request: QuerySyntax, key: K, value: QuerySyntax[K]): void {
	if (value === undefined) delete request[key];
	else request[key] = value;
}

/** The UTC calendar day of `now`: listing days are UTC days. */
export function dayOf(now: Date): string {
	return now.toISOString().slice(0, 10);
}

/** `today` moved back by `count` days, weeks, months or years; a month back from Mar 31 is the last day of February. */
export function shiftDay(today: string, count: number, unit: 'd' | 'w' | 'm' | 'y'): string {
	const [year, month, day] = today.split('-').map(Number) as [number, number, number];
	if (unit === 'd' || unit === 'w') return dayOf(new Date(Date.UTC(year, month - 1, day - count * (unit === 'w' ? 7 : 1))));
	const months = unit === 'm' ? count : count * 12;
	const lastDay = new Date(Date.UTC(year, month - 1 - months + 1, 0)).getUTCDate();
	return dayOf(new Date(Date.UTC(year, month - 1 - months, Math.min(day, lastDay))));
}

function isCalendarDay(iso: string): boolean {
	const date = new Date(`${iso}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && dayOf(date) === iso;
}
