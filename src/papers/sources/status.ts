import type { SourceStatus, SourceStatusUpdate } from './types.js';

/** How a store folds one ingest's report into the kept status: latest times and error, a running total added. */
export function applyStatusUpdate(previous: SourceStatus | undefined, update: SourceStatusUpdate): SourceStatus {
	const next: SourceStatus = { ...previous };
	if (update.lastSuccessAt !== undefined) next.lastSuccessAt = update.lastSuccessAt;
	if (update.lastErrorAt !== undefined) next.lastErrorAt = update.lastErrorAt;
	if (update.lastError !== undefined) next.lastError = update.lastError;
	if (update.added !== undefined) next.added = (previous?.added ?? 0) + update.added;
	return next;
}

/** One line per source for `paperboy sources` and `/paper stats`; an error newer than the last success is flagged. */
export function formatSourceStatus(name: string, status: SourceStatus | undefined, enabled = true): string {
	if (!enabled) return `${name}: off`;
	if (!status || (!status.lastSuccessAt && !status.lastErrorAt)) return `${name}: never fetched`;
	const parts = [`${name}: last success ${status.lastSuccessAt ?? 'never'}`, `${status.added ?? 0} papers added`];
	if (status.lastError && status.lastErrorAt) {
		const failing = !status.lastSuccessAt || status.lastErrorAt > status.lastSuccessAt;
		parts.push(`${failing ? 'FAILING since' : 'last error'} ${status.lastErrorAt}: ${status.lastError}`);
	}
	return parts.join(', ');
}
