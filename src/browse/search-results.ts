import type { Paper } from '../papers/paper.js';
import { effectiveOrder, searchWithFilters } from '../search/filtered-search.js';
import type { PaperIndex } from '../search/index.js';
import { formatQuerySyntax } from '../search/query-syntax.js';
import { buildSearchRequest, formatSearchRequest, hasFilters, type SearchOptionInput, type SearchRequest } from '../search/search-request.js';
import { MAX_RESULTS, paginate, searchPage, type Page } from './pages.js';

/** One /paper search, ready to show: the request, the query its page buttons carry, and the page. */
export interface SearchResults {
	request: SearchRequest;
	/** Parses back to `request` with no options (absolute dates), so a page button is stateless. */
	query: string;
	/** The words, phrases and exclusions, for the results title. */
	heading: string;
	/** Authors, dates and order in words, for the footer ('' for none). */
	filters: string;
	page: Page<Paper>;
}

/**
 * Runs a search typed as a query plus the command's options. A query with no filters takes exactly the
 * plain path it always did; filters go through src/search/filtered-search.ts.
 */
export function findSearchResults(index: PaperIndex, query: string, options: SearchOptionInput, now: Date, page: number): SearchResults {
	const request = buildSearchRequest(query, options, now);
	const filtered = hasFilters(request);
	const papers = filtered ? paginate(searchWithFilters(index, request, MAX_RESULTS), page) : searchPage(index, request.words.join(' '), page);
	return {
		request,
		query: formatSearchRequest(request),
		heading: formatQuerySyntax({ words: request.words, phrases: request.phrases, excluded: request.excluded, authors: [] }),
		filters: describeFilters(request),
		page: papers,
	};
}

/** `by Ada Lovelace · since 2026-03-07 · most upvoted first`: plain text, escaped by the card. */
export function describeFilters(request: SearchRequest): string {
	const parts: string[] = [];
	if (request.authors.length > 0) parts.push(`by ${request.authors.join(' and ')}`);
	if (request.since !== undefined) parts.push(`since ${request.since}`);
	if (request.before !== undefined) parts.push(`before ${request.before}`);
	const order = effectiveOrder(request);
	if (order !== 'relevance' || request.sort !== undefined) parts.push(ORDER_TEXT[order]);
	return parts.join(' · ');
}

const ORDER_TEXT = Object.freeze({ relevance: 'best match first', date: 'newest first', upvotes: 'most upvoted first' });
