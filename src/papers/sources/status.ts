import { formatCut } from './cut.js';
import type { SourceStatus, SourceStatusUpdate } from './types.js';

const CUT_KEYS = ['lastTruncated', 'lastDroppedEntries', 'lastInvalidUtf8'] as const;

/** How a store folds one ingest's report into the kept status: latest times, error and cut, a running total added. */
export function applyStatusUpdate(previous: SourceStatus | undefined, update: SourceStatusUpdate): SourceStatus {
	const next: SourceStatus = { ...previous };
	if (update.lastSuccessAt !== undefined) next.lastSuccessAt = update.lastSuccessAt;
	if (update.lastErrorAt !== undefined) next.lastErrorAt = update.lastErrorAt;
	if (update.lastError !== undefined) next.lastError = update.lastError;
	if (update.added !== undefined) next.added = (previous?.added ?? 0) + update.added;
	// A run that cut nothing clears what an earlier one cut.
	for (const key of CUT_KEYS) {
		const count = update[key];
		if (count === undefined) continue;
		if (count > 0) next[key] = count;
		else delete next[key];
	}
	return next;
}

/** `9,500 entries over the page cap dropped, 2 fields shortened`: what the last successful fetch cut, or ''. */
export function formatStatusCut(status: Pick<SourceStatus, (typeof CUT_KEYS)[number]> | undefined): string {
	if (!status) return '';
	return formatCut({ truncated: status.lastTruncated, droppedEntries: status.lastDroppedEntries, invalidUtf8: status.lastInvalidUtf8 });
}

/** One line per source for `paperboy sources` and `/paper stats`; an error newer than the last success is flagged. */
export function formatSourceStatus(name: string, status: SourceStatus | undefined, enabled = true): string {
	if (!enabled) return `${name}: off`;
	if (!status || (!status.lastSuccessAt && !status.lastErrorAt)) return `${name}: never fetched`;
	const parts = [`${name}: last success ${status.lastSuccessAt ?? 'never'}`, `${status.added ?? 0} papers added`];
	const cut = formatStatusCut(status);
	if (cut) parts.push(`last fetch cut to the limits: ${cut}`);
	if (status.lastError && status.lastErrorAt) {
		const failing = !status.lastSuccessAt || status.lastErrorAt > status.lastSuccessAt;
		parts.push(`${failing ? 'FAILING since' : 'last error'} ${status.lastErrorAt}: ${status.lastError}`);
	}
	return parts.join(', ');
}
