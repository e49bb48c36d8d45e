import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { createSqliteReader, type SqliteReader } from './sqlite-reader.js';
import { chunk, MAX_KEY_CHAR, type BackendContext, type NamespaceBackend, type RawChange, type RawRow, type StoreBackend } from './backend.js';

/** Rows per multi-row INSERT; far below SQLite's bound-parameter limit. */
const BATCH_ROWS = 400;
/**
 * Changes per compare-and-set statement: they travel as one JSON parameter, and every statement is a commit
 * (an fsync under synchronous = FULL), so a prune's 10,000 trims go in a few statements, not dozens.
 */
const SWAP_ROWS = 5_000;
const BUSY_TIMEOUT_MS = 10_000;
/**
 * Characters of values per batch statement too: 400 ingested papers (with their abstracts) made a 2 MB commit that
 * every other write of the process (a `/digest subscribe`) queued behind; smaller ones let those in between. At
 * 256 KB a statement still took up to ~100 ms during a live ingest; at 64 KB, under 50.
 */
const BATCH_BYTES = 64 * 1024;
/** Rows per statement of a listing; a row written between two pages is read at its newest, none twice. */
const LIST_PAGE_ROWS = 1_000;

interface Row {
	key: string;
	value: string;
}

/**
 * One SQLite file, Keyv's `keyv` table (`key` = `<namespace>:<key>`). Every namespace has its own connection
 * (its own @keyv/sqlite adapter), so WAL lets one read while another writes; batches are single statements.
 * The connections open one after another: each adapter runs CREATE TABLE IF NOT EXISTS as it connects, and on
 * a new file concurrent ones can deadlock into SQLITE_BUSY (which no busy timeout waits out), failing that
 * connection for good. Reads share one more connection, opened after the first namespace's (src/store/sqlite-reader.ts).
 */
export function openSqliteBackend(file: string, context: BackendContext): StoreBackend {
	const namespaces = new Map<string, NamespaceBackend & { close(): Promise<void> }>();
	const writes = createWriteQueue();
	const reader = createSqliteReader(file, BUSY_TIMEOUT_MS, context);
	let previous: Promise<unknown> = Promise.resolve();
	let closing: Promise<void> | undefined;
	return {
		kind: 'sqlite',
		label: file,
		file,
		namespace(name) {
			let opened = namespaces.get(name);
			if (!opened) {
				const first = namespaces.size === 0;
				opened = openNamespace(file, name, context, previous, first, writes, reader);
				namespaces.set(name, opened);
				previous = opened.ready.then(() => (first ? reader.open() : undefined)).catch(() => {});
			}
			return opened;
		},
		close: () =>
			(closing ??= Promise.all([...namespaces.values()].map((namespace) => namespace.close()))
				.then(() => reader.close())
				.then(() => undefined)),
	};
}

function openNamespace(file: string, name: string, context: BackendContext, after: Promise<unknown>, first: boolean, writes: WriteQueue, reader: SqliteReader) {
	let adapter: KeyvSqlite | undefined;
	let keyv: Keyv | undefined;
	const raw = async (sql: string, ...parameters: unknown[]) => {
		if (!adapter) throw new Error(`namespace "${name}" is not open yet`);
		return (await adapter.query(sql, ...parameters)) as unknown[];
	};
	const prefixed = (key: string) => `${name}:${key}`;
	const unprefixed = (rows: Row[]): RawRow[] => rows.map((row) => [row.key.slice(name.length + 1), row.value]);

	const ready = (async () => {
		await after;
		adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: BUSY_TIMEOUT_MS, iterationLimit: 1000 });
		routeQueries(adapter, writes, reader);
		keyv = new Keyv({ store: adapter, namespace: name, throwOnErrors: true });
		// Keyv re-emits adapter errors; the listener keeps them from vanishing, throwOnErrors makes them loud.
		keyv.on('error', (error: unknown) => context.logger.debug('store error event', { namespace: name, error }));
		try {
			await raw('SELECT count(*) FROM keyv');
			// WAL is a property of the file: set once, by the first connection, before the others open.
			if (first) await raw('PRAGMA journal_mode = WAL');
			// FULL, not WAL's usual NORMAL: NORMAL may lose the last commits on a power cut, and a reply saying
			// "subscribed" (or a digest recorded as sent) must only go out once the change survives one.
			await raw('PRAGMA synchronous = FULL');
		} catch (error) {
			throw context.fault(`cannot open (namespace "${name}")`, error);
		}
	})();
	ready.catch(() => {});

	const namespace: NamespaceBackend & { close(): Promise<void> } = {
		name,
		get keyv() {
			if (!keyv) throw new Error(`namespace "${name}" is not open yet`);
			return keyv;
		},
		ready,
		async read(keys) {
			const found = new Map<string, string>();
			for (const part of chunk(keys, BATCH_ROWS)) {
				const rows = (await raw('SELECT key, value FROM keyv WHERE key IN (SELECT value FROM json_each(?))', JSON.stringify(part.map(prefixed)))) as Row[];
				for (const [key, value] of unprefixed(rows)) found.set(key, value);
			}
			return found;
		},
		async write(rows) {
			for (const part of chunkBySize(rows, BATCH_ROWS, BATCH_BYTES)) {
				const parameters = part.flatMap(([key, value]) => [prefixed(key), value]);
				const placeholders = part.map(() => '(?, ?)').join(', ');
				await raw(`INSERT INTO keyv (key, value) VALUES ${placeholders} ON CONFLICT(key) DO UPDATE SET value = excluded.value`, ...parameters);
			}
		},
		async list(prefix) {
			const low = prefixed(prefix);
			const high = low + MAX_KEY_CHAR;
			// A key range (not LIKE) walks the primary-key index. In pages: the driver turns a whole result into
			// objects in one callback, and 10,000 subscriptions at once held the event loop for tens of milliseconds.
			const rows: Row[] = [];
			let page = (await raw('SELECT key, value FROM keyv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?', low, high, LIST_PAGE_ROWS)) as Row[];
			for (;;) {
				for (const row of page) rows.push(row);
				const last = page.at(-1);
				if (page.length < LIST_PAGE_ROWS || !last) break;
				page = (await raw('SELECT key, value FROM keyv WHERE key > ? AND key < ? ORDER BY key LIMIT ?', last.key, high, LIST_PAGE_ROWS)) as Row[];
			}
			return unprefixed(rows);
		},
		async count() {
			const rows = (await raw('SELECT count(*) AS n FROM keyv WHERE key >= ? AND key < ?', `${name}:`, `${name};`)) as Array<{ n: number }>;
			return rows[0]?.n ?? 0;
		},
		async swap(changes) {
			const applied: string[] = [];
			for (const part of chunk(changes, SWAP_ROWS)) applied.push(...(await swapBatch(raw, prefixed, part)));
			return applied.map((key) => key.slice(name.length + 1));
		},
		query: raw,
		async close() {
			await ready.catch(() => {});
			try {
				await keyv?.disconnect();
			} catch (error) {
				// A connection that never opened has nothing to close; the open error was already reported.
				context.logger.debug('store close failed', { namespace: name, error });
			}
		},
	};
	return namespace;
}

/** Consecutive runs of `rows`, each at most `maxRows` long and `maxChars` of values (a longer row goes alone). */
function chunkBySize(rows: readonly RawRow[], maxRows: number, maxChars: number): RawRow[][] {
	const parts: RawRow[][] = [];
	let part: RawRow[] = [];
	let chars = 0;
	for (const row of rows) {
		if (part.length > 0 && (part.length >= maxRows || chars + row[1].length > maxChars)) {
			parts.push(part);
			part = [];
			chars = 0;
		}
		part.push(row);
		chars += row[1].length;
	}
	if (part.length > 0) parts.push(part);
	return parts;
}

interface WriteQueue {
	run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * SQLite takes one writer at a time per file, and a connection that finds the lock taken sleeps in steps of up to
 * 100 ms before it tries again: with every namespace on its own connection, a `/digest subscribe` during a fan-out
 * waited hundreds of milliseconds for commits that take one or two. Queued here instead, this process's writes
 * take turns at once, in order; only another process's writes still meet the busy timeout.
 */
function createWriteQueue(): WriteQueue {
	let tail: Promise<unknown> = Promise.resolve();
	return {
		run(work) {
			const result = tail.then(work);
			tail = result.catch(() => undefined);
			return result;
		},
	};
}

/**
 * Reads go to the shared read connection once it is open: WAL lets it read beside the writer, where on the
 * namespace's own connection a read waited for that connection's commit and its fsync (a subscribe's lookup
 * queued behind a fan-out's delivery writes). Everything else may write, so it queues.
 */
function routeQueries(adapter: KeyvSqlite, writes: WriteQueue, reader: SqliteReader): void {
	const query = adapter.query.bind(adapter);
	adapter.query = (sql: string, ...parameters: unknown[]) => {
		if (!/^\s*SELECT\b/i.test(sql)) return writes.run(() => query(sql, ...parameters));
		return reader.isOpen() ? reader.query(sql, ...parameters) : query(sql, ...parameters);
	};
}

/**
 * Three single statements, each a compare-and-set per row: a replace only where the row still holds the
 * expected text, an insert only where there is no row, a delete only of the expected text.
 */
async function swapBatch(
	raw: (sql: string, ...parameters: unknown[]) => Promise<unknown[]>,
	prefixed: (key: string) => string,
	changes: readonly RawChange[],
): Promise<string[]> {
	const replaces = changes
		.filter((change) => change.expected !== undefined && change.next !== undefined)
		.map((change) => [prefixed(change.key), change.expected, change.next]);
	const inserts = changes.filter((change) => change.expected === undefined && change.next !== undefined).map((change) => [prefixed(change.key), change.next]);
	const deletes = changes
		.filter((change) => change.expected !== undefined && change.next === undefined)
		.map((change) => [prefixed(change.key), change.expected]);
	const keys: string[] = [];
	const collect = (rows: unknown[]) => keys.push(...(rows as Array<{ key: string }>).map((row) => row.key));
	if (replaces.length > 0) {
		collect(
			await raw(
				`UPDATE keyv SET value = change.next
				FROM (SELECT json_extract(value, '$[0]') AS key, json_extract(value, '$[1]') AS expected, json_extract(value, '$[2]') AS next FROM json_each(?)) AS change
				WHERE keyv.key = change.key AND keyv.value = change.expected
				RETURNING keyv.key AS key`,
				JSON.stringify(replaces),
			),
		);
	}
	if (inserts.length > 0) {
		collect(
			await raw(
				`INSERT INTO keyv (key, value) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) WHERE true
				ON CONFLICT(key) DO NOTHING RETURNING key`,
				JSON.stringify(inserts),
			),
		);
	}
	if (deletes.length > 0) {
		collect(
			await raw(
				`DELETE FROM keyv WHERE key IN (SELECT json_extract(value, '$[0]') FROM json_each(?1))
					AND (key, value) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1))
				RETURNING key`,
				JSON.stringify(deletes),
			),
		);
	}
	return keys;
}
