import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/log.js';
import { compareKeys } from '../src/store/backend.js';
import { openCollection, unchanged, type OpenedCollection } from '../src/store/collection.js';
import { StoreError } from '../src/store/errors.js';
import { acquireLease, LEASE_KEY, LEASE_NAMESPACE, type DatabaseLease, type LeaseRecord } from '../src/store/lease.js';
import { pruneStore, REMOVED_TARGET_GRACE_DAYS, sentFloor } from '../src/store/prune.js';
import type { DeliveryRecord, Follow, Subscription } from '../src/store/records.js';
import { openStore, QUERY_MEMO_TTL_MS, STORE_SCHEMA_VERSION, type Store, type StoreOptions } from '../src/store/store.js';
import { UserError } from '../src/errors.js';
import { copyPaper, savePaper } from '../src/library/library.js';
import { LibraryLimits } from '../src/library/limits.js';
import type { Paper } from '../src/papers/paper.js';
import {
	createPostgresDatabase,
	createRedisDatabase,
	findTestServers,
	registerServerCheck,
	freePort,
	startTcpProxy,
	type ServerAvailability,
	type TestDatabase,
} from './support/servers.js';

/**
 * One contract for every engine DATABASE_URL can name: the same tests on a SQLite temp file, a real PostgreSQL
 * and a real Redis (see test/support/servers.ts for where those come from and when they are skipped).
 */

const servers = await findTestServers();
afterAll(() => servers.stop());

interface Engine {
	name: 'sqlite' | 'postgres' | 'redis';
	availability: ServerAvailability | { available: true; url: string };
	fresh(url: string): Promise<TestDatabase>;
}

const ENGINES: Engine[] = [
	{
		name: 'sqlite',
		availability: { available: true, url: 'sqlite://' },
		async fresh() {
			const dir = mkdtempSync(join(tmpdir(), 'paperboy-contract-'));
			return { url: `sqlite://${join(dir, 'paperboy.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
		},
	},
	{ name: 'postgres', availability: servers.postgres, fresh: createPostgresDatabase },
	{ name: 'redis', availability: servers.redis, fresh: createRedisDatabase },
];

const DAY_MS = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function subscription(guildId: string, channelId: string, topics: string[] = []): Subscription {
	return { guildId, channelId, time: '09:00', timezone: 'UTC', topics, maxPapers: 10, createdBy: 'u', createdAt: '2026-03-14T00:00:00.000Z' };
}
function follow(userId: string): Follow {
	return { userId, topics: [], time: '09:00', timezone: 'UTC', createdAt: '2026-03-14T00:00:00.000Z' };
}
function libraryPaper(n: number): Paper {
	const id = `2403.${String(n).padStart(5, '0')}`;
	const authors = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'];
	return {
		id,
		arxivId: id,
		title: `A realistically long paper title, number ${n}, about diffusion`,
		abstract: '',
		authors,
		listedOn: '2026-03-14',
		source: 'hf-daily',
	};
}

describe.each(ENGINES)('the store on $name', (engine) => {
	const { availability } = engine;
	if (!registerServerCheck(engine.name, availability)) return;
	const server = engine.name !== 'sqlite';
	let database: TestDatabase;
	let lines: string[];
	const logger = () => createLogger({ level: 'debug', write: (line) => lines.push(line) });
	const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
	const closing: Array<{ close(): Promise<void> }> = [];
	const open = async (options: StoreOptions = {}, url = database.url) => {
		const store = await openStore(url, logger(), options);
		closing.push(store);
		return store;
	};
	const side = async <T>(name: string): Promise<OpenedCollection<T>> => {
		const collection = openCollection<T>(database.url, name, logger());
		closing.push(collection);
		await collection.ready;
		return collection;
	};
	const failure = async (work: Promise<unknown>) => {
		const error = await work.then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(StoreError);
		return error as StoreError;
	};

	beforeEach(async () => {
		lines = [];
		database = await engine.fresh(availability.url);
	});
	afterEach(async () => {
		vi.useRealTimers();
		await Promise.all(closing.splice(0).map((item) => item.close()));
		await database.drop();
	});

	describe('records', () => {
		it('gets, sets, overwrites and deletes, keeping JSON values as they were', async () => {
			const store = await open();
			expect(await store.meta.get('missing')).toBeUndefined();
			const value = { text: ':starts with a colon', unicode: 'Grüße, 論文 😀', nested: { list: [1, 2.5, null, true] }, empty: '' };
			await store.meta.set('k', value);
			expect(await store.meta.get('k')).toEqual(value);
			await store.meta.set('k', 'replaced');
			expect(await store.meta.get('k')).toBe('replaced');
			expect(await store.meta.delete('k')).toBe(true);
			expect(await store.meta.delete('k')).toBe(false);
			expect(await store.meta.get('k')).toBeUndefined();
		});

		it('keeps everything across close and reopen, and counts it in the start-up line', async () => {
			const first = await open();
			await first.subscriptions.setMany([
				['g:c1', subscription('g', 'c1')],
				['g:c2', subscription('g', 'c2')],
			]);
			await first.follows.set('u1', follow('u1'));
			await first.upsertPapers([{ id: '2603.00001', title: 'A', abstract: '', authors: [], listedOn: '2026-03-14', source: 'hf-daily' }]);
			await first.queries.remember('abc', 'a long query');
			await first.close();
			lines = [];
			const second = await open();
			expect(await second.subscriptions.get('g:c1')).toEqual(subscription('g', 'c1'));
			expect((await second.listPapers()).map((paper) => paper.id)).toEqual(['2603.00001']);
			expect(await second.queries.recall('abc')).toBe('a long query');
			expect(logged().filter((entry) => entry.level === 'warn')).toEqual([]);
			expect(logged().find((entry) => entry.message === 'store opened')).toMatchObject({
				file: second.file,
				backend: engine.name,
				created: false,
				subscriptions: 2,
				follows: 1,
				papers: 1,
			});
		});

		it('warns once that it creates a new store when nothing of Paperboy was there', async () => {
			const store = await open();
			const warning = logged().find((entry) => entry.level === 'warn');
			expect(String(warning?.message)).toMatch(
				server ? /^creating a new store in .*: it held no Paperboy data/ : /^creating a new database at .*: no file was there/,
			);
			expect(logged().find((entry) => entry.message === 'store opened')).toMatchObject({ created: true, subscriptions: 0 });
			expect(store.kind).toBe(engine.name);
		});

		it('writes and reads 1,000 rows in batches, answering getMany in the order asked with gaps for missing keys', async () => {
			const store = await open();
			const entries = Array.from(
				{ length: 1_000 },
				(_, index) => [`g${index % 10}:c${String(index).padStart(4, '0')}`, subscription(`g${index % 10}`, `c${index}`)] as const,
			);
			await store.subscriptions.setMany(entries);
			const keys = [...entries.map(([key]) => key)].reverse();
			const found = await store.subscriptions.getMany([keys[0] as string, 'missing', ...keys.slice(1)]);
			expect(found).toHaveLength(1_001);
			expect(found[1]).toBeUndefined();
			expect(found[0]).toEqual(entries[999]?.[1]);
			expect(found.filter((value) => value !== undefined)).toHaveLength(1_000);
			expect(await store.subscriptions.values()).toHaveLength(1_000);
			expect(await store.subscriptions.values('g7:')).toHaveLength(100);
			expect(await store.subscriptions.getMany([])).toEqual([]);
		});

		it('keeps the last value of a key given twice in one batch', async () => {
			const store = await open();
			await store.subscriptions.setMany([
				['g:c', subscription('g', 'c', ['first'])],
				['g:c', subscription('g', 'c', ['last'])],
			]);
			expect((await store.subscriptions.get('g:c'))?.topics).toEqual(['last']);
		});
	});

	describe('listings', () => {
		it('lists by prefix in code-point key order, one namespace only, with prefixes taken literally', async () => {
			const store = await open();
			const keys = ['g10:c1', 'g1:c2', 'g1:c1', 'G1:c1', 'g1:ä', 'g1:😀', 'g1:\uFFFD', 'g1:Z', 'g1:*x', 'g1:[a]', 'g1:?', 'g1:\\', 'g2:c1', 'g1'];
			for (const key of keys) await store.subscriptions.set(key, subscription('g', key));
			// A namespace whose name starts with another's must not leak into it, in either direction.
			const neighbour = await side<unknown>('subscriptions-x');
			await neighbour.collection.set('g1:c9', 'neighbour');
			await store.follows.set('g1:c9', follow('g1:c9'));

			const all = (await store.subscriptions.entries()).map(([key]) => key);
			expect(all).toEqual([...keys].sort(compareKeys));
			expect(all.indexOf('g1:\uFFFD')).toBeLessThan(all.indexOf('g1:😀'));
			expect((await store.subscriptions.entries('g1:')).map(([key]) => key)).toEqual(keys.filter((key) => key.startsWith('g1:')).sort(compareKeys));
			expect((await store.subscriptions.entries('g1:*')).map(([key]) => key)).toEqual(['g1:*x']);
			expect((await store.subscriptions.entries('g1:[')).map(([key]) => key)).toEqual(['g1:[a]']);
			expect((await store.subscriptions.entries('g1:?')).map(([key]) => key)).toEqual(['g1:?']);
			expect((await store.subscriptions.entries('g1:\\')).map(([key]) => key)).toEqual(['g1:\\']);
			expect(await store.subscriptions.entries('nothing')).toEqual([]);
			expect((await neighbour.collection.entries()).map(([key]) => key)).toEqual(['g1:c9']);
			expect(await store.raw('subscriptions').count()).toBe(keys.length);
		});
	});

	describe('TTL', () => {
		it('expires an entry after its TTL and restarts the count when it is set again', async () => {
			const store = await open();
			await store.meta.set('short', 'short-lived', 300);
			await store.meta.set('renewed', 'renewed', 400);
			await store.meta.set('kept', 'kept');
			expect(await store.meta.get('short')).toBe('short-lived');
			await sleep(250);
			await store.meta.set('renewed', 'renewed', 400);
			await sleep(250);
			expect(await store.meta.get('short')).toBeUndefined();
			expect(await store.meta.getMany(['short', 'renewed', 'kept'])).toEqual([undefined, 'renewed', 'kept']);
			expect((await store.meta.entries()).map(([key]) => key)).not.toContain('short');
			await sleep(300);
			expect(await store.meta.get('renewed')).toBeUndefined();
			expect(await store.meta.get('kept')).toBe('kept');
		});
	});

	describe('Collection.update', () => {
		it('applies 40 concurrent read-modify-writes, losing none', async () => {
			const store = await open();
			await store.subscriptions.set('g:c', subscription('g', 'c'));
			await Promise.all(
				Array.from({ length: 40 }, (_, index) =>
					store.subscriptions.update('g:c', (current) => (current ? { ...current, topics: [...current.topics, `t${index}`] } : current)),
				),
			);
			expect((await store.subscriptions.get('g:c'))?.topics).toHaveLength(40);
		});

		it('loses no update between two stores on the same database (compare-and-set, not only the in-process lock)', async () => {
			const first = await open();
			const second = await open();
			await first.subscriptions.set('g:c', subscription('g', 'c'));
			const add = (store: Store, tag: string) =>
				store.subscriptions.update('g:c', (current) => (current ? { ...current, topics: [...current.topics, tag] } : current));
			await Promise.all(Array.from({ length: 20 }, (_, index) => [add(first, `a${index}`), add(second, `b${index}`)]).flat());
			const topics = (await first.subscriptions.get('g:c'))?.topics ?? [];
			expect(topics).toHaveLength(40);
			expect(new Set(topics).size).toBe(40);
		});

		it('starts from the change another store made since this one last read or wrote the record', async () => {
			const first = await open();
			const second = await open();
			const add = (store: Store, tag: string) =>
				store.subscriptions.update('g:c', (current) => ({ ...(current ?? subscription('g', 'c')), topics: [...(current?.topics ?? []), tag] }));
			await add(first, 'a1');
			await add(second, 'b1');
			expect((await first.subscriptions.update('g:c', () => unchanged))?.topics).toEqual(['a1', 'b1']);
			await second.subscriptions.delete('g:c');
			expect(await first.subscriptions.update('g:c', (current) => current ?? unchanged)).toBeUndefined();
			await add(second, 'b2');
			await add(first, 'a2');
			expect((await second.subscriptions.get('g:c'))?.topics).toEqual(['b2', 'a2']);
		});

		it("tries the caller's copy of the record as the stored row, and changes the stored one when they differ", async () => {
			const first = await open();
			const second = await open();
			const third = await open();
			const listed = subscription('g', 'c');
			await first.subscriptions.set('g:c', listed);
			const seen: string[][] = [];
			const add = (store: Store, tag: string) =>
				store.subscriptions.update(
					'g:c',
					(current) => {
						seen.push(current?.topics ?? ['(none)']);
						return current ? { ...current, topics: [...current.topics, tag] } : unchanged;
					},
					listed,
				);
			// The copy is what is stored: one change, on it, and no read first.
			await add(second, 'b1');
			expect(seen).toEqual([[]]);
			// The copy is stale: the change runs again, on the stored row, and keeps b1.
			await add(third, 'c1');
			expect(seen).toEqual([[], [], ['b1']]);
			expect((await first.subscriptions.get('g:c'))?.topics).toEqual(['b1', 'c1']);
			// Deleted meanwhile: the copy does not bring it back.
			await first.subscriptions.delete('g:c');
			const fourth = await open();
			expect(await add(fourth, 'd1')).toBeUndefined();
			expect(seen.at(-1)).toEqual(['(none)']);
			expect(await first.subscriptions.get('g:c')).toBeUndefined();
		});

		it('never overwrites a row another store created after this one read it missing', async () => {
			const first = await open();
			const second = await open();
			expect(await first.subscriptions.get('g:c')).toBeUndefined();
			await second.subscriptions.set('g:c', subscription('g', 'c', ['b1']));
			const seen: Array<string[] | undefined> = [];
			await first.subscriptions.update('g:c', (current) => {
				seen.push(current?.topics);
				return { ...(current ?? subscription('g', 'c')), topics: [...(current?.topics ?? []), 'a1'] };
			});
			// Tried as still missing (no read), refused by the insert, then changed on the row the other store wrote.
			expect(seen).toEqual([undefined, ['b1']]);
			expect((await second.subscriptions.get('g:c'))?.topics).toEqual(['b1', 'a1']);
		});

		it('deletes on undefined, keeps the record on unchanged, and frees the key when a change throws', async () => {
			const store = await open();
			await store.subscriptions.set('g:c', subscription('g', 'c'));
			expect(await store.subscriptions.update('g:c', () => unchanged)).toMatchObject({ channelId: 'c' });
			await expect(
				store.subscriptions.update('g:c', () => {
					throw new Error('refused');
				}),
			).rejects.toThrow('refused');
			expect(await store.subscriptions.update('g:c', () => undefined)).toBeUndefined();
			expect(await store.subscriptions.get('g:c')).toBeUndefined();
			expect(await store.subscriptions.update('g:new', (current) => current ?? subscription('g', 'new'))).toMatchObject({ channelId: 'new' });
		});
	});

	describe('the library', () => {
		it('keeps every save to one full-size library from two stores, and refuses the one past the cap', async () => {
			const first = await open();
			const second = await open();
			const now = new Date('2026-03-14T12:00:00.000Z');
			const papers = Array.from({ length: LibraryLimits.papersPerUser - 10 }, (_, n) => copyPaper(libraryPaper(n), ['to-read'], now.toISOString()));
			await first.library.set('u1', { userId: 'u1', papers, updatedAt: now.toISOString() });
			await Promise.all(Array.from({ length: 10 }, (_, n) => savePaper(n % 2 === 0 ? first : second, 'u1', libraryPaper(10_000 + n), [], now)));
			const stored = await second.library.get('u1');
			expect(stored?.papers).toHaveLength(LibraryLimits.papersPerUser);
			expect(stored?.papers[0]).toEqual(papers[0]);
			await expect(savePaper(first, 'u1', libraryPaper(20_000), [], now)).rejects.toBeInstanceOf(UserError);
		});
	});

	describe('compare-and-set (Store.raw.swap)', () => {
		it('applies a change only to the row it expects', async () => {
			const store = await open();
			const raw = store.raw('meta');
			const a = raw.encode('a');
			const b = raw.encode('b');
			expect(await raw.swap([{ key: 'x', expected: undefined, next: a }])).toEqual(['x']);
			expect(await raw.swap([{ key: 'x', expected: undefined, next: b }])).toEqual([]);
			expect(await raw.swap([{ key: 'x', expected: b, next: a }])).toEqual([]);
			expect(await raw.swap([{ key: 'x', expected: a, next: b }])).toEqual(['x']);
			expect(await store.meta.get('x')).toBe('b');
			expect(await raw.swap([{ key: 'x', expected: a, next: undefined }])).toEqual([]);
			expect(await raw.swap([{ key: 'x', expected: b, next: undefined }])).toEqual(['x']);
			expect(await store.meta.get('x')).toBeUndefined();
			// A batch: each row on its own.
			await store.meta.setMany([
				['p', 1],
				['q', 2],
			]);
			const stored = await raw.read(['p', 'q']);
			const applied = await raw.swap([
				{ key: 'p', expected: stored.get('p'), next: raw.encode(10) },
				{ key: 'q', expected: raw.encode(99), next: raw.encode(20) },
				{ key: 'r', expected: undefined, next: raw.encode(30) },
			]);
			expect(applied.sort()).toEqual(['p', 'r']);
			expect(await store.meta.getMany(['p', 'q', 'r'])).toEqual([10, 2, 30]);
		});

		it('lets only one of many racing claims of an absent row win', async () => {
			const stores = [await open(), await open(), await open()];
			const results = await Promise.all(
				stores.flatMap((store, s) =>
					Array.from({ length: 5 }, (_, i) => store.raw('meta').swap([{ key: 'claim', expected: undefined, next: store.raw('meta').encode(`${s}-${i}`) }])),
				),
			);
			expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
		});
	});

	describe('lease', () => {
		let time: number;
		const now = () => time;
		const held: DatabaseLease[] = [];
		const take = async (instanceId: string, options: Parameters<typeof acquireLease>[2] = {}) => {
			const lease = await acquireLease(database.url, logger(), { instanceId, now, ttlMs: 30_000, renewEveryMs: 10_000, pollEveryMs: 10, ...options });
			held.push(lease);
			return lease;
		};
		const until = async (condition: () => boolean) => {
			for (let attempt = 0; attempt < 500 && !condition(); attempt += 1) await sleep(10);
			if (!condition()) throw new Error('condition not reached');
		};
		beforeEach(() => {
			time = Date.parse('2026-03-14T08:00:00.000Z');
		});
		afterEach(async () => {
			await Promise.all(held.splice(0).map((lease) => lease.abandon()));
		});

		it('is held by one of two instances at a time: claim, stand by, renew, release, take over', async () => {
			const probe = await side<LeaseRecord>(LEASE_NAMESPACE);
			const first = await take('a');
			expect(await probe.collection.get(LEASE_KEY)).toMatchObject({
				instanceId: 'a',
				host: hostname(),
				since: '2026-03-14T08:00:00.000Z',
				expiresAt: '2026-03-14T08:00:30.000Z',
			});
			let second: DatabaseLease | undefined;
			const waiting = take('b').then((lease) => (second = lease));
			await until(() => logged().some((entry) => entry.level === 'warn' && String(entry.message).startsWith('ANOTHER PAPERBOY INSTANCE HOLDS THE DATABASE')));
			time += 10_000;
			expect(await first.renew()).toBe(true);
			expect(await probe.collection.get(LEASE_KEY)).toMatchObject({
				instanceId: 'a',
				since: '2026-03-14T08:00:00.000Z',
				renewedAt: '2026-03-14T08:00:10.000Z',
			});
			await sleep(50);
			expect(second).toBeUndefined();
			await first.release();
			await waiting;
			expect((await probe.collection.get(LEASE_KEY))?.instanceId).toBe('b');
			expect(first.file).toEqual(server ? expect.stringMatching(/^(postgresql|redis):\/\//) : expect.stringContaining('paperboy.sqlite'));
		});

		it('is taken over once an unrenewed lease expires, and not before; the old holder finds it lost', async () => {
			const lost: StoreError[] = [];
			const first = await take('a', { onLost: (error) => lost.push(error) });
			let second: DatabaseLease | undefined;
			const waiting = take('b').then((lease) => (second = lease));
			time += 30_000 - 1;
			await sleep(60);
			expect(second).toBeUndefined();
			time += 1;
			await waiting;
			expect(second?.record).toMatchObject({ instanceId: 'b', since: '2026-03-14T08:00:30.000Z' });
			expect(await first.renew()).toBe(false);
			expect(lost.map((error) => error.kind)).toEqual(['lease-lost']);
			// Releasing a lease that is no longer ours leaves the new holder alone.
			await first.release();
			const probe = await side<LeaseRecord>(LEASE_NAMESPACE);
			expect((await probe.collection.get(LEASE_KEY))?.instanceId).toBe('b');
		});

		it('takes over a lease row that is not readable', async () => {
			const probe = await side<LeaseRecord>(LEASE_NAMESPACE);
			await probe.raw.write([[LEASE_KEY, 'garbage']]);
			await take('a');
			expect((await probe.collection.get(LEASE_KEY))?.instanceId).toBe('a');
		});
	});

	describe('pruneStore', () => {
		const T0 = Date.parse('2026-03-01T09:00:00.000Z');
		const setSystemTime = (ms: number) => {
			vi.useFakeTimers({ toFake: ['Date'] });
			vi.setSystemTime(ms);
		};

		it('deletes expired memos, gives legacy memos a TTL, and keeps fresh ones', async () => {
			const store = await open();
			setSystemTime(T0);
			await store.queries.remember('old', 'an old long query');
			setSystemTime(T0 + 20 * DAY_MS);
			await store.queries.remember('fresh', 'a fresh long query');
			vi.useRealTimers();
			await store.raw('queries').write([['legacy', JSON.stringify({ value: 'a legacy query' })]]);
			const now = T0 + QUERY_MEMO_TTL_MS + 1;
			const report = await pruneStore(store, new Date(now), logger());
			expect(report).toMatchObject({ expiredQueries: 1, adoptedQueries: 1 });
			expect((await store.raw('queries').list()).map(([key]) => key)).toEqual(['fresh', 'legacy']);
			setSystemTime(now + QUERY_MEMO_TTL_MS - 1);
			expect(await store.queries.recall('legacy')).toBe('a legacy query');
			expect(await store.queries.recall('fresh')).toBeUndefined();
		});

		it("trims `sent` maps to the floor and deletes a removed target's record only after the grace period", async () => {
			const store = await open();
			const now = new Date('2026-04-20T12:00:00.000Z');
			const floor = sentFloor(now);
			const kept: DeliveryRecord = {
				target: 'channel:c1',
				sent: { edge: floor, recent: '2026-04-19' },
				lastOutcome: { day: '2026-04-19', at: '2026-04-19T09:00:00.000Z', outcome: 'sent', paperCount: 2 },
			};
			await store.subscriptions.set('g:c1', subscription('g', 'c1'));
			await store.deliveries.set('channel:c1', { ...kept, sent: { ...kept.sent, old: '2026-03-01' } });
			const lastAt = new Date(now.getTime() - (REMOVED_TARGET_GRACE_DAYS - 1) * DAY_MS).toISOString();
			await store.deliveries.set('channel:gone', {
				target: 'channel:gone',
				sent: {},
				lastOutcome: { day: '2026-03-20', at: lastAt, outcome: 'sent', paperCount: 1 },
			});
			await store.deliveries.set('user:gone', {
				target: 'user:gone',
				sent: {},
				pending: { day: '2026-01-01', nonce: 'n', paperIds: [], at: '2026-01-01T00:00:00.000Z' },
			});
			await store.raw('deliveries').write([['channel:unreadable', 'not json']]);

			const report = await pruneStore(store, now, logger());
			expect(report).toMatchObject({ trimmedRecords: 1, removedTargets: 1 });
			expect(await store.deliveries.get('channel:c1')).toEqual(kept);
			expect(await store.deliveries.get('user:gone')).toBeUndefined();
			expect(await store.deliveries.get('channel:gone')).toBeDefined();
			expect((await pruneStore(store, new Date(now.getTime() + 2 * DAY_MS), logger())).removedTargets).toBe(1);
			expect((await store.raw('deliveries').list()).map(([key]) => key)).toEqual(['channel:c1', 'channel:unreadable']);
		});

		it('never prunes saved papers', async () => {
			const store = await open();
			const saved = await savePaper(store, 'u1', libraryPaper(1), ['keep'], new Date('2020-01-01T00:00:00.000Z'));
			await pruneStore(store, new Date('2036-01-01T00:00:00.000Z'), logger());
			expect((await store.library.get('u1'))?.papers).toEqual([saved.entry]);
		});
	});

	describe('schema and damaged rows', () => {
		it('refuses a database written by a newer schema version', async () => {
			const store = await open();
			await store.meta.set('schemaVersion', STORE_SCHEMA_VERSION + 1);
			await store.close();
			const error = await failure(open());
			expect(error.message).toMatch(/schema version 2, newer than this Paperboy understands \(1\)/);
		});

		it('skips a corrupt row in listings, reporting it by namespace and key, and fails loudly on reading it by name', async () => {
			const store = await open();
			await store.follows.setMany([
				['u1', follow('u1')],
				['u3', follow('u3')],
			]);
			await store.raw('follows').write([
				['u2', '{"value": {"userId": "u2", trunc'],
				['u4', '{"userId": "u4"}'],
			]);
			expect((await store.follows.values()).map((entry) => entry.userId)).toEqual(['u1', 'u3']);
			expect(await store.follows.getMany(['u1', 'u2', 'u3'])).toEqual([follow('u1'), undefined, follow('u3')]);
			const reported = logged().filter((entry) => entry.message === 'unreadable stored record skipped');
			expect(reported.map((entry) => [entry.level, entry.namespace, entry.key])).toEqual(
				expect.arrayContaining([
					['error', 'follows', 'u2'],
					['error', 'follows', 'u4'],
				]),
			);
			expect(store.health().corruptRows).toBe(2);
			const error = await failure(store.follows.get('u2'));
			expect(error.kind).toBe('corrupt');
			expect(error.message).toContain('u2');
		});

		it('answers every call after close with a StoreError, never "nothing stored"', async () => {
			const store = await open();
			await store.subscriptions.set('g:c1', subscription('g', 'c1'));
			await store.close();
			await failure(store.subscriptions.get('g:c1'));
			await failure(store.subscriptions.values());
			await failure(store.subscriptions.set('g:c2', subscription('g', 'c2')));
		});
	});

	describe.runIf(server)('a server that is down', () => {
		const PASSWORD = 'hunter2-not-for-logs';
		const withPassword = (url: string) => {
			const parsed = new URL(url);
			if (engine.name === 'postgres') parsed.username ||= 'paperboy';
			parsed.password = PASSWORD;
			return parsed.toString();
		};

		it('fails to open with a StoreError of kind io naming the server without its password', async () => {
			const closed = new URL(database.url);
			closed.port = String(await freePort());
			const error = await failure(openStore(withPassword(closed.toString()), logger()));
			expect(error.kind).toBe('io');
			expect(error.message).toContain(`127.0.0.1:${closed.port}`);
			expect(error.message).toContain(':***@');
			expect(`${error.message} ${error.file} ${lines.join('\n')}`).not.toContain(PASSWORD);
			await failure(acquireLease(withPassword(closed.toString()), logger(), { pollEveryMs: 10 }));
		});

		it('turns a connection lost mid-run into StoreErrors of kind io on reads, writes and listings, and health says so', async () => {
			const proxy = await startTcpProxy(database.url);
			try {
				const store = await open({}, proxy.via(database.url));
				await store.subscriptions.set('g:c1', subscription('g', 'c1'));
				await proxy.close();
				await sleep(50);
				for (const work of [
					() => store.subscriptions.get('g:c1'),
					() => store.subscriptions.set('g:c2', subscription('g', 'c2')),
					() => store.subscriptions.values(),
					() => store.subscriptions.getMany(['g:c1']),
					() => store.subscriptions.update('g:c1', (current) => current),
					() => store.subscriptions.delete('g:c1'),
				]) {
					expect((await failure(work())).kind).toBe('io');
				}
				expect(store.health()).toMatchObject({ failing: true, lastError: { kind: 'io' } });
			} finally {
				await proxy.close();
			}
		});

		it('never logs the password of a URL it opens', async () => {
			const url = withPassword(database.url);
			// PostgreSQL here trusts loopback (the password is not checked); Redis without one refuses the AUTH.
			if (engine.name === 'postgres') {
				const store = await open({}, url);
				expect(store.file).toContain(':***@');
				await store.subscriptions.set('g:c1', subscription('g', 'c1'));
				expect(lines.some((line) => line.includes('store opened') && line.includes(':***@'))).toBe(true);
			} else {
				const error = await failure(openStore(url, logger()));
				expect(`${error.message} ${error.file}`).not.toContain(PASSWORD);
			}
			expect(lines.join('\n')).not.toContain(PASSWORD);
		});
	});
});
