import { silentLogger, type Logger } from '../../log.js';
import { isRecord, paperFromHfEntry } from '../hf-entry.js';
import type { Paper } from '../paper.js';
import { addCut, capEntries, capPapers, emptyCut, hasCut, logPageCut, type CappedPage } from './cut.js';
import { fetchText, type FetchTextOptions } from './http.js';
import { SourceError } from './source-error.js';
import type { LiveSource, RejectedEntry, SourceBatch } from './types.js';

export const HF_DEFAULTS = Object.freeze({
	pageSize: 100,
	/** A busy day has ~50 papers; 5 pages of 100 bounds a misbehaving API, not a real day. */
	maxPages: 5,
});

/** Retry, cap and test knobs passed through to fetchText. */
export type HttpTuning = Partial<
	Pick<FetchTextOptions, 'retries' | 'backoffMs' | 'maxBackoffMs' | 'maxRetryAfterMs' | 'maxBytes' | 'sleep' | 'now' | 'signal'>
>;

export interface HfSourceOptions {
	baseUrl: string;
	timeoutMs: number;
	pageSize?: number;
	maxPages?: number;
	http?: HttpTuning;
	logger?: Logger;
}

const SOURCE = 'hf';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function hfDailyPapersUrl(baseUrl: string, date: string, limit: number, page: number): string {
	const url = new URL('/api/daily_papers', baseUrl);
	url.searchParams.set('date', date);
	url.searchParams.set('limit', String(limit));
	url.searchParams.set('p', String(page));
	return url.toString();
}

export interface HfPage {
	papers: Paper[];
	rejected: RejectedEntry[];
	/** Entries in the response, good and bad, kept or not: a short page means the last one. */
	entryCount: number;
	/** Entries past PAPER_LIMITS.entriesPerPage, left out. */
	droppedEntries: number;
	/** Fields shortened to PAPER_LIMITS, per paper. */
	capped: Pick<CappedPage, 'truncated' | 'cuts'>;
}

/**
 * Validates one daily_papers response. Individually bad entries are reported and skipped; a response that is
 * not a JSON array, or in which every entry is bad (e.g. entries stored as Python repr strings), is rejected.
 */
export function parseHfDailyPapers(text: string, url: string, listedOn: string): HfPage {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new SourceError(SOURCE, url, `response is not valid JSON (starts with ${JSON.stringify(text.slice(0, 40))})`);
	}
	if (!Array.isArray(body)) throw new SourceError(SOURCE, url, `expected an array of entries, got ${isRecord(body) ? 'an object' : typeof body}`);
	const { kept, dropped } = capEntries(body as unknown[]);
	const papers: Paper[] = [];
	const rejected: RejectedEntry[] = [];
	kept.forEach((entry: unknown, index) => {
		const reason = missingId(entry);
		const result = reason ? { ok: false as const, reason } : paperFromHfEntry(entry, listedOn);
		if (result.ok) papers.push(result.paper);
		else rejected.push({ index, reason: result.reason });
	});
	if (kept.length > 0 && papers.length === 0) {
		throw new SourceError(SOURCE, url, `all ${kept.length} entries are malformed (first: ${rejected[0]?.reason})`);
	}
	const capped = capPapers(papers);
	return { papers: capped.papers, rejected, entryCount: body.length, droppedEntries: dropped, capped: { truncated: capped.truncated, cuts: capped.cuts } };
}

/** The paper's id is the arXiv id: an entry without one cannot be deduplicated, so it is not stored. */
function missingId(entry: unknown): string | undefined {
	if (!isRecord(entry)) return undefined;
	const raw = isRecord(entry.paper) ? entry.paper : entry;
	return typeof raw.id === 'string' && raw.id.trim() !== '' ? undefined : 'missing id';
}

/** All papers listed on one day, following pages until a short page, a page of nothing new, or the page bound. */
export async function fetchHfDay(date: string, options: HfSourceOptions): Promise<SourceBatch> {
	if (!DAY.test(date)) throw new SourceError(SOURCE, options.baseUrl, `invalid date ${JSON.stringify(date)} (expected YYYY-MM-DD)`);
	const pageSize = options.pageSize ?? HF_DEFAULTS.pageSize;
	const maxPages = options.maxPages ?? HF_DEFAULTS.maxPages;
	const logger = options.logger ?? silentLogger;
	const byId = new Map<string, Paper>();
	const rejected: RejectedEntry[] = [];
	const urls: string[] = [];
	let cut = emptyCut();
	for (let page = 0; page < maxPages; page += 1) {
		const url = hfDailyPapersUrl(options.baseUrl, date, pageSize, page);
		urls.push(url);
		const response = await fetchText(url, { ...options.http, source: SOURCE, timeoutMs: options.timeoutMs, accept: ['application/json'], logger });
		const parsed = parseHfDailyPapers(response.text, url, date);
		logPageCut(logger, SOURCE, url, { dropped: parsed.droppedEntries, capped: parsed.capped, total: parsed.entryCount });
		cut = addCut(cut, { truncated: parsed.capped.truncated, droppedEntries: parsed.droppedEntries, invalidUtf8: response.invalidUtf8 ? 1 : 0 });
		rejected.push(...parsed.rejected.map((entry) => ({ index: page * pageSize + entry.index, reason: entry.reason })));
		const fresh = parsed.papers.filter((paper) => !byId.has(paper.id));
		for (const paper of parsed.papers) byId.set(paper.id, paper);
		if (parsed.entryCount < pageSize) break;
		// An API that ignores `p` repeats page 0 forever; nothing new means we have it all.
		if (fresh.length === 0) break;
		if (page === maxPages - 1) logger.warn('hf: page bound reached, the rest of the day is left for the next run', { source: SOURCE, url, maxPages });
	}
	return { papers: [...byId.values()], rejected, urls, ...(hasCut(cut) ? { cut } : {}) };
}

export function createHfSource(options: HfSourceOptions): LiveSource {
	return {
		name: 'hf',
		fetchPapers: ({ date, now }) => fetchHfDay(date ?? now.toISOString().slice(0, 10), options),
	};
}
