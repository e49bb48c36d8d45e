import KeyvPostgres from '@keyv/postgres';
import Keyv from 'keyv';
import pg from 'pg';
import { chunk, MAX_KEY_CHAR, type BackendContext, type NamespaceBackend, type RawChange, type RawRow, type StoreBackend } from './backend.js';

/** @keyv/postgres's layout: `public.keyv (key VARCHAR(255) PRIMARY KEY, value TEXT)`, keys `<namespace>:<key>`. */
const TABLE = 'public.keyv';
const KEY_SIZE = 255;
/** Rows per statement: arrays travel as one parameter each, so this only bounds one statement's work. */
const BATCH_ROWS = 2_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** Any fixed number: every Paperboy creating the table on one server takes the same advisory lock. */
const SCHEMA_LOCK = 0x7061_7065;

interface Row {
	key: string;
	value: string;
}

type Run = (sql: string, values?: unknown[]) => Promise<unknown[]>;

/**
 * A PostgreSQL server through one pg pool per store. @keyv/postgres keeps a single module-wide pool (the last
 * URL wins, and disconnect() ends whichever pool is current), so each adapter here is given this store's pool.
 * Key order and prefix ranges use the "C" collation (byte order, as SQLite's), on an index of our own.
 */
export function openPostgresBackend(url: string, label: string, context: BackendContext): StoreBackend {
	const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
	// An idle connection the server dropped: pg removes it, and the next query opens another (or fails loudly).
	pool.on('error', (error) => context.logger.warn('database connection lost', { database: label, error: context.fault('idle connection', error) }));
	const schema = createSchema(pool);
	schema.catch(() => {});
	const run: Run = async (sql, values) => {
		await schema;
		return (await pool.query(sql, values)).rows as unknown[];
	};
	const namespaces = new Map<string, NamespaceBackend>();
	let closing: Promise<void> | undefined;
	return {
		kind: 'postgres',
		label,
		namespace(name) {
			let opened = namespaces.get(name);
			if (!opened) namespaces.set(name, (opened = openNamespace(name, run, schema, context)));
			return opened;
		},
		close: () =>
			(closing ??= pool
				.end()
				.catch((error: unknown) => context.logger.debug('store close failed', { database: label, error: context.fault('closing', error) }))),
	};
}

/** Under an advisory lock, so two instances starting on an empty database do not race on CREATE TABLE. */
async function createSchema(pool: pg.Pool): Promise<void> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
		await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (key VARCHAR(${KEY_SIZE}) PRIMARY KEY, value TEXT)`);
		await client.query(`CREATE INDEX IF NOT EXISTS keyv_key_bytes ON ${TABLE} (key COLLATE "C")`);
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		client.release();
	}
}

function openNamespace(name: string, run: Run, schema: Promise<void>, context: BackendContext): NamespaceBackend {
	const adapter = pooledAdapter(run);
	const keyv = new Keyv({ store: adapter, namespace: name, throwOnErrors: true });
	keyv.on('error', (error: unknown) => context.logger.debug('store error event', { namespace: name, error: context.fault('adapter', error) }));
	const prefixed = (key: string) => `${name}:${key}`;
	const unprefixed = (rows: Row[]): RawRow[] => rows.map((row) => [row.key.slice(name.length + 1), row.value]);
	const ready = (async () => {
		try {
			await schema;
			await run(`SELECT count(*) FROM ${TABLE} WHERE false`);
		} catch (error) {
			throw context.fault(`cannot open (namespace "${name}")`, error);
		}
	})();
	ready.catch(() => {});
	const range = (prefix: string) => [prefixed(prefix), prefixed(prefix) + MAX_KEY_CHAR];
	return {
		name,
		keyv,
		ready,
		async read(keys) {
			const found = new Map<string, string>();
			for (const part of chunk(keys, BATCH_ROWS)) {
				const rows = (await run(`SELECT key, value FROM ${TABLE} WHERE key = ANY($1::text[])`, [part.map(prefixed)])) as Row[];
				for (const [key, value] of unprefixed(rows)) found.set(key, value);
			}
			return found;
		},
		async write(rows) {
			for (const part of chunk(rows, BATCH_ROWS)) {
				await run(`INSERT INTO ${TABLE} (key, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [
					part.map(([key]) => prefixed(key)),
					part.map(([, value]) => value),
				]);
			}
		},
		async list(prefix) {
			const rows = (await run(
				`SELECT key, value FROM ${TABLE} WHERE key COLLATE "C" >= $1 AND key COLLATE "C" < $2 ORDER BY key COLLATE "C"`,
				range(prefix),
			)) as Row[];
			return unprefixed(rows);
		},
		async count() {
			const rows = (await run(`SELECT count(*)::int AS n FROM ${TABLE} WHERE key COLLATE "C" >= $1 AND key COLLATE "C" < $2`, range(''))) as Array<{
				n: number;
			}>;
			return rows[0]?.n ?? 0;
		},
		async swap(changes) {
			const applied: string[] = [];
			for (const part of chunk(changes, BATCH_ROWS))
				applied.push(
					...(await swapBatch(
						run,
						part.map((change) => ({ ...change, key: prefixed(change.key) })),
					)),
				);
			return applied.map((key) => key.slice(name.length + 1));
		},
		query: (sql, ...parameters) => run(sql, parameters),
	};
}

/**
 * Each a single statement and a compare-and-set per row: UPDATE … WHERE value = expected, INSERT … ON
 * CONFLICT DO NOTHING for "only if absent", DELETE … WHERE value = expected; RETURNING says which applied.
 */
async function swapBatch(run: Run, changes: readonly RawChange[]): Promise<string[]> {
	const replaces = changes.filter((change) => change.expected !== undefined && change.next !== undefined);
	const inserts = changes.filter((change) => change.expected === undefined && change.next !== undefined);
	const deletes = changes.filter((change) => change.expected !== undefined && change.next === undefined);
	const keys: string[] = [];
	const collect = (rows: unknown[]) => keys.push(...(rows as Array<{ key: string }>).map((row) => row.key));
	if (replaces.length > 0) {
		collect(
			await run(
				`UPDATE ${TABLE} AS stored SET value = change.next
				FROM unnest($1::text[], $2::text[], $3::text[]) AS change (key, expected, next)
				WHERE stored.key = change.key AND stored.value = change.expected
				RETURNING stored.key`,
				[replaces.map((change) => change.key), replaces.map((change) => change.expected), replaces.map((change) => change.next)],
			),
		);
	}
	if (inserts.length > 0) {
		collect(
			await run(`INSERT INTO ${TABLE} (key, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (key) DO NOTHING RETURNING key`, [
				inserts.map((change) => change.key),
				inserts.map((change) => change.next),
			]),
		);
	}
	if (deletes.length > 0) {
		collect(
			await run(
				`DELETE FROM ${TABLE} AS stored USING unnest($1::text[], $2::text[]) AS change (key, expected)
				WHERE stored.key = change.key AND stored.value = change.expected
				RETURNING stored.key`,
				[deletes.map((change) => change.key), deletes.map((change) => change.expected)],
			),
		);
	}
	return keys;
}

/**
 * @keyv/postgres's own SQL for get, set and delete, on the given pool. Its constructor asks connect() for a
 * query function (and runs its CREATE TABLE IF NOT EXISTS through it, after ours); disconnect() would end the
 * module-wide pool, so the store closes its own pool instead.
 */
function pooledAdapter(run: Run): KeyvPostgres {
	class PooledKeyvPostgres extends KeyvPostgres {
		override async connect() {
			return (sql: string, values?: unknown[]) => run(sql, values) as Promise<never[]>;
		}
		override async disconnect() {}
	}
	return new PooledKeyvPostgres({ table: 'keyv', schema: 'public', keySize: KEY_SIZE });
}
