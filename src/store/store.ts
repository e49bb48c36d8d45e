import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log.js';
import type { Paper } from '../papers/paper.js';
import type { RawChange } from './backend.js';
import { createCollection, unchanged, type Collection, type OpenedCollection, type RawNamespace } from './collection.js';
import { parseDatabaseUrl, type BackendKind } from './database-url.js';
import { describeCause, isStoreError, StoreError } from './errors.js';
import { guardCollection } from './guard.js';
import { createStoreHealth, type StoreHealth, type StoreHealthSnapshot } from './health.js';
import { StoreMessages } from './messages.js';
import { openTarget } from './open-backend.js';
import { createWriteGate, type WriteGate } from './write-gate.js';
import { PAPER_FEED_NAMESPACE } from './paper-feed.js';
import { upsertPaperRecords, type UpsertResult } from './papers.js';
import type { DeliveryRecord, Follow, LibraryRecord, SourceStatusPatch, SourceStatusRecord, StoredPaper, Subscription } from './records.js';

/** Bump when a stored shape changes incompatibly, and add the migration from the previous version in openStore. */
export const STORE_SCHEMA_VERSION = 1;

const SCHEMA_KEY = 'schemaVersion';
const STORE_ID_KEY = 'storeId';

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
	/** Names the database in messages and logs: the SQLite file's absolute path, or the server URL with its password masked. */
	readonly file: string;
	/** Which engine DATABASE_URL named. */
	readonly kind: BackendKind;
	/** This database's identity, made when it was created: what a saved index snapshot is matched against. */
	readonly id: string;
	/** Names this opening of the store in the paper feed it writes; its own follower skips those entries. */
	readonly writerId: string;
	/** Stored papers, counted by the engine (no record is read). */
	countPapers(): Promise<number>;
	readonly subscriptions: Collection<Subscription>;
	readonly follows: Collection<Follow>;
	readonly deliveries: Collection<DeliveryRecord>;
	readonly papers: Collection<StoredPaper>;
	readonly sources: Collection<SourceStatusRecord>;
	readonly meta: Collection<unknown>;
	/** Each user's saved papers and tags, by user id; never pruned. */
	readonly library: Collection<LibraryRecord>;
	/** Search queries too long for a custom_id, by hash (pagination survives restarts). */
	readonly queries: QueryMemo;
	/** Dedupes by id; `firstSeenAt` is set to `now` for new papers and never changed afterwards. What changed also goes to the paper feed. */
	upsertPapers(papers: readonly Paper[], now?: Date): Promise<UpsertResult>;
	listPapers(): Promise<StoredPaper[]>;
	/** Merges into the source's record; `added` is summed into the running total. */
	recordSourceStatus(name: string, patch: SourceStatusPatch): Promise<SourceStatusRecord>;
	listSourceStatus(): Promise<SourceStatusRecord[]>;
	/**
	 * A namespace's rows as stored, for maintenance across records (src/store/prune.ts): listing, batches and
	 * compare-and-set, the same on every engine. Its writes pass the same gate as the collections'.
	 */
	raw(namespace: StoreNamespace): RawNamespace;
	/** The engine's own SQL (SQLite, PostgreSQL; Redis refuses), for diagnostics and benchmarks; records go through the collections. */
	query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
	/** Last storage error (kind, when), unreadable rows skipped, whether writes are failing; in memory only. */
	health(): StoreHealthSnapshot;
	/**
	 * Checks now that the path still names the opened file (writes check at most every fileCheckIntervalMs); the
	 * refusal, if any. A server has no file: only a refusal.
	 */
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

/** `papers-changed`: the paper change feed other processes on the database follow (src/store/paper-feed.ts). */
const NAMESPACES = ['subscriptions', 'follows', 'deliveries', 'papers', 'sources', 'meta', 'queries', 'papers-changed', 'library'] as const;
export type StoreNamespace = (typeof NAMESPACES)[number];
type Namespace = StoreNamespace;

/**
 * Opens the database behind every namespace (creating the SQLite file or the server's table if needed) and
 * proves it is readable and writable before anything trusts it: a broken database or an unreachable server
 * must stop start-up, never look like "no subscriptions".
 */
export async function openStore(databaseUrl: string, logger: Logger, options: StoreOptions = {}): Promise<Store> {
	const target = parseDatabaseUrl(databaseUrl);
	const label = target.label;
	// A mount that failed or a typo in DATABASE_URL looks exactly like a first start: say which it is taken for.
	const fileExisted = target.kind === 'sqlite' ? await prepareDirectory(target.file) : undefined;
	if (target.kind === 'sqlite' && !fileExisted) logger.warn(StoreMessages.newDatabase(target.file), { file: target.file });
	const { backend, context } = openTarget(target, logger);
	const health = createStoreHealth();
	let closing: Promise<void> | undefined;
	const closed = () => (closing ? new StoreError(`Database ${label}: the store is closed`, label, { kind: 'other' }) : undefined);
	const opened = Object.fromEntries(
		NAMESPACES.map((name) => [name, createCollection(backend, name, context, { onCorruptRow: (key) => health.recordCorruptRow(name, key), closed })]),
	) as Record<Namespace, Omit<OpenedCollection<unknown>, 'close'>>;
	const fail = async (error: unknown): Promise<never> => {
		await backend.close();
		if (error instanceof StoreError) throw error;
		throw new StoreError(`Cannot open database ${label}: ${describeCause(error)}`, label, { cause: error });
	};
	let created: boolean;
	let gate: WriteGate;
	let counts: Record<string, number>;
	let id: string;
	try {
		await Promise.all(NAMESPACES.map((name) => opened[name].ready));
		const hadSchema = await checkSchemaVersion(opened.meta.collection, label);
		created = target.kind === 'sqlite' ? !fileExisted : !hadSchema;
		if (target.kind !== 'sqlite' && created) logger.warn(StoreMessages.newServerStore(label), { file: label });
		await opened.meta.collection.set('openedAt', new Date().toISOString());
		id = await readStoreId(opened.meta.collection);
		gate = await createWriteGate(target.kind === 'sqlite' ? target.file : undefined, {
			logger,
			health,
			...(options.fileCheckIntervalMs === undefined ? {} : { intervalMs: options.fileCheckIntervalMs }),
		});
		counts = await countRecords(opened, COUNTED_NAMESPACES);
	} catch (error) {
		return fail(error);
	}
	logger.info('store opened', { file: label, backend: target.kind, schemaVersion: STORE_SCHEMA_VERSION, created, ...counts });

	const collection = <T>(name: Namespace) => guardCollection(opened[name].collection as Collection<T>, gate, health);
	const papers = collection<StoredPaper>('papers');
	const sources = collection<SourceStatusRecord>('sources');
	const queries = collection<string>('queries');
	const raws = new Map(NAMESPACES.map((name) => [name, guardRaw(opened[name].raw, gate, health)]));
	// Per opening, not per process: a bot restarted in the same process (the sandbox, a 4011 re-plan) has a new
	// index, and must read back what its predecessor wrote to the feed after the index snapshot was taken.
	const writerId = randomUUID();
	const feed = { raw: raws.get(PAPER_FEED_NAMESPACE) as RawNamespace, by: writerId };
	return {
		file: label,
		kind: target.kind,
		id,
		writerId,
		countPapers: () => (raws.get('papers') as RawNamespace).count(),
		subscriptions: collection('subscriptions'),
		follows: collection('follows'),
		deliveries: collection('deliveries'),
		papers,
		sources,
		meta: collection('meta'),
		library: collection('library'),
		queries: {
			remember: (hash, query) => queries.set(hash, query, QUERY_MEMO_TTL_MS),
			recall: (hash) => queries.get(hash),
		},
		upsertPapers: (incoming, now = new Date()) => upsertPaperRecords(papers, incoming, now, feed),
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
		raw: (namespace) => {
			const found = raws.get(namespace);
			if (!found) throw new Error(`unknown store namespace ${JSON.stringify(namespace)}`);
			return found;
		},
		query: (sql, ...parameters) => opened.meta.query(sql, ...parameters),
		health: () => health.snapshot(),
		checkFile: () => gate.checkFile(),
		refuseWrites: (error) => gate.refuse(error),
		close: () => (closing ??= backend.close()),
	};
}

/** Raw writes are writes: the same gate (file replaced, lease lost) and the same health as the collections'. */
function guardRaw(raw: RawNamespace, gate: WriteGate, health: StoreHealth): RawNamespace {
	const observe = async <R>(write: boolean, work: () => Promise<R>): Promise<R> => {
		try {
			if (write) await gate.assertWritable();
			const result = await work();
			if (write) health.recordWrite();
			return result;
		} catch (error) {
			if (isStoreError(error)) health.recordError(error);
			throw error;
		}
	};
	return {
		...raw,
		list: (prefix) => observe(false, () => raw.list(prefix)),
		count: () => observe(false, () => raw.count()),
		read: (keys) => observe(false, () => raw.read(keys)),
		write: (rows) => observe(true, () => raw.write(rows)),
		swap: (changes: readonly RawChange[]) => observe(true, () => raw.swap(changes)),
	};
}

async function countRecords(opened: Record<Namespace, Pick<OpenedCollection<unknown>, 'raw'>>, names: readonly Namespace[]): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const name of names) counts[name] = await opened[name].raw.count();
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

/** A database made before ids existed gets one now; `update` makes two first opens agree on one. */
async function readStoreId(meta: Collection<unknown>): Promise<string> {
	const id = await meta.update(STORE_ID_KEY, (current) => (typeof current === 'string' && current !== '' ? unchanged : randomUUID()));
	return id as string;
}

/** Whether a schema version was there (a database Paperboy wrote before); writes it on a fresh one. */
async function checkSchemaVersion(meta: Collection<unknown>, label: string): Promise<boolean> {
	const version = await meta.get(SCHEMA_KEY);
	if (version === undefined) {
		await meta.set(SCHEMA_KEY, STORE_SCHEMA_VERSION);
		return false;
	}
	if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
		throw new StoreError(`Database ${label} has an unreadable schema version (${JSON.stringify(version)}); it was not written by Paperboy`, label);
	}
	if (version > STORE_SCHEMA_VERSION) {
		throw new StoreError(
			`Database ${label} uses schema version ${version}, newer than this Paperboy understands ` +
				`(${STORE_SCHEMA_VERSION}). Upgrade Paperboy, or point DATABASE_URL at another database.`,
			label,
		);
	}
	return true;
}
