import { DigestWindow } from '../digests/compose.js';
import { addDays } from '../digests/local-time.js';
import type { Logger } from '../log.js';
import { QUERY_MEMO_TTL_MS, type Store } from './store.js';

/**
 * Keeps the database bounded: expired query memos are deleted, `sent` maps are trimmed to what a digest
 * window can still reach, and the delivery records of targets that are gone (unsubscribed channels,
 * unfollowed users) are deleted once they can no longer matter. Every step is one SQL statement that
 * re-checks its condition on the row it changes, so a digest or a command writing at the same moment is
 * never undone: a trim only removes ids, a delete only takes a record nobody touched in the grace period.
 *
 * It works on Keyv's layout (src/store/collection.ts): table `keyv`, keys `<namespace>:<key>`, values JSON
 * `{"value": …, "expires": <ms>}`. Rows that are not valid JSON are left alone (they are reported elsewhere).
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
	ms: number;
}

export type PruneStore = Pick<Store, 'query'>;

export async function pruneStore(store: PruneStore, now: Date, logger: Logger): Promise<PruneReport> {
	const started = performance.now();
	const adoptedQueries = await adoptLegacyMemos(store, now);
	const expiredQueries = await deleteExpiredMemos(store, now);
	const trimmedRecords = await trimSentMaps(store, now);
	const removedTargets = await deleteRemovedTargets(store, now);
	const report = { expiredQueries, adoptedQueries, removedTargets, trimmedRecords, ms: Math.round(performance.now() - started) };
	logger.info('store pruned', { ...report });
	return report;
}

/** `[low, high)` covering exactly the keys of `namespace` (`;` is the character after `:`). */
function range(namespace: string): [string, string] {
	return [`${namespace}:`, `${namespace};`];
}

/** The column `value` as JSON, or NULL for a row that is not JSON (so no condition on it can hold). */
const jsonValue = `(CASE WHEN json_valid(keyv.value) THEN keyv.value END)`;

/** Memos stored before they had a TTL would never expire: they get one, counted from now. */
async function adoptLegacyMemos(store: PruneStore, now: Date): Promise<number> {
	const rows = await store.query(
		`UPDATE keyv SET value = json_set(value, '$.expires', ?) WHERE key >= ? AND key < ? AND json_valid(value) AND json_type(${jsonValue}, '$.expires') IS NULL RETURNING key`,
		now.getTime() + QUERY_MEMO_TTL_MS,
		...range('queries'),
	);
	return rows.length;
}

/** Keyv hides an expired entry from `get` but never deletes it from SQLite; this does. */
async function deleteExpiredMemos(store: PruneStore, now: Date): Promise<number> {
	const rows = await store.query(`DELETE FROM keyv WHERE key >= ? AND key < ? AND json_extract(${jsonValue}, '$.expires') < ? RETURNING key`, ...range('queries'), now.getTime());
	return rows.length;
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
async function trimSentMaps(store: PruneStore, now: Date): Promise<number> {
	const floor = sentFloor(now);
	const rows = await store.query(
		`UPDATE keyv SET value = json_set(value, '$.value.sent', json((SELECT json_group_object(entry.key, entry.value) FROM json_each(keyv.value, '$.value.sent') AS entry WHERE entry.value >= ?)))
		WHERE key >= ? AND key < ? AND json_type(${jsonValue}, '$.value.sent') = 'object'
			AND EXISTS (SELECT 1 FROM json_each(${jsonValue}, '$.value.sent') AS entry WHERE entry.value < ?)
		RETURNING key`,
		floor,
		...range('deliveries'),
		floor,
	);
	return rows.length;
}

/**
 * Targets are read from the keys alone, so an unreadable subscription still protects its delivery record.
 * The delete re-checks the last activity in the same statement: a record written since it was listed stays.
 */
async function deleteRemovedTargets(store: PruneStore, now: Date): Promise<number> {
	const keys = async (namespace: string) => ((await store.query(`SELECT key FROM keyv WHERE key >= ? AND key < ?`, ...range(namespace))) as Array<{ key: string }>).map((row) => row.key.slice(namespace.length + 1));
	const active = new Set<string>();
	// Subscriptions are keyed `<guildId>:<channelId>`, follows `<userId>`; delivery records `channel:<id>` / `user:<id>`.
	for (const key of await keys('subscriptions')) active.add(`channel:${key.slice(key.lastIndexOf(':') + 1)}`);
	for (const key of await keys('follows')) active.add(`user:${key}`);
	const removed = (await keys('deliveries')).filter((key) => (key.startsWith('channel:') || key.startsWith('user:')) && !active.has(key)).map((key) => `deliveries:${key}`);
	if (removed.length === 0) return 0;
	const before = new Date(now.getTime() - REMOVED_TARGET_GRACE_DAYS * DAY_MS).toISOString();
	const lastActivity = `max(coalesce(json_extract(${jsonValue}, '$.value.lastOutcome.at'), ''), coalesce(json_extract(${jsonValue}, '$.value.pending.at'), ''))`;
	const rows = await store.query(
		`DELETE FROM keyv WHERE key IN (SELECT value FROM json_each(?)) AND json_valid(value) AND ${lastActivity} < ? RETURNING key`,
		JSON.stringify(removed),
		before,
	);
	return rows.length;
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
