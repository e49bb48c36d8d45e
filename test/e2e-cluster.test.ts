import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import { subscriptionKey } from '../src/digests/subscriptions.js';
import { silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { createEmulator, type DiscordEmulator, type EmuGuild } from '../src/sandbox/emulator/index.js';
import type { LeaseRecord } from '../src/store/lease.js';
import type { Follow, Subscription } from '../src/store/records.js';
import { openStore, type Store } from '../src/store/store.js';
import { isMessage, spawnBotProcess, type BotProcess, type LogEntry } from './support/bot-process.js';
import { json, startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import {
	createPostgresDatabase,
	createRedisDatabase,
	findTestServers,
	registerServerCheck,
	type ServerAvailability,
	type TestDatabase,
} from './support/servers.js';
import { guildIdOnShard } from './support/shard-ids.js';

/**
 * Two bot processes × two shards (SHARD_COUNT=4, SHARDS=0-1 and 2-3) sharing one PostgreSQL or Redis database,
 * in real child processes (test/support/lease-bot.ts) against one emulator that requires 4 shards, with 8 guilds,
 * 2 on each shard. Leases shortened to 3 s, the paper feed polled every 500 ms, digest passes every second, the
 * leader's ingest (a fixture Hugging Face server) every 2 s.
 *
 * A killed process's shards wait for it (its SHARDS are its own): its channel digests are caught up when it comes
 * back, never sent by the other process. The leader lease is what moves: the survivor takes over DM follows and the
 * ingest once the dead leader's lease expires.
 */

const servers = await findTestServers();
afterAll(() => servers.stop());

const TTL_MS = 3000;
const SHARD_COUNT = 4;
const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';
const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();

interface Backend {
	name: 'postgres' | 'redis';
	availability: ServerAvailability;
	fresh(url: string): Promise<TestDatabase>;
}

const BACKENDS: Backend[] = [
	{ name: 'postgres', availability: servers.postgres, fresh: createPostgresDatabase },
	{ name: 'redis', availability: servers.redis, fresh: createRedisDatabase },
];

const paper = (id: string, title: string): Paper => ({
	id,
	arxivId: id,
	title,
	abstract: `${title}: a paper listed today, for the cluster tests.`,
	authors: ['Ada Lovelace'],
	listedOn: today,
	source: 'hf-daily',
	upvotes: 3,
});

/** A Hugging Face Daily Papers entry listed today. */
const hfEntry = (id: string, title: string) => ({
	paper: { id, title, summary: `${title}: found by the live ingest.`, authors: [{ name: 'Grace Hopper' }], upvotes: 9 },
	publishedAt: `${today}T06:00:00.000Z`,
});

const subscription = (guild: EmuGuild, channelId: string, createdBy: string): Subscription => ({
	guildId: guild.id,
	channelId,
	time: '00:00',
	timezone: 'UTC',
	topics: [],
	maxPapers: 3,
	createdBy,
	createdAt: yesterday,
});

describe.each(BACKENDS)('two processes × two shards sharing $name', (backend) => {
	const { availability } = backend;
	if (!registerServerCheck(backend.name, availability)) return;

	let database: TestDatabase;
	let emu: DiscordEmulator;
	let apiUrl: string;
	let token: string;
	let hf: FixtureServer;
	const hfEntries: unknown[] = [];
	let guilds: EmuGuild[];
	const processes: BotProcess[] = [];
	/** The first and second half of the shards. */
	let low: BotProcess;
	let high: BotProcess;
	let leader: BotProcess;
	let follower: BotProcess;

	const shardOf = (guild: EmuGuild) => emu.shardOf(guild.id, SHARD_COUNT);
	const ownedBy = (bot: BotProcess) => guilds.filter((guild) => shardOf(guild) < 2 === (bot === low));
	const spawn = (name: string, shards: string) => {
		const bot = spawnBotProcess(name, {
			DISCORD_TOKEN: token,
			DISCORD_API_URL: apiUrl,
			DATABASE_URL: database.url,
			PAPERS_YEAR: '2026',
			SHARD_COUNT: String(SHARD_COUNT),
			SHARDS: shards,
			HF_ENABLED: 'true',
			HF_BASE_URL: hf.baseUrl,
			INGEST_CRON: '*/2 * * * * *',
			LEASE_TTL_MS: String(TTL_MS),
			FEED_POLL_MS: '500',
			DIGEST_CRON: '* * * * * *',
		});
		processes.push(bot);
		return bot;
	};
	const withStore = async <T>(work: (store: Store) => Promise<T>): Promise<T> => {
		const store = await openStore(database.url, silentLogger);
		try {
			return await work(store);
		} finally {
			await store.close();
		}
	};
	const channel = (guild: EmuGuild, index: number) => guild.channelIds[index] as string;
	/** Messages the bot posted in the channel (digests), not interaction replies (webhook messages). */
	const posted = (guild: EmuGuild, index: number) => emu.messages(channel(guild, index)).filter((message) => !message.webhook_id).length;
	const dms = (userId: string) => emu.messages(emu.world.openDm(userId).id).filter((message) => !message.webhook_id);
	const until = async (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
		const deadline = Date.now() + timeoutMs;
		while (!(await condition())) {
			if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	};
	const search = (guild: EmuGuild, query: string) => emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query }, guildId: guild.id });
	/** Searches in `guild` (so the process owning its shard answers) until the reply shows `title`. */
	const searchableIn = (guild: EmuGuild, query: string, title: string) =>
		until(
			`"${title}" found through guild ${guild.name}`,
			async () => JSON.stringify((await search(guild, query).reply({ timeoutMs: 10_000 })).embeds).includes(title),
			15_000,
		);
	const sentBy = (bot: BotProcess) =>
		bot
			.logs()
			.filter(isMessage('digest tick'))
			.reduce((sum, entry) => sum + Number(entry.sent ?? 0), 0);

	beforeAll(async () => {
		database = await backend.fresh(availability.url);
		hf = await startFixtureServer(({ url }) => (url.pathname === '/api/daily_papers' ? json(url.searchParams.get('p') === '0' ? hfEntries : []) : undefined));
		emu = createEmulator({ shards: SHARD_COUNT, requiredShards: SHARD_COUNT, maxConcurrency: 16 });
		({ apiUrl, token } = await emu.start());
		await deployCommands(createRest(apiUrl, token), commands);
		guilds = Array.from({ length: 8 }, (_, index) =>
			emu.addGuild({
				name: `G${index}`,
				id: guildIdOnShard(index % SHARD_COUNT, SHARD_COUNT, 500 + index),
				members: [emu.ids.userId],
				channels: ['papers', 'later'],
			}),
		);
		// What the cluster starts with: today's papers, and every guild's #papers subscribed (due since midnight).
		await withStore(async (store) => {
			await store.upsertPapers([
				paper('2612.80001', 'Platypus electroreceptive sensor fusion'),
				paper('2612.80002', 'Wallaby hopping gait policies'),
				paper('2612.80003', 'Koala eucalyptus diet models'),
			]);
			for (const guild of guilds)
				await store.subscriptions.set(subscriptionKey(guild.id, channel(guild, 0)), subscription(guild, channel(guild, 0), emu.ids.adminId));
		});
	}, 60_000);

	afterAll(async () => {
		for (const bot of processes) if (!bot.exited) bot.signal('SIGKILL');
		await Promise.all(processes.map((bot) => bot.done));
		await emu?.stop();
		await hf?.close();
		await database?.drop();
	});

	it('runs each shard once, answers every interaction once and posts each channel digest once', { timeout: 60_000 }, async () => {
		expect(new Set(guilds.map(shardOf))).toEqual(new Set([0, 1, 2, 3]));
		low = spawn('low', '0-1');
		high = spawn('high', '2-3');
		await Promise.all([low.waitForLog(isMessage('bot ready')), high.waitForLog(isMessage('bot ready'))]);
		expect(
			emu.gateway
				.sessions()
				.map((session) => session.shard)
				.sort(),
		).toEqual([
			[0, 4],
			[1, 4],
			[2, 4],
			[3, 4],
		]);
		for (const [bot, shards] of [
			[low, ['shard:0/4', 'shard:1/4']],
			[high, ['shard:2/4', 'shard:3/4']],
		] as const) {
			expect(
				bot
					.logs()
					.filter(isMessage('shard lease acquired'))
					.map((entry) => entry.lease),
			).toEqual(shards);
		}
		// One leader between them.
		await until('a leader', () => processes.some((bot) => bot.logs().some(isMessage('leader lease acquired'))));
		[leader, follower] = low.logs().some(isMessage('leader lease acquired')) ? [low, high] : [high, low];
		await follower.waitForLog((entry) => entry.level === 'info' && String(entry.message).startsWith('another process is the leader'));

		for (const guild of guilds) {
			const handle = search(guild, 'platypus sensor');
			expect(JSON.stringify((await handle.reply({ timeoutMs: 10_000 })).embeds)).toContain('Platypus electroreceptive sensor fusion');
			expect(emu.requests({ method: 'POST', route: CALLBACK }).filter((request) => request.path.startsWith(`/interactions/${handle.id}/`))).toHaveLength(1);
		}

		await until('every #papers digest', () => guilds.every((guild) => posted(guild, 0) >= 1));
		// Several more passes of both processes go by: nothing is posted twice.
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect(guilds.map((guild) => posted(guild, 0))).toEqual(guilds.map(() => 1));
		expect([sentBy(low), sentBy(high)]).toEqual([4, 4]);
	});

	it('makes a paper the leader ingests searchable in the other process within the feed interval', { timeout: 30_000 }, async () => {
		hfEntries.push(hfEntry('2612.80011', 'Tasmanian devil facial tumour segmentation'));
		await leader.waitForLog((entry) => entry.message === 'ingest finished' && Number(entry.added) >= 1);
		await follower.waitForLog((entry) => entry.message === 'papers from the shared store indexed' && (entry.ids as string[]).includes('2612.80011'), 10_000);
		await searchableIn(ownedBy(follower)[0] as EmuGuild, 'tasmanian devil tumour', 'Tasmanian devil facial tumour segmentation');
		// The follower never ingests: it is not the leader.
		expect(follower.logs().some(isMessage('ingest finished'))).toBe(false);
	});

	it('moves DM follows and the ingest to the other process within the lease TTL when the leader is killed', { timeout: 40_000 }, async () => {
		const held = leader.logs().find(isMessage('leader lease acquired')) as LogEntry;
		leader.signal('SIGKILL');
		expect((await leader.done).code).toBeNull();
		const reader = emu.ids.userId;
		// Due now, written after the leader died: only the new leader can deliver these.
		await withStore(async (store) => {
			await store.follows.set(reader, { userId: reader, time: '00:00', timezone: 'UTC', topics: [], createdAt: yesterday } satisfies Follow);
			for (const guild of guilds)
				await store.subscriptions.set(subscriptionKey(guild.id, channel(guild, 1)), subscription(guild, channel(guild, 1), emu.ids.adminId));
		});
		hfEntries.push(hfEntry('2612.80012', 'Bandicoot burrow mapping with lidar'));

		const taken = await follower.waitForLog(isMessage('leader lease acquired'), TTL_MS + 15_000);
		const previous = taken.previousHolder as LeaseRecord;
		expect(previous.pid).toBe(held.pid);
		// Not before the dead leader's lease ran out.
		expect(Date.parse(String(taken.since))).toBeGreaterThanOrEqual(Date.parse(previous.expiresAt));
		await until('the DM from the new leader', () => dms(reader).length >= 1);
		// It never ingested while it followed: this run is the take-over's.
		await follower.waitForLog((entry) => entry.message === 'ingest finished' && Number(entry.added) >= 1, 10_000);
		await searchableIn(ownedBy(follower)[0] as EmuGuild, 'bandicoot burrow lidar', 'Bandicoot burrow mapping with lidar');

		// The survivor posts #later for its own guilds only: the dead process's shards wait for it.
		await until('#later for the survivor’s guilds', () => ownedBy(follower).every((guild) => posted(guild, 1) === 1));
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(ownedBy(leader).map((guild) => posted(guild, 1))).toEqual([0, 0, 0, 0]);
		expect(dms(reader)).toHaveLength(1);
	});

	it('catches up the killed process’s channel digests when it comes back, and it follows the new leader’s ingest', { timeout: 40_000 }, async () => {
		const killed = leader;
		const back = spawn(`${killed.name} again`, killed === low ? '0-1' : '2-3');
		if (killed === low) low = back;
		else high = back;
		await back.waitForLog(isMessage('bot ready'));
		await back.waitForLog((entry) => entry.level === 'info' && String(entry.message).startsWith('another process is the leader'));
		await until('#later for the returned process’s guilds', () => ownedBy(back).every((guild) => posted(guild, 1) === 1));

		hfEntries.push(hfEntry('2612.80013', 'Cassowary casque thermoregulation'));
		await back.waitForLog((entry) => entry.message === 'papers from the shared store indexed' && (entry.ids as string[]).includes('2612.80013'), 15_000);
		await searchableIn(ownedBy(back)[0] as EmuGuild, 'cassowary casque', 'Cassowary casque thermoregulation');

		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(guilds.map((guild) => [posted(guild, 0), posted(guild, 1)])).toEqual(guilds.map(() => [1, 1]));
		expect(dms(emu.ids.userId)).toHaveLength(1);
		expect(back.logs().some(isMessage('ingest finished'))).toBe(false);

		for (const bot of [back, follower]) bot.signal('SIGTERM');
		expect((await back.done).code).toBe(0);
		expect((await follower.done).code).toBe(0);
	});
});
