import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log.js';
import type { Paper } from '../papers/paper.js';
import { openCollection, type Collection, type OpenedCollection } from './collection.js';
import { resolveDatabaseFile } from './database-url.js';
import { describeCause, StoreError } from './errors.js';
import { upsertPaperRecords, type UpsertResult } from './papers.js';
import type { DeliveryRecord, Follow, SourceStatusPatch, SourceStatusRecord, StoredPaper, Subscription } from './records.js';

/** Bump when a stored shape changes incompatibly, and add the migration from the previous version in openStore. */
export const STORE_SCHEMA_VERSION = 1;

const SCHEMA_KEY = 'schemaVersion';

export interface QueryMemo {
	remember(hash: string, query: string): Promise<void>;
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
	close(): Promise<void>;
}

const NAMESPACES = ['subscriptions', 'follows', 'deliveries', 'papers', 'sources', 'meta', 'queries'] as const;
type Namespace = (typeof NAMESPACES)[number];

/**
 * Opens (creating if needed) the one SQLite file behind every namespace, and proves it is readable and
 * writable before anything trusts it: a broken database must stop start-up, never look like "no subscriptions".
 */
export async function openStore(databaseUrl: string, logger: Logger): Promise<Store> {
	const file = resolveDatabaseFile(databaseUrl);
	await prepareDirectory(file);
	const opened = Object.fromEntries(NAMESPACES.map((name) => [name, openCollection(file, name, logger)])) as Record<Namespace, OpenedCollection<unknown>>;
	const closeAll = () => Promise.all(NAMESPACES.map((name) => opened[name].close())).then(() => undefined);
	try {
		await Promise.all(NAMESPACES.map((name) => opened[name].ready));
		// WAL lets the namespace connections read while another writes; it is a property of the file.
		await opened.meta.query('PRAGMA journal_mode = WAL');
		await Promise.all(NAMESPACES.map((name) => opened[name].query('PRAGMA synchronous = NORMAL')));
		await checkSchemaVersion(opened.meta.collection, file);
		await opened.meta.collection.set('openedAt', new Date().toISOString());
	} catch (error) {
		await closeAll();
		if (error instanceof StoreError) throw error;
		throw new StoreError(`Cannot open database ${file}: ${describeCause(error)}`, file, { cause: error });
	}
	logger.info('store opened', { file, schemaVersion: STORE_SCHEMA_VERSION });

	const collection = <T>(name: Namespace) => opened[name].collection as Collection<T>;
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
			remember: (hash, query) => queries.set(hash, query),
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
			await sources.set(name, next);
			return next;
		},
		listSourceStatus: () => sources.values(),
		close: () => (closing ??= closeAll()),
	};
}

async function prepareDirectory(file: string): Promise<void> {
	const directory = dirname(file);
	try {
		await mkdir(directory, { recursive: true });
	} catch (error) {
		throw new StoreError(`Cannot create the directory for database ${file}: ${describeCause(error)}`, file, { cause: error });
	}
	const info = await stat(file).catch(() => undefined);
	if (info?.isDirectory()) throw new StoreError(`Database path ${file} is a directory, not a SQLite file; fix DATABASE_URL`, file);
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
