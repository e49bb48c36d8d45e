import { UserError } from '../../errors.js';
import type { Paper } from '../paper.js';
import { emptyCut, formatCut } from './cut.js';
import { mergePaper } from './merge.js';
import { isSourceError, isCancelled } from './source-error.js';
import type { IngestPorts, IngestReport, IngestRequest, LiveSource, SourceRunResult } from './types.js';

export const INGEST_LIMITS = Object.freeze({
	/** A backfill longer than a year is almost certainly a typo in --from/--to. */
	maxBackfillDays: 366,
	/** Rejected entries listed in one log line; the count is always logged. */
	loggedRejections: 5,
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * Fetches each source (for one day, a range of days, or the latest listing), merges the papers into the store
 * and the live index, and records each source's status. A failing source is logged with its URL and leaves
 * the store untouched; the other sources still ingest, and nothing here throws for a source failure.
 */
export async function ingestOnce(request: IngestRequest, ports: IngestPorts): Promise<IngestReport> {
	const dates = resolveDates(request);
	const report: IngestReport = { runs: [], added: 0, updated: 0, failed: 0 };
	for (const [position, date] of dates.entries()) {
		for (const source of request.sources) {
			const run = await ingestSource(source, date, ports);
			report.runs.push(run);
			report.added += run.added;
			report.updated += run.updated;
			if (run.error) report.failed += 1;
		}
		request.onProgress?.({ date, step: position + 1, total: dates.length, added: report.added, updated: report.updated, failed: report.failed });
	}
	return report;
}

async function ingestSource(source: LiveSource, date: string | undefined, ports: IngestPorts): Promise<SourceRunResult> {
	const run: SourceRunResult = { source: source.name, date, fetched: 0, rejected: 0, added: 0, updated: 0, ...emptyCut() };
	const logger = ports.logger.child({ source: source.name, ...(date ? { date } : {}) });
	const startedAt = ports.clock();
	let papers: Paper[];
	try {
		const batch = await source.fetchPapers({ ...(date ? { date } : {}), now: startedAt });
		run.fetched = batch.papers.length;
		run.rejected = batch.rejected.length;
		// The source has already warned about each response it cut, with its URL; the run keeps the totals.
		if (batch.cut) Object.assign(run, { truncated: batch.cut.truncated, droppedEntries: batch.cut.droppedEntries, invalidUtf8: batch.cut.invalidUtf8 });
		if (batch.rejected.length > 0) {
			logger.warn('source entries rejected', {
				url: batch.urls.at(-1),
				count: batch.rejected.length,
				first: batch.rejected.slice(0, INGEST_LIMITS.loggedRejections),
			});
		}
		papers = dedupe(batch.papers, ports);
	} catch (error) {
		return failRun(run, error, ports, logger);
	}
	try {
		const { added, updated } = await ports.savePapers(papers);
		await ports.index.upsert([...added, ...updated]);
		run.added = added.length;
		run.updated = updated.length;
	} catch (error) {
		return failRun(run, error, ports, logger);
	}
	// The cut counts are always sent, so a clean run clears what an earlier run cut.
	const cut = { lastTruncated: run.truncated, lastDroppedEntries: run.droppedEntries, lastInvalidUtf8: run.invalidUtf8 };
	await recordStatus(ports, source.name, { lastSuccessAt: ports.clock().toISOString(), added: run.added, ...cut }, logger);
	const cutText = formatCut(run);
	logger.info('source ingested', {
		fetched: run.fetched,
		added: run.added,
		updated: run.updated,
		rejected: run.rejected,
		...(cutText ? { cut: cutText } : {}),
	});
	return run;
}

async function failRun(run: SourceRunResult, error: unknown, ports: IngestPorts, logger: IngestPorts['logger']): Promise<SourceRunResult> {
	run.error = error instanceof Error ? error.message : String(error);
	if (isCancelled(error)) {
		// Shutting down is not a failure of the source: its status keeps saying what it last did.
		logger.info('source ingest cancelled: shutting down');
		return run;
	}
	logger.error('source ingest failed, keeping what is stored', { ...(isSourceError(error) ? { url: error.url } : {}), error });
	await recordStatus(ports, run.source, { lastErrorAt: ports.clock().toISOString(), lastError: run.error }, logger);
	return run;
}

async function recordStatus(ports: IngestPorts, source: string, status: Parameters<IngestPorts['recordStatus']>[1], logger: IngestPorts['logger']) {
	// A status that cannot be written must not undo an ingest that worked.
	await ports.recordStatus(source, status).catch((error: unknown) => logger.error('could not record source status', { error }));
}

/** Maps each paper onto an already known record (a seed has no arXiv id) and merges duplicates within the batch. */
function dedupe(papers: readonly Paper[], ports: IngestPorts): Paper[] {
	const byId = new Map<string, Paper>();
	for (const fetched of papers) {
		const knownId = ports.findExisting?.(fetched)?.id;
		const paper = knownId && knownId !== fetched.id ? { ...fetched, id: knownId } : fetched;
		byId.set(paper.id, mergePaper(byId.get(paper.id), paper));
	}
	return [...byId.values()];
}

/** The days to fetch: a range, one day, or `[undefined]` for each source's latest listing. */
export function resolveDates(request: Pick<IngestRequest, 'date' | 'from' | 'to'>): (string | undefined)[] {
	const { date, from, to } = request;
	if (date !== undefined && (from !== undefined || to !== undefined)) throw new UserError('Give either a date or a --from/--to range, not both.');
	if (from === undefined && to === undefined) return [date === undefined ? undefined : checkDay(date, 'date')];
	if (from === undefined || to === undefined) throw new UserError('A backfill needs both --from and --to (YYYY-MM-DD).');
	const start = Date.parse(`${checkDay(from, 'from')}T00:00:00Z`);
	const end = Date.parse(`${checkDay(to, 'to')}T00:00:00Z`);
	if (end < start) throw new UserError(`--from ${from} is after --to ${to}.`);
	const days = (end - start) / DAY_MS + 1;
	if (days > INGEST_LIMITS.maxBackfillDays) throw new UserError(`A backfill covers at most ${INGEST_LIMITS.maxBackfillDays} days (asked for ${days}).`);
	return Array.from({ length: days }, (_, index) => new Date(start + index * DAY_MS).toISOString().slice(0, 10));
}

function checkDay(value: string, name: string): string {
	const time = Date.parse(`${value}T00:00:00Z`);
	if (!DAY.test(value) || !Number.isFinite(time) || new Date(time).toISOString().slice(0, 10) !== value) {
		throw new UserError(`${name} must be a calendar day like 2026-03-14 (got ${JSON.stringify(value)}).`);
	}
	return value;
}
