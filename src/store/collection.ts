import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import type { Logger } from '../log.js';
import { describeCause, StoreError } from './errors.js';
import { createKeyedLock } from './keyed-lock.js';

/** One Keyv namespace, typed, with every failure thrown as a StoreError (Keyv alone would answer `undefined`). */
export interface Collection<T> {
	readonly name: string;
	get(key: string): Promise<T | undefined>;
	getMany(keys: readonly string[]): Promise<Array<T | undefined>>;
	/** With `ttlMs` the entry expires that long from now (Keyv's clock, `Date.now()`); setting it again restarts the count. */
	set(key: string, value: T, ttlMs?: number): Promise<void>;
	/** One statement for the whole batch: atomic, and fast enough for a backfill of thousands of papers. */
	setMany(entries: ReadonlyArray<readonly [key: string, value: T]>): Promise<void>;
	delete(key: string): Promise<boolean>;
	/**
	 * Read-modify-write under this process's lock for `key`: `change` sees the latest record and returns the
	 * next one, `undefined` to delete it, or `unchanged` to leave it. Every writer of a record goes through
	 * here, so a command and the scheduler never overwrite each other's fields (one process per database
	 * is the lease's job).
	 */
	update(key: string, change: (current: T | undefined) => T | undefined | typeof unchanged): Promise<T | undefined>;
	/** Every entry whose key starts with `prefix` (all when omitted), in key order, in one indexed range query. */
	entries(prefix?: string): Promise<Array<[string, T]>>;
	values(prefix?: string): Promise<T[]>;
}

export interface OpenedCollection<T> {
	collection: Collection<T>;
	/** Settles once the connection is open and the table exists; rejects with a StoreError otherwise. */
	ready: Promise<void>;
	/** Runs raw SQL on this namespace's connection (pragmas, probes). */
	query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
	close(): Promise<void>;
}

/** Returned by an `update` change that leaves the record as it is. */
export const unchanged: unique symbol = Symbol('unchanged');

const TABLE = 'keyv';
/** Rows per multi-row INSERT; far below SQLite's bound-parameter limit. */
const BATCH_ROWS = 400;
/** Sorts after every character a key can contain, so `[prefix, prefix + MAX)` is exactly "starts with prefix". */
const MAX_CHAR = '\u{10FFFF}';
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Namespaces end up inside `LIKE 'name:%'` (Keyv's clear and iterator), where `_` and `%` are wildcards
 * that would let one namespace match another's keys.
 */
export function assertNamespaceName(name: string): void {
	if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid store namespace ${JSON.stringify(name)}: use lower-case letters, digits and '-'`);
}

export interface CollectionHooks {
	/** A row that is not valid JSON or not a Keyv envelope, skipped by listings; it is logged here already. */
	onCorruptRow?: (key: string, reason: string) => void;
}

export function openCollection<T>(file: string, name: string, logger: Logger, hooks: CollectionHooks = {}): OpenedCollection<T> {
	assertNamespaceName(name);
	const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: BUSY_TIMEOUT_MS, iterationLimit: 1000 });
	const keyv = new Keyv<T>({ store: adapter, namespace: name, throwOnErrors: true });
	// Keyv re-emits adapter errors; the listener keeps them from vanishing, the throw above makes them loud.
	keyv.on('error', (error: unknown) => logger.debug('store error event', { namespace: name, error }));

	const fail = (operation: string, error: unknown): never => {
		if (error instanceof StoreError) throw error;
		const what = operation === 'opening' ? `cannot open (namespace "${name}")` : `${operation} in "${name}" failed`;
		throw new StoreError(`Database ${file}: ${what}: ${describeCause(error)}`, file, { cause: error });
	};
	const run = async (operation: string, sql: string, parameters: unknown[]): Promise<unknown[]> => {
		try {
			return (await adapter.query(sql, ...parameters)) as unknown[];
		} catch (error) {
			return fail(operation, error);
		}
	};
	const query = (sql: string, ...parameters: unknown[]) => run('query', sql, parameters);
	// Keyv's own deserializer, called directly: awaiting Keyv's async wrapper per row made a 10,000-row listing twice as slow.
	const deserialize = keyv.deserialize;
	const reportCorrupt = (prefixedKey: string, reason: string) => {
		const key = prefixedKey.slice(name.length + 1);
		logger.error('unreadable stored record skipped', { file, namespace: name, key, reason });
		hooks.onCorruptRow?.(key, reason);
	};
	const decodeRows = async (rows: Row[]): Promise<Array<[string, T]>> => {
		const result: Array<[string, T]> = [];
		for (const row of rows) {
			// One damaged row (a crash mid-edit, a hand-edited file) must not hide every other record of the listing.
			let data: unknown;
			try {
				data = deserialize ? deserialize<T>(row.value) : await keyv.deserializeData<T>(row.value);
				if (data instanceof Promise) data = await data;
			} catch (error) {
				reportCorrupt(row.key, `not valid JSON (${describeCause(error)})`);
				continue;
			}
			const envelope = data as { value?: T } | null;
			if (envelope !== null && typeof envelope === 'object' && envelope.value !== undefined) result.push([row.key, envelope.value]);
			else reportCorrupt(row.key, 'not a Keyv record ({"value": …})');
		}
		return result;
	};
	const prefixed = (key: string) => `${name}:${key}`;

	const lock = createKeyedLock();
	const collection: Collection<T> = {
		name,
		update(key, change) {
			return lock.run(key, async () => {
				const current = await collection.get(key);
				const next = change(current);
				if (next === unchanged) return current;
				if (next === undefined) {
					if (current !== undefined) await collection.delete(key);
					return undefined;
				}
				await collection.set(key, next);
				return next;
			});
		},
		async get(key) {
			try {
				return await keyv.get<T>(key);
			} catch (error) {
				return fail(`reading ${key}`, error);
			}
		},
		async getMany(keys) {
			if (keys.length === 0) return [];
			const found = new Map<string, T | undefined>();
			for (let start = 0; start < keys.length; start += BATCH_ROWS) {
				const chunk = keys.slice(start, start + BATCH_ROWS).map(prefixed);
				const rows = (await query(`SELECT key, value FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(chunk))) as Row[];
				for (const [key, value] of await decodeRows(rows)) found.set(key, value);
			}
			return keys.map((key) => found.get(prefixed(key)));
		},
		async set(key, value, ttlMs) {
			let ok: boolean;
			try {
				ok = await keyv.set(key, value, ttlMs);
			} catch (error) {
				return fail(`writing ${key}`, error);
			}
			if (!ok) fail(`writing ${key}`, new Error('the store refused the write'));
		},
		async setMany(entries) {
			for (let start = 0; start < entries.length; start += BATCH_ROWS) {
				const chunk = entries.slice(start, start + BATCH_ROWS);
				const parameters: unknown[] = [];
				for (const [key, value] of chunk) parameters.push(prefixed(key), await keyv.serializeData({ value, expires: undefined }));
				const placeholders = chunk.map(() => '(?, ?)').join(', ');
				await query(`INSERT INTO ${TABLE} (key, value) VALUES ${placeholders} ON CONFLICT(key) DO UPDATE SET value = excluded.value`, ...parameters);
			}
		},
		async delete(key) {
			try {
				return await keyv.delete(key);
			} catch (error) {
				return fail(`deleting ${key}`, error);
			}
		},
		async entries(prefix = '') {
			const low = prefixed(prefix);
			// A key range (not LIKE) walks the primary-key index: listing 10,000 subscriptions is one query.
			const rows = (await query(`SELECT key, value FROM ${TABLE} WHERE key >= ? AND key < ? ORDER BY key`, low, low + MAX_CHAR)) as Row[];
			return (await decodeRows(rows)).map(([key, value]) => [key.slice(name.length + 1), value]);
		},
		async values(prefix) {
			return (await collection.entries(prefix)).map(([, value]) => value);
		},
	};

	// Probing at once also gives the adapter's connection promise a handler: a bad file must be a StoreError, not an unhandled rejection.
	const ready = run('opening', 'SELECT count(*) FROM keyv', []).then(() => undefined);
	ready.catch(() => {});
	return {
		collection,
		ready,
		query,
		close: async () => {
			try {
				await keyv.disconnect();
			} catch (error) {
				// A connection that never opened has nothing to close; the open error was already reported.
				logger.debug('store close failed', { namespace: name, error });
			}
		},
	};
}

interface Row {
	key: string;
	value: string;
}
