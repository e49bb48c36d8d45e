import { silentLogger, type Logger } from '../../log.js';
import type { Paper } from '../paper.js';
import { paperFromArxivEntry, parseArxivFeed } from './arxiv-feed.js';
import { addCut, capPapers, emptyCut, hasCut, logPageCut } from './cut.js';
import type { HttpTuning } from './hf.js';
import { fetchText } from './http.js';
import { createRateLimiter, type RateLimiter } from './limiter.js';
import type { LiveSource, RejectedEntry, SourceBatch } from './types.js';

export const ARXIV_DEFAULTS = Object.freeze({
	/** arXiv's terms of use: no more than one request every three seconds. */
	intervalMs: 3000,
	pageSize: 100,
	/** Pages for one day's backfill: cs.LG alone lists a few hundred a day. */
	maxPages: 10,
	/** The hourly run only needs the newest submissions. */
	recentPages: 1,
});

/** arXiv answers with application/atom+xml; proxies and the 2007 manual examples say xml. */
const ATOM_TYPES = ['application/atom+xml', 'application/xml', 'text/xml'] as const;
const SOURCE = 'arxiv';

export interface ArxivQuery {
	searchQuery?: string;
	idList?: string;
	start: number;
	maxResults: number;
	sortBy?: 'relevance' | 'lastUpdatedDate' | 'submittedDate';
	sortOrder?: 'ascending' | 'descending';
}

export interface ArxivSourceOptions {
	baseUrl: string;
	categories: readonly string[];
	timeoutMs: number;
	/** Minimum gap between requests; tests shrink it. */
	intervalMs?: number;
	pageSize?: number;
	maxPages?: number;
	recentPages?: number;
	http?: HttpTuning;
	logger?: Logger;
}

export function arxivQueryUrl(baseUrl: string, query: ArxivQuery): string {
	const url = new URL('/api/query', baseUrl);
	url.searchParams.set('search_query', query.searchQuery ?? '');
	if (query.idList !== undefined) url.searchParams.set('id_list', query.idList);
	url.searchParams.set('sortBy', query.sortBy ?? 'submittedDate');
	url.searchParams.set('sortOrder', query.sortOrder ?? 'descending');
	url.searchParams.set('start', String(query.start));
	url.searchParams.set('max_results', String(query.maxResults));
	return url.toString();
}

/** `cat:cs.LG OR cat:cs.CL`, narrowed to one submission day when a date is given. */
export function categorySearchQuery(categories: readonly string[], date?: string): string {
	const cats = categories.map((category) => `cat:${category}`).join(' OR ');
	const scoped = categories.length > 1 ? `(${cats})` : cats;
	if (!date) return scoped;
	const day = date.replaceAll('-', '');
	return `${scoped} AND submittedDate:[${day}0000 TO ${day}2359]`;
}

export interface ArxivFetchOptions {
	baseUrl: string;
	timeoutMs: number;
	maxPages: number;
	limiter: RateLimiter;
	http?: HttpTuning;
	logger?: Logger;
}

/** Runs a query page by page until a short page, the reported total, or the page bound. */
export async function fetchArxivQuery(query: ArxivQuery, options: ArxivFetchOptions): Promise<SourceBatch> {
	const logger = options.logger ?? silentLogger;
	const byId = new Map<string, Paper>();
	const rejected: RejectedEntry[] = [];
	const urls: string[] = [];
	let cut = emptyCut();
	for (let page = 0; page < options.maxPages; page += 1) {
		const start = query.start + page * query.maxResults;
		const url = arxivQueryUrl(options.baseUrl, { ...query, start });
		urls.push(url);
		const response = await fetchText(url, {
			...options.http,
			source: SOURCE,
			timeoutMs: options.timeoutMs,
			accept: ATOM_TYPES,
			// A bad query comes back as HTTP 400 with an Atom error entry that says what was wrong.
			acceptStatuses: [400],
			limiter: options.limiter,
			logger,
		});
		const feed = parseArxivFeed(response.text, url);
		rejected.push(...feed.rejected.map((entry) => ({ index: start + entry.index, reason: entry.reason })));
		const capped = capPapers(feed.entries.map(paperFromArxivEntry));
		const received = feed.entries.length + feed.rejected.length + feed.droppedEntries;
		logPageCut(logger, SOURCE, url, { dropped: feed.droppedEntries, capped, total: received });
		cut = addCut(cut, { truncated: capped.truncated, droppedEntries: feed.droppedEntries, invalidUtf8: response.invalidUtf8 ? 1 : 0 });
		// Within one response a paper appears once; across pages the newer version wins.
		for (const paper of capped.papers) byId.set(paper.id, paper);
		const seen = start + received;
		if (received < query.maxResults) break;
		if (feed.totalResults !== undefined && seen >= feed.totalResults) break;
		if (page === options.maxPages - 1)
			logger.warn('arxiv: page bound reached, older results are left out', { source: SOURCE, url, maxPages: options.maxPages });
	}
	return { papers: [...byId.values()], rejected, urls, ...(hasCut(cut) ? { cut } : {}) };
}

/** One limiter per source instance: every request it makes, retries included, is spaced by `intervalMs`. */
export function createArxivSource(options: ArxivSourceOptions): LiveSource {
	const limiter = createRateLimiter({
		intervalMs: options.intervalMs ?? ARXIV_DEFAULTS.intervalMs,
		...(options.http?.sleep ? { sleep: options.http.sleep } : {}),
		...(options.http?.now ? { now: options.http.now } : {}),
	});
	const pageSize = options.pageSize ?? ARXIV_DEFAULTS.pageSize;
	return {
		name: 'arxiv',
		fetchPapers: ({ date }) =>
			fetchArxivQuery(
				{ searchQuery: categorySearchQuery(options.categories, date), start: 0, maxResults: pageSize, sortBy: 'submittedDate', sortOrder: 'descending' },
				{
					baseUrl: options.baseUrl,
					timeoutMs: options.timeoutMs,
					maxPages: date ? (options.maxPages ?? ARXIV_DEFAULTS.maxPages) : (options.recentPages ?? ARXIV_DEFAULTS.recentPages),
					limiter,
					...(options.http ? { http: options.http } : {}),
					...(options.logger ? { logger: options.logger } : {}),
				},
			),
	};
}
