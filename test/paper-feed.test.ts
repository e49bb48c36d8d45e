import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { followPaperFeed, type PaperFeedFollower } from '../src/papers/sources/feed.js';
import { buildPaperIndex } from '../src/search/index.js';
import { PAPER_FEED_NAMESPACE, paperFeedPrefixes, paperFeedRows, prunePaperFeed, readPaperFeed } from '../src/store/paper-feed.js';
import type { StoredPaper } from '../src/store/records.js';
import { openStore, type Store } from '../src/store/store.js';
import {
	createPostgresDatabase,
	createRedisDatabase,
	findTestServers,
	registerServerCheck,
	type ServerAvailability,
	type TestDatabase,
} from './support/servers.js';

/**
 * The paper change feed on every engine: one store writes papers (the leader's ingest), another process's index
 * follows them through `papers-changed` without listing the papers namespace. Two stores on one database stand
 * for two processes; the follower is given another instance id, since both live in this test process.
 */

const servers = await findTestServers();
afterAll(() => servers.stop());

interface Engine {
	name: 'sqlite' | 'postgres' | 'redis';
	availability: ServerAvailability;
	fresh(url: string): Promise<TestDatabase>;
}

const ENGINES: Engine[] = [
	{
		name: 'sqlite',
		availability: { available: true, url: 'sqlite://' },
		async fresh() {
			const dir = mkdtempSync(join(tmpdir(), 'paperboy-feed-'));
			return { url: `sqlite://${join(dir, 'paperboy.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
		},
	},
	{ name: 'postgres', availability: servers.postgres, fresh: createPostgresDatabase },
	{ name: 'redis', availability: servers.redis, fresh: createRedisDatabase },
];

const paper = (id: string, title: string, upvotes = 1): Paper => ({
	id,
	arxivId: id,
	title,
	abstract: `${title}: an abstract for the feed tests.`,
	authors: ['Ada Lovelace'],
	listedOn: '2026-03-14',
	source: 'hf-daily',
	upvotes,
});

describe.each(ENGINES)('the paper feed on $name', (engine) => {
	const { availability } = engine;
	if (!registerServerCheck(engine.name, availability)) return;
	let database: TestDatabase;
	let leader: Store;
	let other: Store;
	const followers: PaperFeedFollower[] = [];
	beforeEach(async () => {
		database = await engine.fresh(availability.url);
		leader = await openStore(database.url, silentLogger);
		other = await openStore(database.url, silentLogger);
	});
	afterEach(async () => {
		await Promise.all(followers.splice(0).map((follower) => follower.stop()));
		await leader.close();
		await other.close();
		await database.drop();
	});

	/** A follower on the other store that fails the test if it ever lists every stored paper. */
	const follow = (options: Partial<Parameters<typeof followPaperFeed>[0]> = {}) => {
		const index = buildPaperIndex([]);
		const store = { raw: other.raw, writerId: other.writerId, listPapers: () => Promise.reject(new Error('the follower listed the papers namespace')) };
		const follower = followPaperFeed({
			store,
			index,
			logger: silentLogger,
			since: Date.now(),
			instanceId: 'another-process',
			pollEveryMs: 3_600_000,
			...options,
		});
		followers.push(follower);
		return { index, follower };
	};

	it('brings papers the leader stores, and their updates, into another index at its next poll, once', async () => {
		const { index, follower } = follow();
		await leader.upsertPapers([paper('2603.70001', 'Quokka lattice gauge transformers'), paper('2603.70002', 'Marsupial diffusion priors')]);
		expect(await follower.pollNow()).toBe(2);
		expect(index.search('quokka lattice', 1)[0]?.paper.id).toBe('2603.70001');
		expect(index.get('2603.70002')).toMatchObject({ title: 'Marsupial diffusion priors', firstSeenAt: expect.any(String) });

		await leader.upsertPapers([paper('2603.70001', 'Quokka lattice gauge transformers', 40)]);
		expect(await follower.pollNow()).toBe(1);
		expect(index.get('2603.70001')?.upvotes).toBe(40);
		// Entries inside the lookback are listed again, and skipped.
		expect(await follower.pollNow()).toBe(0);
		// An unchanged paper writes nothing to the feed.
		await leader.upsertPapers([paper('2603.70001', 'Quokka lattice gauge transformers', 40)]);
		expect(await follower.pollNow()).toBe(0);
	});

	it('skips what was written through its own store: its index has it already', async () => {
		const { follower } = follow({ instanceId: undefined });
		await other.upsertPapers([paper('2603.70003', 'Numbat attention sinks')]);
		expect(await follower.pollNow()).toBe(0);
	});

	it("reads another writer's paper even when its text quotes this store's writer id", async () => {
		const { follower, index } = follow({ instanceId: undefined });
		const quoting = { ...paper('2603.70023', 'Numbat writer ids'), abstract: `A record once said "by":"${other.writerId}" in its text.` };
		await leader.upsertPapers([quoting]);
		expect(await follower.pollNow()).toBe(1);
		expect(index.get('2603.70023')?.abstract).toContain(other.writerId);
	});

	it('reads what an earlier opening in the same process wrote (a bot restarted in-process has a new index)', async () => {
		const { follower, index } = follow({ instanceId: undefined });
		await leader.upsertPapers([paper('2603.70013', 'Numbat attention sinks')]);
		expect(await follower.pollNow()).toBe(1);
		expect(index.get('2603.70013')).toBeDefined();
	});

	it('reads back as far as the lookback from its cursor, and no further', async () => {
		const since = Date.now();
		const raw = leader.raw(PAPER_FEED_NAMESPACE);
		const stored = (id: string): StoredPaper => ({ ...paper(id, `Wombat ${id}`), firstSeenAt: new Date(since).toISOString() });
		// A write that committed late (or a host whose clock is behind), and one from before the index was loaded.
		await raw.write([
			...paperFeedRows(raw, [stored('2603.70004')], since - 20_000, 'leader'),
			...paperFeedRows(raw, [stored('2603.70005')], since - 120_000, 'leader'),
		]);
		const { index, follower } = follow({ since, lookbackMs: 60_000 });
		expect(await follower.pollNow()).toBe(1);
		expect(index.get('2603.70004')).toBeDefined();
		expect(index.get('2603.70005')).toBeUndefined();
	});

	it('re-reads the changed papers from the store when it fell behind the retention', async () => {
		await leader.upsertPapers([paper('2603.70006', 'Echidna sparse retrieval')]);
		const index = buildPaperIndex([]);
		const follower = followPaperFeed({
			store: other,
			index,
			logger: silentLogger,
			since: Date.now() - 10_000,
			retentionMs: 5_000,
			lookbackMs: 1_000,
			instanceId: 'another-process',
			pollEveryMs: 3_600_000,
		});
		followers.push(follower);
		expect(await follower.pollNow()).toBe(1);
		expect(index.get('2603.70006')).toBeDefined();
	});

	it('lists only the buckets after the cursor and prunes entries past the retention', async () => {
		const raw = leader.raw(PAPER_FEED_NAMESPACE);
		const now = Date.parse('2026-03-14T08:05:00.000Z');
		const stored = (id: string): StoredPaper => ({ ...paper(id, `Bilby ${id}`), firstSeenAt: '2026-03-14T00:00:00.000Z' });
		await raw.write([
			...paperFeedRows(raw, [stored('2603.70007')], now - 2 * 24 * 3_600_000, 'leader', 3 * 24 * 3_600_000),
			...paperFeedRows(raw, [stored('2603.70008')], now - 60_000, 'leader', 3 * 24 * 3_600_000),
		]);
		expect((await readPaperFeed(raw, now - 120_000, now)).map(([, entry]) => entry.paper.id)).toEqual(['2603.70008']);
		expect(await prunePaperFeed(raw, now, 24 * 3_600_000)).toBe(1);
		expect((await raw.list('')).map(([key]) => key)).toEqual(['2026-03-14T08:04:00.000Z:2603.70008']);
	});
});

describe('paperFeedPrefixes', () => {
	it('covers a poll with one or two ten-minute buckets, a gap with hours, and falls back to everything', () => {
		const at = (iso: string) => Date.parse(iso);
		expect(paperFeedPrefixes(at('2026-03-14T08:01:00Z'), at('2026-03-14T08:02:10Z'))).toEqual(['2026-03-14T08:0']);
		expect(paperFeedPrefixes(at('2026-03-14T08:59:30Z'), at('2026-03-14T09:00:40Z'))).toEqual(['2026-03-14T08:5', '2026-03-14T09:0']);
		expect(paperFeedPrefixes(at('2026-03-13T20:00:00Z'), at('2026-03-14T09:30:00Z'))).toHaveLength(14);
		expect(paperFeedPrefixes(at('2026-03-01T00:00:00Z'), at('2026-03-14T00:00:00Z'))).toEqual(['']);
	});
});
