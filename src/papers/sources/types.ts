import type { Logger } from '../../log.js';
import type { Paper } from '../paper.js';

/** The live sources Paperboy can ingest from; also the keys of their status records. */
export type SourceName = 'hf' | 'arxiv';
export const SOURCE_NAMES: readonly SourceName[] = Object.freeze(['hf', 'arxiv']);

/** One entry a source returned that could not become a Paper; reported, the rest of the response is kept. */
export interface RejectedEntry {
	index: number;
	reason: string;
}

/** What a source cut from its answers to stay within PAPER_LIMITS (src/papers/limits.ts): counted, never silent. */
export interface SourceCut {
	/** Fields shortened: a title, an abstract, an author name, an author or keyword list. */
	truncated: number;
	/** Entries past the per-page cap, left out. */
	droppedEntries: number;
	/** Responses that were not valid UTF-8, read with U+FFFD in place of the bad bytes. */
	invalidUtf8: number;
}

/** What one source returned for one request (all its pages): already mapped, not yet stored. */
export interface SourceBatch {
	papers: Paper[];
	rejected: RejectedEntry[];
	/** Every URL fetched, in order, for logs. */
	urls: string[];
	/** Absent: nothing was cut. */
	cut?: SourceCut;
}

/** A live source as the ingest sees it. `date` is a UTC day `YYYY-MM-DD`; without it, the source's most recent listing. */
export interface LiveSource {
	readonly name: SourceName;
	fetchPapers(request: { date?: string; now: Date }): Promise<SourceBatch>;
}

/** What the ingest reports after each fetch of a source; the store keeps the latest values (and sums `added`). */
export interface SourceStatusUpdate {
	lastSuccessAt?: string;
	lastErrorAt?: string;
	lastError?: string;
	/** Papers newly added by this run. */
	added?: number;
	/** What the last successful run cut (see SourceCut); 0 clears the kept value. */
	lastTruncated?: number;
	lastDroppedEntries?: number;
	lastInvalidUtf8?: number;
}

/** A source's status as stored and shown by `paperboy sources` and `/paper stats`. */
export interface SourceStatus {
	lastSuccessAt?: string;
	lastErrorAt?: string;
	lastError?: string;
	/** Papers added by this source since the store was created. */
	added?: number;
	/** What the last successful run cut to stay within the limits; absent when nothing was. */
	lastTruncated?: number;
	lastDroppedEntries?: number;
	lastInvalidUtf8?: number;
}

/**
 * Everything the ingest touches outside itself, passed in so it runs against the real Keyv store in the bot
 * and against plain objects in tests.
 */
export interface IngestPorts {
	/** Upserts by `id`, merging with the stored record (see mergePaper); returns what changed. */
	savePapers(papers: Paper[]): Promise<{ added: Paper[]; updated: Paper[] }>;
	/** The live search index, updated in place so new papers are searchable without a restart. */
	index: { upsert(papers: readonly Paper[]): void };
	recordStatus(source: string, status: SourceStatusUpdate): Promise<void>;
	clock: () => Date;
	logger: Logger;
	/**
	 * Finds an already known paper (seed or stored) that is the same work: by arXiv id, else by normalized title.
	 * Seeds carry no arXiv id, so without this a seed and its live listing would be two records.
	 */
	findExisting?(paper: Paper): Pick<Paper, 'id'> | undefined;
}

export interface IngestProgress {
	date: string | undefined;
	/** 1-based position of this date in the run, and the number of dates. */
	step: number;
	total: number;
	added: number;
	updated: number;
	failed: number;
}

export interface IngestRequest {
	sources: readonly LiveSource[];
	/** One UTC day; without date/from/to, each source's most recent listing. */
	date?: string;
	/** Backfill range, inclusive, UTC days. */
	from?: string;
	to?: string;
	onProgress?: (progress: IngestProgress) => void;
}

export interface SourceRunResult {
	source: SourceName;
	date: string | undefined;
	fetched: number;
	rejected: number;
	added: number;
	updated: number;
	/** See SourceCut: fields shortened, entries over the page cap, responses that were not valid UTF-8. */
	truncated: number;
	droppedEntries: number;
	invalidUtf8: number;
	error?: string;
}

export interface IngestReport {
	runs: SourceRunResult[];
	added: number;
	updated: number;
	failed: number;
}
