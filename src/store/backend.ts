import type Keyv from 'keyv';
import { redact, type Logger } from '../log.js';
import type { BackendKind, DatabaseTarget } from './database-url.js';
import { describeCause, StoreError, type StoreFaultKind } from './errors.js';

/**
 * The few things each engine does its own way, behind one interface (src/store/sqlite-backend.ts,
 * postgres-backend.ts, redis-backend.ts). Records themselves are Keyv's: get, set with a TTL and delete
 * go through the engine's Keyv adapter, so a row written here reads back through Keyv and the other way
 * round. Keys at this interface are the keys inside a namespace; each backend prefixes them as its Keyv
 * adapter does (`<namespace>:<key>` in SQL tables, `<namespace>::<key>` in Redis).
 */

/** A row as stored: its key inside the namespace and Keyv's serialized envelope (`{"value":…,"expires":…}`). */
export type RawRow = readonly [key: string, value: string];

/**
 * A compare-and-set on one row: applied only if the row still holds exactly `expected` (undefined: only if
 * there is no row); it then holds `next` (undefined: the row is deleted). `ttlMs` lets an engine with
 * native expiry (Redis) drop the row by itself that long from now; readers go by the envelope's `expires`.
 */
export interface RawChange {
	key: string;
	expected: string | undefined;
	next: string | undefined;
	ttlMs?: number;
}

export interface NamespaceBackend {
	readonly name: string;
	/** Keyv on this namespace, throwing on every adapter error; usable once `ready` has resolved. */
	readonly keyv: Keyv;
	/** Settles once the namespace is usable (connection open, table there); rejects with a StoreError otherwise. Every operation waits for it. */
	readonly ready: Promise<void>;
	/** Batch get: the rows that exist, by key. */
	read(keys: readonly string[]): Promise<Map<string, string>>;
	/** Batch set without TTL; one key at most once. */
	write(rows: readonly RawRow[]): Promise<void>;
	/** Every row whose key starts with `prefix`, in key order (by code point, as SQLite's BINARY collation). */
	list(prefix: string): Promise<RawRow[]>;
	count(): Promise<number>;
	/** Each change atomic on its own row (one key at most once per call); answers the keys it applied. */
	swap(changes: readonly RawChange[]): Promise<string[]>;
	/** The engine's own SQL on this namespace's connection (SQLite, PostgreSQL); Redis refuses. */
	query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
}

export interface StoreBackend {
	readonly kind: BackendKind;
	/** Names the database in messages and logs: the file, or the server URL with its password masked. */
	readonly label: string;
	/** SQLite only: the file whose identity the write gate watches. */
	readonly file?: string;
	/** Opens (once per name) a namespace: SQLite gives each its own connection; the servers share one pool or client. */
	namespace(name: string): NamespaceBackend;
	/** Closes every connection; idempotent. */
	close(): Promise<void>;
}

export interface BackendContext {
	logger: Logger;
	/** Wraps a driver error as a StoreError naming the database, with the password scrubbed from its text. */
	fault(what: string, error: unknown): StoreError;
}

/** How a backend module opens a target. */
export type BackendOpener<T extends DatabaseTarget = DatabaseTarget> = (target: T, context: BackendContext) => StoreBackend;

/** The context every backend gets: one error shape for all three engines. */
export function backendContext(target: DatabaseTarget, logger: Logger): BackendContext {
	const secrets = target.kind === 'sqlite' ? [] : target.secrets;
	return {
		logger,
		fault(what, error) {
			if (error instanceof StoreError) return error;
			const message = redact(`Database ${target.label}: ${what}: ${describeCause(error)}`, secrets);
			return new StoreError(message, target.label, { cause: error, kind: serverFault(target.kind, error) });
		},
	};
}

/**
 * For a server, anything that is not recognizably about the data or the query (a SQL error, a refused
 * command) is the connection failing: loud as `io`, never "nothing stored".
 */
function serverFault(kind: BackendKind, error: unknown): StoreFaultKind | undefined {
	if (kind === 'sqlite') return undefined;
	// A bug of ours (or a damaged row) is not the network.
	if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError) return undefined;
	const code = (error as { code?: unknown } | undefined)?.code;
	// PostgreSQL answered (a SQLSTATE; class 08 is still classified as io), or Redis did ("ERR …", "READONLY …").
	const answered = (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) || (error instanceof Error && /^[A-Z][A-Z_]+ /.test(error.message));
	return answered ? undefined : 'io';
}

/** Code point order, the order SQLite's BINARY collation and PostgreSQL's "C" collation give UTF-8 keys. */
export function compareKeys(a: string, b: string): number {
	const length = Math.min(a.length, b.length);
	for (let index = 0; index < length; index += 1) {
		const x = a.charCodeAt(index);
		const y = b.charCodeAt(index);
		if (x !== y) return rank(x) - rank(y);
	}
	return a.length - b.length;
}

/** UTF-16 puts surrogates (code points above U+FFFF) below U+E000–U+FFFF; this moves them above. */
function rank(unit: number): number {
	if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
	if (unit >= 0xe000) return unit - 0x800;
	return unit;
}

/** Sorts after every character a key can contain, so `[prefix, prefix + MAX_KEY_CHAR)` is exactly "starts with prefix". */
export const MAX_KEY_CHAR = '\u{10FFFF}';

/** Splits a batch so no statement or command grows past what every engine takes comfortably. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
	return chunks;
}
