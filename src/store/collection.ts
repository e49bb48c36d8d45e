import Keyv from 'keyv';
import type { Logger } from '../log.js';
import type { BackendContext, NamespaceBackend, RawChange, RawRow, StoreBackend } from './backend.js';
import { describeCause, StoreError } from './errors.js';
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
	 */
	update(key: string, change: (current: T | undefined) => T | undefined | typeof unchanged): Promise<T | undefined>;
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

/**
 * Keyv's own codec (the default every namespace uses), called directly: awaiting Keyv's async wrapper per row
 * made a 10,000-row listing twice as slow.
 */
const codec = new Keyv();
const serialize = codec.serialize as (data: unknown) => string;
const deserialize = codec.deserialize as (text: string) => unknown;

/** Returned by an `update` change that leaves the record as it is. */
export const unchanged: unique symbol = Symbol('unchanged');

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
			data = deserialize(text);
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
	const encode = (value: unknown, expires?: number) => serialize({ value, expires });
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
	const collection: Collection<T> = {
		name,
		update(key, change) {
			return lock.run(key, async () => {
				for (let tries = 1; ; tries += 1) {
					const stored = (await raw.read([key])).get(key);
					const row = stored === undefined ? undefined : decode<T>(stored);
					// One key asked for by name cannot be skipped: it fails loudly, naming the key, as `get` does.
					if (row && !row.readable && row.reason.startsWith('not valid JSON')) {
						throw new StoreError(`Database ${label}: reading ${key} in "${name}" failed: ${row.reason}`, label, { kind: 'corrupt' });
					}
					const current = row?.readable && isLive(row) ? row.value : undefined;
					const next = change(current);
					if (next === unchanged) return current;
					if (next === undefined && current === undefined) return undefined;
					const applied = await raw.swap([{ key, expected: stored, next: next === undefined ? undefined : encode(next) }]);
					if (applied.length > 0) return next;
					if (tries >= UPDATE_ATTEMPTS) {
						throw new StoreError(`Database ${label}: updating ${key} in "${name}" failed: it changed under every one of ${UPDATE_ATTEMPTS} attempts`, label, {
							kind: 'other',
						});
					}
				}
			});
		},
		get: (key) => attempt(`reading ${key} in "${name}" failed`, () => keyv().get<T>(key)),
		async getMany(keys) {
			if (keys.length === 0) return [];
			const found = await raw.read(keys);
			const decoded = new Map(decodeRows([...found]));
			return keys.map((key) => decoded.get(key));
		},
		async set(key, value, ttlMs) {
			const ok = await attempt(`writing ${key} in "${name}" failed`, () => keyv().set(key, value, ttlMs));
			if (!ok) throw context.fault(`writing ${key} in "${name}" failed`, new Error('the store refused the write'));
		},
		async setMany(entries) {
			// A key given twice keeps its last value, as writing them one by one would; engines refuse a key twice in one statement.
			const rows = new Map<string, string>();
			for (const [key, value] of entries) rows.set(key, encode(value));
			if (rows.size > 0) await raw.write([...rows]);
		},
		delete: (key) => attempt(`deleting ${key} in "${name}" failed`, () => keyv().delete(key)),
		async entries(prefix = '') {
			return decodeRows(await raw.list(prefix));
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
