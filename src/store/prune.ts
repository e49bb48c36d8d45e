import { DigestWindow } from '../digests/compose.js';
import { addDays } from '../digests/local-time.js';
import type { Logger } from '../log.js';
import type { RawChange, RawRow } from './backend.js';
import type { RawNamespace } from './collection.js';
import { PAPER_FEED_NAMESPACE, prunePaperFeed } from './paper-feed.js';
import type { DeliveryRecord } from './records.js';
import { QUERY_MEMO_TTL_MS, type Store } from './store.js';
import { yieldToInteractions } from '../interactive-priority.js';

/**
 * Keeps the database bounded: expired query memos are deleted, `sent` maps are trimmed to what a digest
 * window can still reach, and the delivery records of targets that are gone (unsubscribed channels,
 * unfollowed users) are deleted once they can no longer matter. Every change is a compare-and-set on the
 * row as it was read (the backend's `swap`: one statement per batch in SQL, a script in Redis), so a digest
 * or a command writing at the same moment is never undone: that row is left for the next run.
 *
 * It works on Keyv's envelopes (`{"value": …, "expires": <ms>}`) through Store.raw, the same on every
 * engine. Rows that are not JSON envelopes are left alone (they are reported elsewhere).
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The bot prunes once a day. */
export const PRUNE_INTERVAL_MS = DAY_MS;

/** The first prune waits for start-up's own work (the catch-up digest pass, the first ingest): it is never urgent. */
export const PRUNE_STARTUP_DELAY_MS = 5 * 60 * 1000;

/**
 * A removed target's delivery record is deleted this long after its last digest (or attempt). Deleting it
 * can only make a re-subscribed target repeat papers still inside its first window (listed within
 * DigestWindow.firstLookbackDays of the new digest); those were all sent within the last keepSentDays
 * (8 days), so any grace past that is safe. 30 days is a wide margin on top: unsubscribing and
 * re-subscribing within a month keeps the whole history, and costs only the records of a month's churn.
 */
export const REMOVED_TARGET_GRACE_DAYS = 30;

export interface PruneReport {
	/** Query memos deleted because their TTL had passed. */
	expiredQueries: number;
	/** Query memos written before memos expired, given an expiry now. */
	adoptedQueries: number;
	/** Delivery records of removed targets deleted after the grace period. */
	removedTargets: number;
	/** Delivery records whose `sent` map lost ids too old for any window. */
	trimmedRecords: number;
	/** Paper feed entries older than its retention (src/store/paper-feed.ts). */
	feedEntries: number;
	ms: number;
}

export type PruneStore = Pick<Store, 'raw'>;

export async function pruneStore(store: PruneStore, now: Date, logger: Logger): Promise<PruneReport> {
	const started = performance.now();
	const adoptedQueries = await adoptLegacyMemos(store.raw('queries'), now);
	const expiredQueries = await deleteExpiredMemos(store.raw('queries'), now);
	const trimmedRecords = await trimSentMaps(store.raw('deliveries'), now);
	const removedTargets = await deleteRemovedTargets(store, now);
	// The feed's keys are wall-clock instants, so its cut-off is too (the sandbox's `now` may be days ahead).
	const feedEntries = await prunePaperFeed(store.raw(PAPER_FEED_NAMESPACE), Date.now());
	const report = { expiredQueries, adoptedQueries, removedTargets, trimmedRecords, feedEntries, ms: Math.round(performance.now() - started) };
	logger.info('store pruned', { ...report });
	return report;
}

/** A row whose text is a JSON envelope; `envelope` is that JSON as stored (Keyv's escapes kept as they are). */
interface ReadableRow<T> {
	key: string;
	text: string;
	envelope: { value: T; expires?: unknown } & Record<string, unknown>;
	value: T;
	expires?: number;
}

/** Rows handled per turn of the event loop: a prune over 10,000 records must not hold up interactions. */
const ROWS_PER_TURN = 500;
const nextTurn = yieldToInteractions;

/**
 * The envelopes as raw JSON (plain JSON.parse, no Keyv reviver): a rewrite keeps every string exactly as Keyv
 * escaped it, as SQL's json_set would, and the native parser is several times faster on 10,000 records.
 */
async function readableRows<T>(raw: RawNamespace): Promise<Array<ReadableRow<T>>> {
	const rows: Array<ReadableRow<T>> = [];
	const listed = await raw.list();
	for (let index = 0; index < listed.length; index += 1) {
		if (index > 0 && index % ROWS_PER_TURN === 0) await nextTurn();
		const [key, text] = listed[index] as RawRow;
		let envelope: unknown;
		try {
			envelope = JSON.parse(text);
		} catch {
			continue;
		}
		if (envelope === null || typeof envelope !== 'object' || (envelope as { value?: unknown }).value === undefined) continue;
		const typed = envelope as ReadableRow<T>['envelope'];
		rows.push({ key, text, envelope: typed, value: typed.value, ...(typeof typed.expires === 'number' ? { expires: typed.expires } : {}) });
	}
	return rows;
}

/** The row with a new value (or expiry), everything else in its envelope kept; Redis keeps its TTL in step. */
function rewrite<T>(row: ReadableRow<T>, value: T, now: Date, expires = row.expires): RawChange {
	const ttlMs = expires === undefined ? undefined : Math.max(1, expires - now.getTime());
	const next = JSON.stringify({ ...row.envelope, value, ...(expires === undefined ? {} : { expires }) });
	return { key: row.key, expected: row.text, next, ...(ttlMs === undefined ? {} : { ttlMs }) };
}

/** Memos stored before they had a TTL would never expire: they get one, counted from now. */
async function adoptLegacyMemos(raw: RawNamespace, now: Date): Promise<number> {
	const expires = now.getTime() + QUERY_MEMO_TTL_MS;
	const changes = (await readableRows(raw)).filter((row) => row.expires === undefined).map((row) => rewrite(row, row.value, now, expires));
	return changes.length === 0 ? 0 : (await raw.swap(changes)).length;
}

/** Keyv hides an expired entry from `get` but never deletes it from a SQL table; this does. */
async function deleteExpiredMemos(raw: RawNamespace, now: Date): Promise<number> {
	const changes = (await readableRows(raw))
		.filter((row) => row.expires !== undefined && row.expires < now.getTime())
		.map((row) => ({ key: row.key, expected: row.text, next: undefined }));
	return changes.length === 0 ? 0 : (await raw.swap(changes)).length;
}

/**
 * The first listing day any target's `sent` map must still cover at `now`. A target's local day trails the
 * UTC day by at most one, and its next digest's window starts no earlier than maxLookbackDays before that:
 * DigestWindow.keepSentDays (maxLookbackDays + 1) before the UTC day.
 */
export function sentFloor(now: Date): string {
	return addDays(now.toISOString().slice(0, 10), -DigestWindow.keepSentDays);
}

/**
 * Delivery writes trim too (recordSent), but only for targets that still get digests: this bounds paused
 * and removed targets, whose records are not written again.
 */
async function trimSentMaps(raw: RawNamespace, now: Date): Promise<number> {
	const floor = sentFloor(now);
	const changes: RawChange[] = [];
	const rows = await readableRows<{ sent?: unknown }>(raw);
	for (const [index, row] of rows.entries()) {
		if (index > 0 && index % ROWS_PER_TURN === 0) await nextTurn();
		const sent = row.value?.sent;
		if (sent === null || typeof sent !== 'object' || Array.isArray(sent)) continue;
		const kept = Object.entries(sent).filter(([, listedOn]) => typeof listedOn === 'string' && listedOn >= floor);
		if (kept.length === Object.keys(sent).length) continue;
		changes.push(rewrite(row, { ...row.value, sent: Object.fromEntries(kept) }, now));
	}
	return changes.length === 0 ? 0 : (await raw.swap(changes)).length;
}

/**
 * Targets are read from the keys alone, so an unreadable subscription still protects its delivery record.
 * The delete is a compare-and-set on the record as read: a record written since it was listed stays.
 */
async function deleteRemovedTargets(store: PruneStore, now: Date): Promise<number> {
	const keys = async (namespace: 'subscriptions' | 'follows') => (await store.raw(namespace).list()).map(([key]) => key);
	const active = new Set<string>();
	// Subscriptions are keyed `<guildId>:<channelId>[:<name>]`, follows `<userId>[:foryou]`; delivery records
	// `channel:<channelId>[:<name>]` / `user:<userId>[:foryou]`.
	for (const key of await keys('subscriptions')) active.add(`channel:${key.slice(key.indexOf(':') + 1)}`);
	for (const key of await keys('follows')) active.add(`user:${key}`);
	const before = new Date(now.getTime() - REMOVED_TARGET_GRACE_DAYS * DAY_MS).toISOString();
	const deliveries = store.raw('deliveries');
	const changes: RawChange[] = [];
	for (const row of await readableRows<Partial<DeliveryRecord>>(deliveries)) {
		if (!(row.key.startsWith('channel:') || row.key.startsWith('user:')) || active.has(row.key)) continue;
		if (lastActivity(row.value) < before) changes.push({ key: row.key, expected: row.text, next: undefined });
	}
	return changes.length === 0 ? 0 : (await deliveries.swap(changes)).length;
}

/** The latest instant the record was written for: its last digest or the attempt in progress. */
function lastActivity(record: Partial<DeliveryRecord> | null): string {
	const at = (value: unknown) => (typeof value === 'string' ? value : '');
	const outcome = at(record?.lastOutcome?.at);
	const pending = at(record?.pending?.at);
	return outcome > pending ? outcome : pending;
}

export interface PruneJob {
	/** Prunes now, or waits for the prune in progress; a failure is logged and answers `undefined`. */
	runNow(): Promise<PruneReport | undefined>;
	/** No further runs; waits for one in progress (the store must not close under it). */
	stop(): Promise<void>;
}

export interface PruneJobOptions {
	store: PruneStore;
	clock: () => Date;
	logger: Logger;
	intervalMs?: number;
	startupDelayMs?: number;
}

/** Prunes PRUNE_STARTUP_DELAY_MS after start, then every PRUNE_INTERVAL_MS. The timers never hold the process open. */
export function startPruneJob({ store, clock, logger, intervalMs = PRUNE_INTERVAL_MS, startupDelayMs = PRUNE_STARTUP_DELAY_MS }: PruneJobOptions): PruneJob {
	let running: Promise<PruneReport | undefined> | undefined;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	const runNow = () => {
		if (stopped) return Promise.resolve(undefined);
		running ??= pruneStore(store, clock(), logger)
			.catch((error: unknown) => {
				logger.error('store prune failed; tried again at the next run', { error });
				return undefined;
			})
			.finally(() => {
				running = undefined;
			});
		return running;
	};
	const schedule = (ms: number) => {
		timer = setTimeout(() => {
			void runNow().then(() => {
				if (!stopped) schedule(intervalMs);
			});
		}, ms).unref();
	};
	schedule(startupDelayMs);
	return {
		runNow,
		stop: async () => {
			stopped = true;
			clearTimeout(timer);
			await running;
		},
	};
}
