import type { Config } from '../../config.js';
import { localClock, slotInstant } from '../../digests/local-time.js';
import type { Logger } from '../../log.js';
import type { PaperIndex } from '../../search/index.js';
import type { DigestSchedule } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { createConfiguredSources } from './from-config.js';
import { ingestOnce } from './ingest.js';
import { createLiveIndex } from './live-index.js';
import { scheduleIngest, type IngestSchedule } from './schedule.js';
import type { IngestPorts, IngestReport, IngestRequest, LiveSource } from './types.js';
import { CANCELLED } from './source-error.js';

export type IngestStore = Pick<Store, 'upsertPapers' | 'recordSourceStatus'>;
export type IngestIndex = Pick<PaperIndex, 'get' | 'all' | 'upsert'>;

export const SERVICE_DEFAULTS = Object.freeze({
	/** stop() waits this long for a running ingest before the caller closes the store under it. */
	stopTimeoutMs: 5000,
});

/** The real ports: the Keyv store, the running search index (with seed twins folded), the bot's clock and logger. */
export function createIngestPorts(options: { store: IngestStore; index: IngestIndex; clock: () => Date; logger: Logger }): IngestPorts {
	const { store, clock } = options;
	const live = createLiveIndex(options.index);
	return {
		savePapers: (papers) => store.upsertPapers(papers, clock()),
		index: live,
		recordStatus: async (source, update) => {
			await store.recordSourceStatus(source, update);
		},
		clock,
		logger: options.logger,
		findExisting: (paper) => live.findExisting(paper),
	};
}

export interface IngestServiceOptions {
	config: Pick<Config, 'hfBaseUrl' | 'hfEnabled' | 'arxivBaseUrl' | 'arxivCategories' | 'sourceTimeoutMs' | 'ingestCron'>;
	store: IngestStore;
	index: IngestIndex;
	clock: () => Date;
	logger: Logger;
	/** Digest times `HH:MM` in `timezone` (default the server's): an extra run goes shortly before each. */
	extraTimes?: readonly string[];
	timezone?: string;
	/** Defaults to the configured sources; tests pass their own. */
	sources?: readonly LiveSource[];
	stopTimeoutMs?: number;
	/** Told after every ingest run (metrics): each source's outcome and papers added. */
	onReport?: (report: IngestReport) => void;
}

export interface IngestService {
	readonly sources: readonly LiveSource[];
	/** The cron expressions in force; empty when nothing is scheduled (no source on, or a bad expression). */
	readonly expressions: readonly string[];
	/** Ingests each source's latest listing now, or joins the run in flight. Never rejects. */
	runNow(request?: Pick<IngestRequest, 'date' | 'from' | 'to' | 'onProgress'>): Promise<IngestReport>;
	/** Replaces the pre-digest run times (subscriptions changed, or a daylight-saving shift moved them). */
	reschedule(extraTimes: readonly string[]): void;
	/** Stops the schedule and waits (bounded) for a running ingest, so the store can be closed after it. */
	stop(): Promise<void>;
}

/**
 * Ingests on the INGEST_CRON schedule plus shortly before digest times, into the store and the live index.
 * Nothing here throws out: a failing source, a bad schedule or a broken store is logged and the bot keeps
 * serving what it has.
 */
export function startIngestService(options: IngestServiceOptions): IngestService {
	const logger = options.logger.child({ component: 'ingest' });
	// Aborted on stop, so a retry wait or a slow source never holds shutdown or writes to a closed store.
	const shutdown = new AbortController();
	const sources = options.sources ?? createConfiguredSources(options.config, { logger, signal: shutdown.signal });
	const ports = createIngestPorts({ store: options.store, index: options.index, clock: options.clock, logger });
	let running: Promise<IngestReport> | undefined;
	let stopped = false;

	const runNow: IngestService['runNow'] = (request = {}) => {
		// A plain "latest" run joins one in flight; a run for named dates waits for it and then runs its own.
		if (running) return isLatest(request) ? running : running.then(() => runNow(request));
		if (stopped || sources.length === 0) return Promise.resolve(emptyReport());
		running = runIngest({ ...request, sources }, ports, logger).finally(() => {
			running = undefined;
		});
		running.then(
			(report) => options.onReport?.(report),
			() => {},
		);
		return running;
	};

	// Hugging Face is on by default, so this only shows when it was switched off (or in the offline sandbox).
	if (sources.length === 0)
		logger.warn('no live source is on (Hugging Face switched off, ARXIV_CATEGORIES empty): serving the seeds and the stored corpus only');
	let schedule = sources.length === 0 ? undefined : startSchedule(options, () => runNow(), logger);
	if (schedule) logger.info('ingest scheduled', { sources: sources.map((source) => source.name), cron: schedule.expressions });

	return {
		sources,
		get expressions() {
			return schedule?.expressions ?? [];
		},
		runNow,
		reschedule(extraTimes) {
			if (stopped || sources.length === 0) return;
			const previous = schedule;
			schedule = startSchedule({ ...options, extraTimes }, () => runNow(), logger);
			void previous?.stop().catch((error: unknown) => logger.warn('could not stop the previous ingest schedule', { error }));
			logger.debug('ingest rescheduled', { cron: schedule?.expressions });
		},
		async stop() {
			stopped = true;
			shutdown.abort();
			await schedule?.stop().catch((error: unknown) => logger.warn('could not stop the ingest schedule', { error }));
			if (running) await Promise.race([running, delay(options.stopTimeoutMs ?? SERVICE_DEFAULTS.stopTimeoutMs)]);
		},
	};
}

function isLatest(request: Pick<IngestRequest, 'date' | 'from' | 'to'>): boolean {
	return request.date === undefined && request.from === undefined && request.to === undefined;
}

async function runIngest(request: IngestRequest, ports: IngestPorts, logger: Logger): Promise<IngestReport> {
	try {
		const report = await ingestOnce(request, ports);
		const summary = { added: report.added, updated: report.updated, failed: report.failed };
		if (report.failed > 0 && !stoppedBy(report))
			logger.error('ingest finished with failing sources; the next run retries', { ...summary, errors: failures(report) });
		else logger.info('ingest finished', summary);
		return report;
	} catch (error) {
		// ingestOnce absorbs source failures; this is a bug or bad request, still not a reason to stop the bot.
		logger.error('ingest run failed', { error });
		return { ...emptyReport(), failed: request.sources.length };
	}
}

/** A bad INGEST_CRON or digest time must not stop the bot: fall back to the plain schedule, or to none. */
function startSchedule(options: IngestServiceOptions, run: () => Promise<unknown>, logger: Logger): IngestSchedule | undefined {
	const base = { cron: options.config.ingestCron, run, logger, ...(options.timezone ? { timezone: options.timezone } : {}) };
	if (options.extraTimes?.length) {
		try {
			return scheduleIngest({ ...base, extraTimes: options.extraTimes });
		} catch (error) {
			logger.error('cannot schedule the pre-digest ingest, using INGEST_CRON alone', { error, extraTimes: options.extraTimes });
		}
	}
	try {
		return scheduleIngest(base);
	} catch (error) {
		logger.error('cannot schedule the ingest: fix INGEST_CRON; papers are only fetched by "paperboy ingest"', { error, cron: options.config.ingestCron });
		return undefined;
	}
}

/**
 * The distinct wall-clock times, in the server's zone, at which today's digests are due: the pre-digest ingest
 * runs shortly before each. Paused schedules are left out; capped so ten thousand subscriptions stay a few crons.
 */
export function localDigestTimes(
	schedules: readonly Pick<DigestSchedule, 'time' | 'timezone' | 'paused'>[],
	now: Date,
	serverTimeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone,
	max = 24,
): string[] {
	// Computed once per distinct (zone, time): ten thousand schedules share a few dozen, so this stays sub-millisecond.
	const distinct = new Set<string>();
	for (const schedule of schedules) if (!schedule.paused) distinct.add(`${schedule.timezone}\n${schedule.time}`);
	const today = new Map<string, string>();
	const times = new Set<string>();
	for (const key of distinct) {
		const [timezone = '', time = ''] = key.split('\n');
		try {
			let day = today.get(timezone);
			if (day === undefined) today.set(timezone, (day = localClock(now, timezone).day));
			const { minutes } = localClock(slotInstant(day, time, timezone), serverTimeZone);
			times.add(`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
		} catch {
			// A stored zone the runtime no longer knows only costs that schedule its early ingest.
		}
	}
	return [...times].sort().slice(0, max);
}

/** Every failure in the report is a request cancelled by shutdown. */
function stoppedBy(report: IngestReport): boolean {
	return report.runs.every((run) => !run.error || run.error.includes(CANCELLED));
}

function failures(report: IngestReport): string[] {
	// The error text already names the source and URL.
	return report.runs.filter((run) => run.error).map((run) => `${run.date ? `${run.date}: ` : ''}${run.error}`);
}

function emptyReport(): IngestReport {
	return { runs: [], added: 0, updated: 0, failed: 0 };
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
