import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import type { RawChange } from './backend.js';
import { openCollection, type RawNamespace } from './collection.js';
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

/** Its own namespace on its own connection, opened and closed with the lease (or shared by a process's leases). */
export const LEASE_NAMESPACE = 'lease';
/** The default lease: one holder per database (tools, tests). The bot holds `shard:<i>/<n>` and `leader` instead. */
export const LEASE_KEY = 'database';

/** One per process: a bot restarted inside the same process (tests) reclaims its own lease instead of waiting out the TTL. */
const PROCESS_INSTANCE_ID = randomUUID();

/** This process's instance id: what its leases, and the paper feed entries it writes, are signed with. */
export function processInstanceId(): string {
	return PROCESS_INSTANCE_ID;
}

/** One connection to the lease namespace, shared by every lease a process holds (its shards, the leader lease). */
export interface LeaseConnection {
	readonly file: string;
	readonly raw: RawNamespace;
	readonly ready: Promise<void>;
	close(): Promise<void>;
}

export function openLeaseConnection(database: string, logger: Logger): LeaseConnection {
	const opened = openCollection<LeaseRecord>(database, LEASE_NAMESPACE, logger);
	return { file: opened.label, raw: opened.raw, ready: opened.ready, close: () => opened.close() };
}

/** How a lease names itself in log lines and warnings; the defaults are the one-per-database lease's. */
export interface LeaseWording {
	/** Log lines say `<label> acquired` / `<label> released`; default `database lease`. */
	label: string;
	/** The line logged while standing by, naming the holder once per holder; default the one-instance warning. */
	standingBy: (file: string, holder: LeaseRecord) => { level: 'warn' | 'info'; message: string };
	/** The start of the error logged when a renewal finds the lease taken; default StoreMessages.leaseLost. */
	lost: (file: string) => string;
}

const DATABASE_WORDING: LeaseWording = Object.freeze({
	label: 'database lease',
	standingBy: (file: string, holder: LeaseRecord) => ({
		level: 'warn' as const,
		message: `${StoreMessages.standingBy(file)} Holder: ${StoreMessages.describeHolder(holder)}.`,
	}),
	lost: StoreMessages.leaseLost,
});

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
	/** The lease's key in the lease namespace; default LEASE_KEY (one holder per database). */
	name?: string;
	wording?: Partial<LeaseWording>;
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
	/**
	 * Checked before each claim: a holder of something this lease must not run beside (another shard count on the
	 * same database) makes this instance stand by, with `message` logged as a warning once per such holder.
	 */
	blockedBy?: () => Promise<{ holder: LeaseRecord; message: string } | undefined>;
	/** The holder seen by an earlier try, named as the previous holder if the row is gone by now (Redis drops it on expiry). */
	lastKnownHolder?: LeaseRecord;
}

export interface DatabaseLease {
	/** The lease's key (LEASE_KEY, `shard:<i>/<n>`, `leader`). */
	readonly name: string;
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
 * Takes a lease (the database's one by default, or `options.name`), standing by until it is free: a holder that
 * released it, or one whose lease expired (killed, frozen). While standing by it logs a warning naming the holder,
 * again whenever the holder changes. Once held, the lease is renewed every renewEveryMs until released, abandoned
 * or lost. `database` is the DATABASE_URL (or a SQLite file's path), on which the lease opens (and on release or
 * abandon closes) its own connection, or a LeaseConnection shared with the process's other leases.
 */
export async function acquireLease(database: string | LeaseConnection, logger: Logger, options: LeaseOptions = {}): Promise<DatabaseLease> {
	const lease = await takeLease(database, logger, options, true);
	if (!lease) throw new Error('unreachable: a standing-by lease returned without the lease');
	return lease;
}

/** One try at the lease, without standing by: the held lease, or undefined while another holds it (nothing logged). */
export function tryAcquireLease(connection: LeaseConnection, logger: Logger, options: LeaseOptions = {}): Promise<DatabaseLease | undefined> {
	return takeLease(connection, logger, options, false);
}

/** Who holds a lease now (expired or not); undefined when nobody does. */
export async function readLeaseHolder(connection: LeaseConnection, name: string): Promise<LeaseRecord | undefined> {
	return readHolder(connection.raw, name);
}

async function takeLease(database: string | LeaseConnection, logger: Logger, options: LeaseOptions, standBy: boolean): Promise<DatabaseLease | undefined> {
	const ttlMs = options.ttlMs ?? LeaseDefaults.ttlMs;
	const renewEveryMs = options.renewEveryMs ?? LeaseDefaults.renewEveryMs;
	const pollEveryMs = options.pollEveryMs ?? LeaseDefaults.pollEveryMs;
	if (!(renewEveryMs > 0 && renewEveryMs < ttlMs && pollEveryMs > 0)) {
		throw new Error(`lease timings must satisfy 0 < renewEveryMs < ttlMs and pollEveryMs > 0 (got ${renewEveryMs}, ${ttlMs}, ${pollEveryMs})`);
	}
	const now = options.now ?? Date.now;
	const instanceId = options.instanceId ?? PROCESS_INSTANCE_ID;
	const key = options.name ?? LEASE_KEY;
	const wording: LeaseWording = { ...DATABASE_WORDING, ...options.wording };
	const ownsConnection = typeof database === 'string';
	const connection = typeof database === 'string' ? openLeaseConnection(database, logger) : database;
	const file = connection.file;
	try {
		await connection.ready;
		let warnedAbout: string | undefined;
		let previous: LeaseRecord | undefined = options.lastKnownHolder?.instanceId === instanceId ? undefined : options.lastKnownHolder;
		for (;;) {
			options.signal?.throwIfAborted();
			const blocker = await options.blockedBy?.();
			if (!blocker) {
				// Read first so a take-over names whom it replaced, even when the old lease had expired before our first try.
				const before = await readHolder(connection.raw, key).catch(() => undefined);
				if (before && before.instanceId !== instanceId) previous = before;
				const at = now();
				const record: LeaseRecord = { instanceId, host: hostname(), pid: process.pid, since: iso(at), renewedAt: iso(at), expiresAt: iso(at + ttlMs) };
				if (await claim(connection.raw, key, record, at)) {
					logger.info(`${wording.label} acquired`, {
						lease: key,
						file,
						instanceId,
						host: record.host,
						pid: record.pid,
						since: record.since,
						ttlMs,
						renewEveryMs,
						...(previous ? { previousHolder: previous } : {}),
					});
					return holdLease({ key, file, logger, connection, ownsConnection, wording, record, ttlMs, renewEveryMs, now, options });
				}
			}
			if (!standBy) {
				if (ownsConnection) await connection.close();
				return undefined;
			}
			const holder = blocker?.holder ?? (await readHolder(connection.raw, key));
			if (holder && holder.instanceId !== warnedAbout) {
				const line = blocker ? { level: 'warn' as const, message: blocker.message } : wording.standingBy(file, holder);
				logger[line.level](line.message, { lease: key, file, holder, pollEveryMs });
				warnedAbout = holder.instanceId;
			}
			if (!blocker) previous = holder ?? previous;
			await sleep(pollEveryMs, options.signal);
		}
	} catch (error) {
		if (ownsConnection) await connection.close();
		throw error;
	}
}

interface HoldInput {
	key: string;
	file: string;
	logger: Logger;
	connection: LeaseConnection;
	/** Opened for this lease alone: closed when it ends. */
	ownsConnection: boolean;
	wording: LeaseWording;
	record: LeaseRecord;
	ttlMs: number;
	renewEveryMs: number;
	now: () => number;
	options: LeaseOptions;
}

function holdLease({ key, file, logger, connection, ownsConnection, wording, record, ttlMs, renewEveryMs, now, options }: HoldInput): DatabaseLease {
	let current = record;
	let state: 'held' | 'lost' | 'ended' = 'held';
	let inFlight: Promise<boolean> | undefined;

	const lose = (error: StoreError, holder?: LeaseRecord) => {
		if (state !== 'held') return;
		state = 'lost';
		leaveGroup(connection.raw, member);
		logger.error(error.message, { lease: key, file, error, ...(holder ? { holder } : {}), ours: current });
		options.onLost?.(error);
	};
	const renewOnce = async (claimIn: ClaimIn): Promise<boolean> => {
		await options.beforeRenew?.().catch((error: unknown) => logger.warn('database file check failed', { file, error }));
		if (state !== 'held') return false;
		const at = now();
		const next: LeaseRecord = { ...current, renewedAt: iso(at), expiresAt: iso(at + ttlMs) };
		const outcome = await claimIn({ key, record: next, at });
		if ('won' in outcome) {
			if (outcome.won) {
				current = next;
				return state === 'held';
			}
			const holder = await readHolder(connection.raw, key).catch(() => undefined);
			lose(new StoreError(`${wording.lost(file)} It is now held by ${StoreMessages.describeHolder(holder)}.`, file, { kind: 'lease-lost' }), holder);
			return false;
		}
		const { error } = outcome;
		if (at < Date.parse(current.expiresAt)) {
			logger.error(`could not renew the ${wording.label}; retrying before it expires`, { lease: key, file, error, expiresAt: current.expiresAt });
			return state === 'held';
		}
		const reason = `it expired at ${current.expiresAt} without a renewal (${describeCause(error)}), so another instance may hold the database now`;
		lose(new StoreError(`${wording.lost(file)} ${reason}.`, file, { kind: 'lease-lost', cause: error }));
		return false;
	};
	// One renewal at a time: a slow one is joined, not raced by the next round.
	const renewWith = (claimIn: ClaimIn): Promise<boolean> => {
		if (state !== 'held') return Promise.resolve(false);
		inFlight ??= renewOnce(claimIn).finally(() => {
			inFlight = undefined;
		});
		return inFlight;
	};
	const member: RenewalMember = { renewEveryMs, renewIn: renewWith };
	// Renewed with the connection's other leases, in one compare-and-set per round (src/store/lease.ts, renewTogether).
	joinGroup(connection.raw, member);

	const end = async (deleteRow: boolean) => {
		const wasHeld = state === 'held';
		state = 'ended';
		leaveGroup(connection.raw, member);
		await inFlight?.catch(() => undefined);
		if (deleteRow && wasHeld) {
			try {
				await releaseIfOurs(connection.raw, key, current.instanceId);
				logger.info(`${wording.label} released`, { lease: key, file, instanceId: current.instanceId });
			} catch (error) {
				logger.warn(`could not release the ${wording.label}; it expires on its own`, { lease: key, file, error, expiresAt: current.expiresAt });
			}
		}
		if (ownsConnection) await connection.close();
	};
	return {
		name: key,
		file,
		get record() {
			return current;
		},
		get lost() {
			return state === 'lost';
		},
		renew: () => renewWith((claim) => claimOutcomes(connection.raw, [claim]).then(([outcome]) => outcome as ClaimOutcome)),
		release: () => end(true),
		abandon: () => end(false),
	};
}

interface PendingClaim {
	key: string;
	record: LeaseRecord;
	at: number;
}

type ClaimOutcome = { won: boolean } | { error: unknown };
type ClaimIn = (claim: PendingClaim) => Promise<ClaimOutcome>;

interface RenewalMember {
	renewEveryMs: number;
	/** One renewal whose claim goes through `claimIn` (a batch with the connection's other leases, or alone). */
	renewIn(claimIn: ClaimIn): Promise<boolean>;
}

interface RenewalGroup {
	members: Set<RenewalMember>;
	everyMs: number;
	timer?: NodeJS.Timeout;
	running?: Promise<void>;
}

/**
 * The leases held on one connection (a process's shards and its leader lease) renew together: one timer, one
 * read and one compare-and-set per round, whatever their number. A hundred shards cost one statement every
 * renewEveryMs, not a hundred; and on SQLite, fewer writes are fewer moments a frozen process can hold the lock.
 */
const groups = new WeakMap<RawNamespace, RenewalGroup>();

function joinGroup(raw: RawNamespace, member: RenewalMember): void {
	let group = groups.get(raw);
	if (!group) groups.set(raw, (group = { members: new Set(), everyMs: member.renewEveryMs }));
	group.members.add(member);
	if (!group.timer || member.renewEveryMs < group.everyMs) {
		group.everyMs = Math.min(group.everyMs, member.renewEveryMs);
		clearInterval(group.timer);
		const current = group;
		// Unref'd: the Discord connection keeps a running bot alive; a lease alone must not keep a stopped one.
		group.timer = setInterval(() => {
			current.running ??= renewTogether(raw, [...current.members]).finally(() => (current.running = undefined));
		}, group.everyMs).unref();
	}
}

function leaveGroup(raw: RawNamespace, member: RenewalMember): void {
	const group = groups.get(raw);
	if (!group?.members.delete(member) || group.members.size > 0) return;
	clearInterval(group.timer);
	groups.delete(raw);
}

/** Runs every member's renewal and sends the claims of those that make one as one batch, once all have. */
async function renewTogether(raw: RawNamespace, members: readonly RenewalMember[]): Promise<void> {
	const claims: Array<{ claim: PendingClaim; settle: (outcome: ClaimOutcome) => void }> = [];
	let waiting = members.length;
	const arrived = () => {
		waiting -= 1;
		if (waiting > 0 || claims.length === 0) return;
		claimOutcomes(
			raw,
			claims.map((entry) => entry.claim),
		).then((outcomes) => {
			for (const [index, entry] of claims.entries()) entry.settle(outcomes[index] as ClaimOutcome);
		});
	};
	await Promise.all(
		members.map(async (member) => {
			let claimed = false;
			try {
				await member.renewIn(
					(claim) =>
						new Promise<ClaimOutcome>((settle) => {
							claimed = true;
							claims.push({ claim, settle });
							arrived();
						}),
				);
			} catch {
				// renewIn settles its own failures; a throw here only must not hold the others' batch.
			} finally {
				if (!claimed) arrived();
			}
		}),
	);
}

/** Each claim's outcome: one read and one compare-and-set for all; a row that changed in between is decided again alone. */
async function claimOutcomes(raw: RawNamespace, claims: readonly PendingClaim[]): Promise<ClaimOutcome[]> {
	try {
		const keys = claims.map((entry) => entry.key);
		if (new Set(keys).size !== keys.length) {
			const outcomes: ClaimOutcome[] = [];
			for (const entry of claims) outcomes.push({ won: await claim(raw, entry.key, entry.record, entry.at) });
			return outcomes;
		}
		const stored = await raw.read(keys);
		const changes: RawChange[] = [];
		const claimable = claims.map((entry) => {
			const text = stored.get(entry.key);
			const holder = text === undefined ? undefined : holderIn(raw, text);
			const free = isClaimable(holder, entry.record.instanceId, entry.at);
			if (free) changes.push({ key: entry.key, expected: text, next: raw.encode(entry.record), ttlMs: Date.parse(entry.record.expiresAt) - entry.at });
			return free;
		});
		const applied = new Set(changes.length > 0 ? await raw.swap(changes) : []);
		const outcomes: ClaimOutcome[] = [];
		for (const [index, entry] of claims.entries()) {
			if (!claimable[index]) outcomes.push({ won: false });
			else outcomes.push({ won: applied.has(entry.key) || (await claim(raw, entry.key, entry.record, entry.at)) });
		}
		return outcomes;
	} catch (error) {
		return claims.map(() => ({ error }));
	}
}

/** Free, ours, expired or unreadable: claimable. */
function isClaimable(holder: LeaseRecord | undefined, instanceId: string, at: number): boolean {
	return holder === undefined || holder.instanceId === instanceId || String(holder.expiresAt ?? '') <= iso(at);
}

/**
 * Reads the row, decides (free, ours, expired or unreadable: claimable), then writes it with a compare-and-set
 * on exactly what was read: an atomic statement in SQL, SET NX PX or a script in Redis. Two instances racing
 * for the row cannot both win; the loser reads what the winner wrote and decides again.
 */
async function claim(raw: RawNamespace, key: string, record: LeaseRecord, at: number): Promise<boolean> {
	const ttlMs = Date.parse(record.expiresAt) - at;
	for (let attempt = 0; attempt < 3; attempt += 1) {
		const stored = (await raw.read([key])).get(key);
		const holder = stored === undefined ? undefined : holderIn(raw, stored);
		if (!isClaimable(holder, record.instanceId, at)) return false;
		// The server-side TTL only cleans up after a killed holder; the decision always goes by expiresAt.
		if ((await raw.swap([{ key, expected: stored, next: raw.encode(record), ttlMs }])).length > 0) return true;
	}
	return false;
}

/** Deletes the row only while it is still ours, with a compare-and-set on the row read. */
async function releaseIfOurs(raw: RawNamespace, key: string, instanceId: string): Promise<void> {
	const stored = (await raw.read([key])).get(key);
	if (stored === undefined || holderIn(raw, stored)?.instanceId !== instanceId) return;
	await raw.swap([{ key, expected: stored, next: undefined }]);
}

async function readHolder(raw: RawNamespace, key: string): Promise<LeaseRecord | undefined> {
	const stored = (await raw.read([key])).get(key);
	return stored === undefined ? undefined : holderIn(raw, stored);
}

/** Every lease row whose key starts with `prefix` that is still live at `at` (its holder has not let it expire). */
export async function liveLeases(connection: LeaseConnection, prefix: string, at: number): Promise<Array<[name: string, holder: LeaseRecord]>> {
	const live: Array<[string, LeaseRecord]> = [];
	for (const [key, text] of await connection.raw.list(prefix)) {
		const holder = holderIn(connection.raw, text);
		if (holder && String(holder.expiresAt ?? '') > iso(at)) live.push([key, holder]);
	}
	return live;
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
