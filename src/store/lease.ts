import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import { openCollection, type OpenedCollection, type RawNamespace } from './collection.js';
import { describeCause, StoreError } from './errors.js';
import { StoreMessages } from './messages.js';

export const LeaseDefaults = Object.freeze({
	/** A holder that stops renewing (killed, frozen, cut off) is presumed gone this long after its last renewal. */
	ttlMs: 30_000,
	/** Three renewals per TTL, so one slow or failed renewal does not lose the lease. */
	renewEveryMs: 10_000,
	/** A standing-by instance retries this often: it takes over at most this long after a release or an expiry. */
	pollEveryMs: 2_000,
});

/** Its own namespace on its own connection, opened and closed with the lease. */
export const LEASE_NAMESPACE = 'lease';
export const LEASE_KEY = 'database';

/** One per process: a bot restarted inside the same process (tests) reclaims its own lease instead of waiting out the TTL. */
const PROCESS_INSTANCE_ID = randomUUID();

/** The lease row: who runs the bot on this database. Instants are ISO strings, which compare as text. */
export interface LeaseRecord {
	instanceId: string;
	host: string;
	pid: number;
	since: string;
	renewedAt: string;
	expiresAt: string;
}

export interface LeaseOptions {
	ttlMs?: number;
	renewEveryMs?: number;
	pollEveryMs?: number;
	instanceId?: string;
	/** Wall-clock milliseconds (never the sandbox's movable clock: other processes compare against theirs). */
	now?: () => number;
	/** Runs before each renewal (the store's file check); its failure is logged, it never loses the lease. */
	beforeRenew?: () => Promise<unknown>;
	/** Called once when a renewal finds another holder (or ours expired unrenewed); renewals stop. */
	onLost?: (error: StoreError) => void;
	/** Aborting gives up standing by: acquireLease rejects. */
	signal?: AbortSignal;
}

export interface DatabaseLease {
	/** The database, as messages name it (the file, or the server URL with its password masked). */
	readonly file: string;
	/** The latest record this instance wrote. */
	readonly record: LeaseRecord;
	readonly lost: boolean;
	/** Renews now (the timer does it every renewEveryMs); false once the lease is lost or ended. */
	renew(): Promise<boolean>;
	/** Stops renewing and deletes the row if it is still ours: an instance standing by takes over at its next poll. */
	release(): Promise<void>;
	/** Stops renewing and closes the connection, leaving the row to expire: what a killed process leaves behind. */
	abandon(): Promise<void>;
}

/**
 * Takes the database's one lease, standing by until it is free: a holder that released it, or one whose lease
 * expired (killed, frozen). While standing by it logs a warning naming the holder, again whenever the holder
 * changes. Once held, the lease is renewed every renewEveryMs until released, abandoned or lost.
 * `database` is the DATABASE_URL (or a SQLite file's path); the lease opens its own connection to it.
 */
export async function acquireLease(database: string, logger: Logger, options: LeaseOptions = {}): Promise<DatabaseLease> {
	const ttlMs = options.ttlMs ?? LeaseDefaults.ttlMs;
	const renewEveryMs = options.renewEveryMs ?? LeaseDefaults.renewEveryMs;
	const pollEveryMs = options.pollEveryMs ?? LeaseDefaults.pollEveryMs;
	if (!(renewEveryMs > 0 && renewEveryMs < ttlMs && pollEveryMs > 0)) {
		throw new Error(`lease timings must satisfy 0 < renewEveryMs < ttlMs and pollEveryMs > 0 (got ${renewEveryMs}, ${ttlMs}, ${pollEveryMs})`);
	}
	const now = options.now ?? Date.now;
	const instanceId = options.instanceId ?? PROCESS_INSTANCE_ID;
	const connection = openCollection<LeaseRecord>(database, LEASE_NAMESPACE, logger);
	const file = connection.label;
	try {
		await connection.ready;
		let warnedAbout: string | undefined;
		let previous: LeaseRecord | undefined;
		for (;;) {
			options.signal?.throwIfAborted();
			// Read first so a take-over names whom it replaced, even when the old lease had expired before our first try.
			const before = await readHolder(connection.raw).catch(() => undefined);
			if (before && before.instanceId !== instanceId) previous = before;
			const at = now();
			const record: LeaseRecord = { instanceId, host: hostname(), pid: process.pid, since: iso(at), renewedAt: iso(at), expiresAt: iso(at + ttlMs) };
			if (await claim(connection.raw, record, at, ttlMs)) {
				logger.info('database lease acquired', { file, instanceId, host: record.host, pid: record.pid, since: record.since, ttlMs, renewEveryMs, ...(previous ? { previousHolder: previous } : {}) });
				return holdLease({ file, logger, connection, record, ttlMs, renewEveryMs, now, options });
			}
			const holder = await readHolder(connection.raw);
			if (holder && holder.instanceId !== warnedAbout) {
				logger.warn(`${StoreMessages.standingBy(file)} Holder: ${StoreMessages.describeHolder(holder)}.`, { file, holder, pollEveryMs });
				warnedAbout = holder.instanceId;
			}
			previous = holder ?? previous;
			await sleep(pollEveryMs, options.signal);
		}
	} catch (error) {
		await connection.close();
		throw error;
	}
}

interface HoldInput {
	file: string;
	logger: Logger;
	connection: OpenedCollection<LeaseRecord>;
	record: LeaseRecord;
	ttlMs: number;
	renewEveryMs: number;
	now: () => number;
	options: LeaseOptions;
}

function holdLease({ file, logger, connection, record, ttlMs, renewEveryMs, now, options }: HoldInput): DatabaseLease {
	let current = record;
	let state: 'held' | 'lost' | 'ended' = 'held';
	let inFlight: Promise<boolean> | undefined;

	const lose = (error: StoreError, holder?: LeaseRecord) => {
		if (state !== 'held') return;
		state = 'lost';
		clearInterval(timer);
		logger.error(error.message, { file, error, ...(holder ? { holder } : {}), ours: current });
		options.onLost?.(error);
	};
	const renewOnce = async (): Promise<boolean> => {
		await options.beforeRenew?.().catch((error: unknown) => logger.warn('database file check failed', { file, error }));
		if (state !== 'held') return false;
		const at = now();
		const next: LeaseRecord = { ...current, renewedAt: iso(at), expiresAt: iso(at + ttlMs) };
		try {
			if (await claim(connection.raw, next, at, ttlMs)) {
				current = next;
				return state === 'held';
			}
			const holder = await readHolder(connection.raw).catch(() => undefined);
			lose(new StoreError(`${StoreMessages.leaseLost(file)} It is now held by ${StoreMessages.describeHolder(holder)}.`, file, { kind: 'lease-lost' }), holder);
			return false;
		} catch (error) {
			if (at < Date.parse(current.expiresAt)) {
				logger.error('could not renew the database lease; retrying before it expires', { file, error, expiresAt: current.expiresAt });
				return state === 'held';
			}
			const reason = `it expired at ${current.expiresAt} without a renewal (${describeCause(error)}), so another instance may hold the database now`;
			lose(new StoreError(`${StoreMessages.leaseLost(file)} ${reason}.`, file, { kind: 'lease-lost', cause: error }));
			return false;
		}
	};
	const renew = (): Promise<boolean> => {
		if (state !== 'held') return Promise.resolve(false);
		// One renewal at a time: a slow one is joined, not raced by the timer's next.
		inFlight ??= renewOnce().finally(() => {
			inFlight = undefined;
		});
		return inFlight;
	};
	// Unref'd: the Discord connection keeps a running bot alive; a lease alone must not keep a stopped one.
	const timer = setInterval(() => void renew(), renewEveryMs).unref();

	const end = async (deleteRow: boolean) => {
		const wasHeld = state === 'held';
		state = 'ended';
		clearInterval(timer);
		await inFlight?.catch(() => undefined);
		if (deleteRow && wasHeld) {
			try {
				await releaseIfOurs(connection.raw, current.instanceId);
				logger.info('database lease released', { file, instanceId: current.instanceId });
			} catch (error) {
				logger.warn('could not release the database lease; it expires on its own', { file, error, expiresAt: current.expiresAt });
			}
		}
		await connection.close();
	};
	return {
		file,
		get record() {
			return current;
		},
		get lost() {
			return state === 'lost';
		},
		renew,
		release: () => end(true),
		abandon: () => end(false),
	};
}

/**
 * Reads the row, decides (free, ours, expired or unreadable: claimable), then writes it with a compare-and-set
 * on exactly what was read: an atomic statement in SQL, SET NX PX or a script in Redis. Two instances racing
 * for the row cannot both win; the loser reads what the winner wrote and decides again.
 */
async function claim(raw: RawNamespace, record: LeaseRecord, at: number, ttlMs: number): Promise<boolean> {
	for (let attempt = 0; attempt < 3; attempt += 1) {
		const stored = (await raw.read([LEASE_KEY])).get(LEASE_KEY);
		const holder = stored === undefined ? undefined : holderIn(raw, stored);
		const claimable = holder === undefined || holder.instanceId === record.instanceId || String(holder.expiresAt ?? '') <= iso(at);
		if (!claimable) return false;
		// The server-side TTL only cleans up after a killed holder; the decision always goes by expiresAt.
		if ((await raw.swap([{ key: LEASE_KEY, expected: stored, next: raw.encode(record), ttlMs }])).length > 0) return true;
	}
	return false;
}

/** Deletes the row only while it is still ours, with a compare-and-set on the row read. */
async function releaseIfOurs(raw: RawNamespace, instanceId: string): Promise<void> {
	const stored = (await raw.read([LEASE_KEY])).get(LEASE_KEY);
	if (stored === undefined || holderIn(raw, stored)?.instanceId !== instanceId) return;
	await raw.swap([{ key: LEASE_KEY, expected: stored, next: undefined }]);
}

async function readHolder(raw: RawNamespace): Promise<LeaseRecord | undefined> {
	const stored = (await raw.read([LEASE_KEY])).get(LEASE_KEY);
	return stored === undefined ? undefined : holderIn(raw, stored);
}

/** An unreadable row (not JSON, not an envelope, not a record) holds nobody. */
function holderIn(raw: RawNamespace, stored: string): LeaseRecord | undefined {
	const row = raw.decode<LeaseRecord>(stored);
	return row.readable && row.value !== null && typeof row.value === 'object' && typeof row.value.instanceId === 'string' ? row.value : undefined;
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

/** Ref'd on purpose: a process standing by has nothing else keeping it alive. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
