import type { Logger } from '../log.js';
import type { BackendContext, NamespaceBackend, RawChange, RawRow, StoreBackend } from './backend.js';
import { describeCause, StoreError } from './errors.js';
import { createCoalescer } from './coalesce.js';
import { deserializeRecord, serializeRecord } from './codec.js';
import { createKeyedLock } from './keyed-lock.js';
import { openBackend } from './open-backend.js';

/** One Keyv namespace, typed, with every failure thrown as a StoreError (Keyv alone would answer `undefined`). */
export interface Collection<T> {
	readonly name: string;
	get(key: string): Promise<T | undefined>;
	getMany(keys: readonly string[]): Promise<Array<T | undefined>>;
	/** With `ttlMs` the entry expires that long from now (Keyv's clock, `Date.now()`); setting it again restarts the count. */
	set(key: string, value: T, ttlMs?: number): Promise<void>;
	/** Batched statements (one per few hundred rows; a key given twice keeps its last value): fast enough for a backfill of thousands of papers. */
	setMany(entries: ReadonlyArray<readonly [key: string, value: T]>): Promise<void>;
	delete(key: string): Promise<boolean>;
	/**
	 * Read-modify-write of the latest record: `change` sees it and returns the next one, `undefined` to delete
	 * it, or `unchanged` to leave it. Under this process's lock for `key`, and written with a compare-and-set,
	 * so another process writing the record meanwhile makes `change` run again on its version: a command and
	 * the scheduler never overwrite each other's fields. `change` must be free of side effects beyond its answer.
	 * `likely` is the record as the caller last saw it (a listing's copy): tried as the stored row instead of
	 * reading it first, so when the row no longer holds exactly its encoding, the row is read and `change` runs again.
	 */
	update(key: string, change: (current: T | undefined) => T | undefined | typeof unchanged, likely?: T | typeof noRow): Promise<T | undefined>;
	/** Every entry whose key starts with `prefix` (all when omitted), in key order (by code point). */
	entries(prefix?: string): Promise<Array<[string, T]>>;
	values(prefix?: string): Promise<T[]>;
}

/** A stored row read as Keyv's envelope: its record, or why it is unreadable. */
export type DecodedRow<T = unknown> = { readable: true; value: T; expires?: number } | { readable: false; reason: string };

/**
 * The namespace's rows as stored, for maintenance across records (src/store/prune.ts) and tests: the backend's
 * batch and compare-and-set operations with every failure a StoreError, plus Keyv's codec for the envelope.
 */
export interface RawNamespace {
	readonly name: string;
	list(prefix?: string): Promise<RawRow[]>;
	count(): Promise<number>;
	read(keys: readonly string[]): Promise<Map<string, string>>;
	write(rows: readonly RawRow[]): Promise<void>;
	swap(changes: readonly RawChange[]): Promise<string[]>;
	decode<T = unknown>(text: string): DecodedRow<T>;
	/** Keyv's serialization of `{ value, expires }`. */
	encode(value: unknown, expires?: number): string;
}

export interface OpenedCollection<T> {
	/** The database, as messages name it. */
	readonly label: string;
	collection: Collection<T>;
	raw: RawNamespace;
	/** Settles once the connection is open and the table exists; rejects with a StoreError otherwise. */
	ready: Promise<void>;
	/** Runs the engine's SQL on this namespace's connection (SQLite pragmas and probes, PostgreSQL); Redis refuses. */
	query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
	close(): Promise<void>;
}

/** Returned by an `update` change that leaves the record as it is. */
export const unchanged: unique symbol = Symbol('unchanged');

/** Rows per coalesced read or compare-and-set: a fan-out's in-flight deliveries fit in one. */
const COALESCED_BATCH = 500;

/** Rows a listing decodes per turn of the event loop: a few milliseconds' worth. */
const DECODE_SLICE_ROWS = 500;

/** Rows an update may try without reading first: enough for every record a fan-out has in flight. */
const SEEN_ROWS = 2_000;

/**
 * A row last seen missing. Guessed like a text: the compare-and-set then inserts only where there is still no
 * row, so a target's first delivery record is not read twice (once by `get`, once more by its first update).
 */
const ABSENT: unique symbol = Symbol('absent');
/** `update`'s `likely` when the caller's own listing just showed no row for the key. */
export const noRow: typeof ABSENT = ABSENT;

/** Another process changing the record between each read and write this often means something is wrong. */
const UPDATE_ATTEMPTS = 50;

/**
 * Namespaces end up inside `LIKE 'name:%'` (Keyv's clear and iterator) and Redis MATCH patterns, where
 * `_`, `%` and `*` are wildcards that would let one namespace match another's keys.
 */
export function assertNamespaceName(name: string): void {
	if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid store namespace ${JSON.stringify(name)}: use lower-case letters, digits and '-'`);
}

export interface CollectionHooks {
	/** A row that is not valid JSON or not a Keyv envelope, skipped by listings; it is logged here already. */
	onCorruptRow?: (key: string, reason: string) => void;
	/** Checked before every operation: a closed store answers with this error instead of reconnecting. */
	closed?: () => StoreError | undefined;
}

/**
 * A collection on its own connection to `database`: a DATABASE_URL, or a SQLite file path. For tools and tests
 * that reach one namespace beside a running store; the store itself uses createCollection on its backend.
 */
export function openCollection<T>(database: string, name: string, logger: Logger, hooks: CollectionHooks = {}): OpenedCollection<T> {
	assertNamespaceName(name);
	const { backend, context } = openBackend(database, logger);
	let closing: Promise<void> | undefined;
	const opened = createCollection<T>(backend, name, context, {
		...hooks,
		closed: () => (closing ? new StoreError(`Database ${backend.label}: the connection is closed`, backend.label, { kind: 'other' }) : hooks.closed?.()),
	});
	return { ...opened, close: () => (closing ??= backend.close()) };
}

export function createCollection<T>(
	backend: StoreBackend,
	name: string,
	context: BackendContext,
	hooks: CollectionHooks = {},
): Omit<OpenedCollection<T>, 'close'> {
	assertNamespaceName(name);
	const namespace: NamespaceBackend = backend.namespace(name);
	const { logger } = context;
	const label = backend.label;
	const checkOpen = () => {
		const error = hooks.closed?.();
		if (error) throw error;
	};
	const attempt = async <R>(what: string, work: () => Promise<R>): Promise<R> => {
		checkOpen();
		await namespace.ready;
		try {
			return await work();
		} catch (error) {
			throw context.fault(what, error);
		}
	};
	const failed = (operation: string) => `${operation} in "${name}" failed`;
	const keyv = () => namespace.keyv;
	const decode = <V>(text: string): DecodedRow<V> => {
		let data: unknown;
		try {
			data = deserializeRecord(text);
		} catch (error) {
			return { readable: false, reason: `not valid JSON (${describeCause(error)})` };
		}
		const envelope = data as { value?: V; expires?: unknown } | null;
		if (envelope === null || typeof envelope !== 'object' || envelope.value === undefined)
			return { readable: false, reason: 'not a Keyv record ({"value": …})' };
		return typeof envelope.expires === 'number'
			? { readable: true, value: envelope.value, expires: envelope.expires }
			: { readable: true, value: envelope.value };
	};
	// Keyv's codec called directly (src/store/codec.ts): awaiting Keyv's async wrapper per row made a 10,000-row listing twice as slow.
	const encode = (value: unknown, expires?: number) => serializeRecord({ value, expires });
	/** A caller's copy as its row would read, for a first guess; none when it cannot be encoded. */
	const encodeLikely = (value: T | typeof ABSENT | undefined): string | typeof ABSENT | undefined => {
		if (value === undefined) return undefined;
		if (value === ABSENT) return ABSENT;
		try {
			return encode(value);
		} catch {
			return undefined;
		}
	};
	const isLive = (row: { expires?: number }) => row.expires === undefined || Date.now() <= row.expires;
	const reportCorrupt = (key: string, reason: string) => {
		logger.error('unreadable stored record skipped', { file: label, namespace: name, key, reason });
		hooks.onCorruptRow?.(key, reason);
	};
	/** One damaged row (a crash mid-edit, a hand-edited file) must not hide every other record of a listing. */
	const decodeRows = (rows: readonly RawRow[]): Array<[string, T]> => {
		const result: Array<[string, T]> = [];
		for (const [key, text] of rows) {
			const row = decode<T>(text);
			if (!row.readable) reportCorrupt(key, row.reason);
			else if (isLive(row)) result.push([key, row.value]);
		}
		return result;
	};

	const raw: RawNamespace = {
		name,
		list: (prefix = '') => attempt(failed('listing'), () => namespace.list(prefix)),
		count: () => attempt(failed('counting'), () => namespace.count()),
		read: (keys) => attempt(failed('reading'), () => namespace.read(keys)),
		write: (rows) => attempt(failed('writing'), () => namespace.write(rows)),
		swap: (changes) => attempt(failed('changing'), () => namespace.swap(changes)),
		decode,
		encode,
	};

	const lock = createKeyedLock();
	// Concurrent single-row reads and compare-and-sets (a fan-out, a burst of commands) share statements and commits.
	const readOne = createCoalescer<string, Map<string, string>, string | undefined>({
		key: (key) => key,
		execute: (keys) => raw.read(keys),
		pick: (found, key) => found.get(key),
		maxBatch: COALESCED_BATCH,
	});
	const swapOne = createCoalescer<RawChange, SwapOutcome, boolean>({
		key: (change) => change.key,
		execute: (changes) => swapByKind(raw, changes),
		pick: (outcome, change) => {
			const error = outcome.errors.get(changeKind(change));
			if (error !== undefined) throw error;
			return outcome.applied.has(change.key);
		},
		maxBatch: COALESCED_BATCH,
	});
	/** One key asked for by name cannot be skipped: it fails loudly, naming the key. */
	const decodeKnown = (key: string, stored: string | undefined): { stored: string | undefined; current: T | undefined } => {
		const row = stored === undefined ? undefined : decode<T>(stored);
		if (row && !row.readable && row.reason.startsWith('not valid JSON')) {
			throw new StoreError(`Database ${label}: reading ${key} in "${name}" failed: ${row.reason}`, label, { kind: 'corrupt' });
		}
		return { stored, current: row?.readable && isLive(row) ? row.value : undefined };
	};
	const readLatest = async (key: string) => decodeKnown(key, await readOne(key));
	/**
	 * The row (or its absence) as this collection last read or wrote it, per key (the most recent few only). An update tries it as
	 * the expected row instead of reading first: the compare-and-set applies only if the row still holds exactly
	 * that text, so `change` saw the latest record; otherwise the row is read and `change` runs again on it. A
	 * fan-out's read-modify-writes of a record it just read or wrote then cost one statement, not two.
	 */
	const seen = createRecentTexts(SEEN_ROWS);
	const readFresh = async (key: string) => {
		const latest = await readLatest(key);
		seen.remember(key, latest.stored ?? ABSENT);
		return latest;
	};
	const collection: Collection<T> = {
		name,
		update(key, change, likely) {
			return lock.run(key, async () => {
				for (let tries = 1; ; tries += 1) {
					const guess = tries === 1 ? (seen.recall(key) ?? encodeLikely(likely)) : undefined;
					const { stored, current } = guess === undefined ? await readFresh(key) : decodeKnown(key, guess === ABSENT ? undefined : guess);
					const next = change(current);
					// Answering without a write needs the record as it is now, not as it was last seen.
					if (guess !== undefined && (next === unchanged || (next === undefined && current === undefined))) continue;
					if (next === unchanged) return current;
					if (next === undefined && current === undefined) return undefined;
					const text = next === undefined ? undefined : encode(next);
					const applied = await swapOne({ key, expected: stored, next: text });
					if (applied) seen.remember(key, text ?? ABSENT);
					else seen.forget(key);
					if (applied) return next;
					if (tries >= UPDATE_ATTEMPTS) {
						throw new StoreError(`Database ${label}: updating ${key} in "${name}" failed: it changed under every one of ${UPDATE_ATTEMPTS} attempts`, label, {
							kind: 'other',
						});
					}
				}
			});
		},
		get: async (key) => (await readFresh(key)).current,
		async getMany(keys) {
			if (keys.length === 0) return [];
			const found = await raw.read(keys);
			const decoded = new Map(decodeRows([...found]));
			return keys.map((key) => decoded.get(key));
		},
		async set(key, value, ttlMs) {
			seen.forget(key);
			const ok = await attempt(`writing ${key} in "${name}" failed`, () => keyv().set(key, value, ttlMs));
			if (!ok) throw context.fault(`writing ${key} in "${name}" failed`, new Error('the store refused the write'));
		},
		async setMany(entries) {
			// A key given twice keeps its last value, as writing them one by one would; engines refuse a key twice in one statement.
			const rows = new Map<string, string>();
			for (const [key, value] of entries) {
				seen.forget(key);
				rows.set(key, encode(value));
			}
			if (rows.size > 0) await raw.write([...rows]);
		},
		delete: (key) => {
			seen.forget(key);
			return attempt(`deleting ${key} in "${name}" failed`, () => keyv().delete(key));
		},
		async entries(prefix = '') {
			const rows = await raw.list(prefix);
			// A slice per turn of the event loop: decoding 10,000 subscriptions at once held it for tens of milliseconds.
			const result: Array<[string, T]> = [];
			for (let start = 0; start < rows.length; start += DECODE_SLICE_ROWS) {
				if (start > 0) await new Promise((resolve) => setImmediate(resolve));
				for (const entry of decodeRows(rows.slice(start, start + DECODE_SLICE_ROWS))) result.push(entry);
			}
			return result;
		},
		async values(prefix) {
			return (await collection.entries(prefix)).map(([, value]) => value);
		},
	};

	const ready = namespace.ready.catch((error: unknown) => {
		throw context.fault(`cannot open (namespace "${name}")`, error);
	});
	ready.catch(() => {});
	return { label, collection, raw, ready, query: (sql, ...parameters) => attempt('query', () => namespace.query(sql, ...parameters)) };
}

type ChangeKind = 'replace' | 'insert' | 'delete';

interface SwapOutcome {
	applied: ReadonlySet<string>;
	/** A kind whose statement failed: only its changes report the error; the others' statements stand. */
	errors: ReadonlyMap<ChangeKind, unknown>;
}

function changeKind(change: RawChange): ChangeKind {
	if (change.expected === undefined) return 'insert';
	return change.next === undefined ? 'delete' : 'replace';
}

/**
 * The engines run replaces, inserts and deletes as separate statements; sent apart here, a failing one
 * fails only its own callers, and a caller told "failed" knows its row was not written.
 */
async function swapByKind(raw: RawNamespace, changes: readonly RawChange[]): Promise<SwapOutcome> {
	const byKind = new Map<ChangeKind, RawChange[]>();
	for (const change of changes) {
		const kind = changeKind(change);
		const list = byKind.get(kind);
		if (list) list.push(change);
		else byKind.set(kind, [change]);
	}
	const applied = new Set<string>();
	const errors = new Map<ChangeKind, unknown>();
	for (const [kind, list] of byKind) {
		try {
			for (const key of await raw.swap(list)) applied.add(key);
		} catch (error) {
			errors.set(kind, error);
		}
	}
	return { applied, errors };
}

interface RecentTexts {
	/** `undefined`: not seen lately. */
	recall(key: string): string | typeof ABSENT | undefined;
	remember(key: string, text: string | typeof ABSENT): void;
	forget(key: string): void;
}

/**
 * Roughly the last `limit` keys' texts: two generations, the older dropped whole when the newer fills up. A
 * Map evicting its first key one by one would walk the holes its deletions left, on every insertion.
 */
function createRecentTexts(limit: number): RecentTexts {
	let current = new Map<string, string | typeof ABSENT>();
	let previous = new Map<string, string | typeof ABSENT>();
	const forget = (key: string) => {
		current.delete(key);
		previous.delete(key);
	};
	return {
		recall: (key) => current.get(key) ?? previous.get(key),
		remember(key, text) {
			forget(key);
			if (current.size >= limit / 2) {
				previous = current;
				current = new Map();
			}
			current.set(key, text);
		},
		forget,
	};
}
