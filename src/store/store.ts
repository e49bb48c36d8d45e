import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log.js';
import type { Paper } from '../papers/paper.js';
import { openCollection, type Collection, type OpenedCollection } from './collection.js';
import { resolveDatabaseFile } from './database-url.js';
import { describeCause, StoreError } from './errors.js';
import { guardCollection } from './guard.js';
import { createStoreHealth, type StoreHealthSnapshot } from './health.js';
import { StoreMessages } from './messages.js';
import { createWriteGate } from './write-gate.js';
import { upsertPaperRecords, type UpsertResult } from './papers.js';
import type { DeliveryRecord, Follow, SourceStatusPatch, SourceStatusRecord, StoredPaper, Subscription } from './records.js';

/** Bump when a stored shape changes incompatibly, and add the migration from the previous version in openStore. */
export const STORE_SCHEMA_VERSION = 1;

const SCHEMA_KEY = 'schemaVersion';

/**
 * How long a memoised search query outlives its last use (a search run or a page turned): its page buttons
 * keep working that long, then answer as a stale button. Long enough for any conversation a result list is
 * still scrolled in; short enough that the memo table never outgrows a month of searches.
 */
export const QUERY_MEMO_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface QueryMemo {
	/** Remembering a hash again restarts its QUERY_MEMO_TTL_MS. */
	remember(hash: string, query: string): Promise<void>;
	/** `undefined` once expired (even before the prune job deletes the row). */
	recall(hash: string): Promise<string | undefined>;
}

export interface Store {
	/** Absolute path of the database file. */
	readonly file: string;
	readonly subscriptions: Collection<Subscription>;
	readonly follows: Collection<Follow>;
	readonly deliveries: Collection<DeliveryRecord>;
	readonly papers: Collection<StoredPaper>;
	readonly sources: Collection<SourceStatusRecord>;
	readonly meta: Collection<unknown>;
	/** Search queries too long for a custom_id, by hash (pagination survives restarts). */
	readonly queries: QueryMemo;
	/** Dedupes by id; `firstSeenAt` is set to `now` for new papers and never changed afterwards. */
	upsertPapers(papers: readonly Paper[], now?: Date): Promise<UpsertResult>;
	listPapers(): Promise<StoredPaper[]>;
	/** Merges into the source's record; `added` is summed into the running total. */
	recordSourceStatus(name: string, patch: SourceStatusPatch): Promise<SourceStatusRecord>;
	listSourceStatus(): Promise<SourceStatusRecord[]>;
	/** Raw SQL on the database file, for maintenance across namespaces (src/store/prune.ts); reads and writes of records go through the collections. */
	query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
	/** Last storage error (kind, when), unreadable rows skipped, whether writes are failing; in memory only. */
	health(): StoreHealthSnapshot;
	/** Checks now that the path still names the opened file (writes check at most every fileCheckIntervalMs); the refusal, if any. */
	checkFile(): Promise<StoreError | undefined>;
	/** Refuses every later write with `error`: this instance lost the database to another. */
	refuseWrites(error: StoreError): void;
	close(): Promise<void>;
}

export interface StoreOptions {
	/** How often writes re-check the file's identity (default FILE_CHECK_INTERVAL_MS); tests use 0. */
	fileCheckIntervalMs?: number;
}

/** Counted in the start-up line, so an empty or wrong database shows at a glance. */
const COUNTED_NAMESPACES = ['subscriptions', 'follows', 'papers'] as const;

const NAMESPACES = ['subscriptions', 'follows', 'deliveries', 'papers', 'sources', 'meta', 'queries'] as const;
type Namespace = (typeof NAMESPACES)[number];

/**
 * Opens (creating if needed) the one SQLite file behind every namespace, and proves it is readable and
 * writable before anything trusts it: a broken database must stop start-up, never look like "no subscriptions".
 */
export async function openStore(databaseUrl: string, logger: Logger, options: StoreOptions = {}): Promise<Store> {
	const file = resolveDatabaseFile(databaseUrl);
	const existed = await prepareDirectory(file);
	// A mount that failed or a typo in DATABASE_URL looks exactly like a first start: say which it is taken for.
	if (!existed) logger.warn(StoreMessages.newDatabase(file), { file });
	const health = createStoreHealth();
	const opened = Object.fromEntries(
		NAMESPACES.map((name) => [name, openCollection(file, name, logger, { onCorruptRow: (key) => health.recordCorruptRow(name, key) })]),
	) as Record<Namespace, OpenedCollection<unknown>>;
	const closeAll = () => Promise.all(NAMESPACES.map((name) => opened[name].close())).then(() => undefined);
	try {
		await Promise.all(NAMESPACES.map((name) => opened[name].ready));
		// WAL lets the namespace connections read while another writes; it is a property of the file.
		await opened.meta.query('PRAGMA journal_mode = WAL');
		// FULL, not WAL's usual NORMAL: NORMAL may lose the last commits on a power cut, and a reply saying
		// "subscribed" (or a digest recorded as sent) must only go out once the change survives one.
		await Promise.all(NAMESPACES.map((name) => opened[name].query('PRAGMA synchronous = FULL')));
		await checkSchemaVersion(opened.meta.collection, file);
		await opened.meta.collection.set('openedAt', new Date().toISOString());
	} catch (error) {
		await closeAll();
		if (error instanceof StoreError) throw error;
		throw new StoreError(`Cannot open database ${file}: ${describeCause(error)}`, file, { cause: error });
	}
	let gate: Awaited<ReturnType<typeof createWriteGate>>;
	let counts: Record<string, number>;
	try {
		gate = await createWriteGate(file, { logger, health, ...(options.fileCheckIntervalMs === undefined ? {} : { intervalMs: options.fileCheckIntervalMs }) });
		counts = await countRecords(opened.meta, COUNTED_NAMESPACES);
	} catch (error) {
		await closeAll();
		throw new StoreError(`Cannot open database ${file}: ${describeCause(error)}`, file, { cause: error });
	}
	logger.info('store opened', { file, schemaVersion: STORE_SCHEMA_VERSION, created: !existed, ...counts });

	const collection = <T>(name: Namespace) => guardCollection(opened[name].collection as Collection<T>, gate, health);
	const papers = collection<StoredPaper>('papers');
	const sources = collection<SourceStatusRecord>('sources');
	const queries = collection<string>('queries');
	let closing: Promise<void> | undefined;
	return {
		file,
		subscriptions: collection('subscriptions'),
		follows: collection('follows'),
		deliveries: collection('deliveries'),
		papers,
		sources,
		meta: collection('meta'),
		queries: {
			remember: (hash, query) => queries.set(hash, query, QUERY_MEMO_TTL_MS),
			recall: (hash) => queries.get(hash),
		},
		upsertPapers: (incoming, now = new Date()) => upsertPaperRecords(papers, incoming, now),
		listPapers: () => papers.values(),
		async recordSourceStatus(name, patch) {
			const previous = (await sources.get(name)) ?? { name };
			const next: SourceStatusRecord = { ...previous, name };
			if (patch.lastSuccessAt !== undefined) next.lastSuccessAt = patch.lastSuccessAt;
			if (patch.lastErrorAt !== undefined) next.lastErrorAt = patch.lastErrorAt;
			if (patch.lastError !== undefined) next.lastError = patch.lastError;
			if (patch.added !== undefined) {
				next.lastAdded = patch.added;
				next.added = (previous.added ?? 0) + patch.added;
			}
			// What the last run cut: replaced, and removed by a run that cut nothing.
			for (const key of ['lastTruncated', 'lastDroppedEntries', 'lastInvalidUtf8'] as const) {
				const count = patch[key];
				if (count === undefined) continue;
				if (count > 0) next[key] = count;
				else delete next[key];
			}
			await sources.set(name, next);
			return next;
		},
		listSourceStatus: () => sources.values(),
		query: (sql, ...parameters) => opened.meta.query(sql, ...parameters),
		health: () => health.snapshot(),
		checkFile: () => gate.checkFile(),
		refuseWrites: (error) => gate.refuse(error),
		close: () => (closing ??= closeAll()),
	};
}

async function countRecords(meta: OpenedCollection<unknown>, names: readonly string[]): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const name of names) {
		// The key range of a namespace, like Collection.entries: an index walk, not a LIKE scan.
		const rows = (await meta.query('SELECT count(*) AS n FROM keyv WHERE key >= ? AND key < ?', `${name}:`, `${name}:\u{10FFFF}`)) as Array<{ n: number }>;
		counts[name] = rows[0]?.n ?? 0;
	}
	return counts;
}

/** Creates the parent directory; whether the database file was already there. */
async function prepareDirectory(file: string): Promise<boolean> {
	const directory = dirname(file);
	try {
		await mkdir(directory, { recursive: true });
	} catch (error) {
		throw new StoreError(`Cannot create the directory for database ${file}: ${describeCause(error)}`, file, { cause: error });
	}
	const info = await stat(file).catch(() => undefined);
	if (info?.isDirectory()) throw new StoreError(`Database path ${file} is a directory, not a SQLite file; fix DATABASE_URL`, file);
	return info !== undefined;
}

async function checkSchemaVersion(meta: Collection<unknown>, file: string): Promise<void> {
	const version = await meta.get(SCHEMA_KEY);
	if (version === undefined) {
		await meta.set(SCHEMA_KEY, STORE_SCHEMA_VERSION);
		return;
	}
	if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
		throw new StoreError(`Database ${file} has an unreadable schema version (${JSON.stringify(version)}); it was not written by Paperboy`, file);
	}
	if (version > STORE_SCHEMA_VERSION) {
		throw new StoreError(
			`Database ${file} uses schema version ${version}, newer than this Paperboy understands (${STORE_SCHEMA_VERSION}). Upgrade Paperboy, or point DATABASE_URL at another file.`,
			file,
		);
	}
}
