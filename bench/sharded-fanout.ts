import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { shardsEnv, splitShards } from '../src/discord/cluster.js';
import { silentLogger } from '../src/log.js';
import { createEmulator, DEFAULT_RATE_LIMITS } from '../src/sandbox/emulator/index.js';
import { openStore, type Store } from '../src/store/store.js';
import { startPostgres, startRedis } from '../test/support/servers.js';
import { hasMessage, startChild, type BenchChild } from './processes.js';
import { countOutcome, trackDigests, watchStalls } from './sharded-fanout-outcome.js';
import { buildWorld, scheduleDigests, todaysPapers } from './sharded-fanout-world.js';

/**
 * `npx tsx bench/sharded-fanout.ts [--guilds 10000] [--followers 5000] [--backend postgres|redis|sqlite] [--shards 4] [--processes N] [--new-followers]`
 *
 * The production bot (src/main.ts, as `npm run cluster` starts it) in N processes splitting the shards (2 on a
 * PostgreSQL or Redis server started here on a free loopback port, 1 on SQLite), sending through the REST proxy
 * (scripts/proxy.ts, `npm run proxy`) when there is more than one, against the emulator requiring that many shards and
 * enforcing Discord's 50 requests/s. Every guild has 2 subscribed channels, every follower a DM channel known from
 * earlier digests (`--new-followers`: none known yet, each opened first), all due at one UTC minute set once the bots
 * are running: their digest passes start the fan-out at that instant.
 * Counted from what the emulator received: 429s, duplicates and lost digests; time against the rate-limit floor.
 * Progress on stderr, one JSON line (`section: 'sharded-fanout'`) on stdout.
 */

type Backend = 'postgres' | 'redis' | 'sqlite';

const { values } = parseArgs({
	options: {
		guilds: { type: 'string', default: '10000' },
		followers: { type: 'string', default: '5000' },
		backend: { type: 'string', default: 'postgres' },
		shards: { type: 'string', default: '4' },
		processes: { type: 'string' },
		papers: { type: 'string', default: '12' },
		'new-followers': { type: 'boolean', default: false },
	},
	strict: true,
});
const backend = values.backend as Backend;
if (!['postgres', 'redis', 'sqlite'].includes(backend)) throw new Error(`--backend must be postgres, redis or sqlite (got ${values.backend})`);
const guildCount = Number(values.guilds);
const followerCount = Number(values.followers);
const shardCount = Number(values.shards);
const processCount = Number(values.processes ?? (backend === 'sqlite' ? 1 : 2));
const paperCount = Number(values.papers);
const newFollowers = values['new-followers'] === true;

const LIMIT_PER_SECOND = DEFAULT_RATE_LIMITS.globalPerSecond;
/** A harness event-loop stall this long holds back about 5 requests at 45/s: enough to crowd one emulator second. */
const STALL_REPORT_MS = 100;
/** Ten thousand guilds arrive as 2,500 GUILD_CREATEs a shard; discord.js is ready once they have. */
const READY_TIMEOUT_MS = 5 * 60_000;

const log = (line: string) => process.stderr.write(`[sharded-fanout] ${line}\n`);
const startedAt = performance.now();
const dir = await mkdtemp(join(tmpdir(), 'paperboy-sharded-fanout-'));
const children: BenchChild[] = [];
let database: Database | undefined;
const emulator = createEmulator({ rateLimit: true, shards: shardCount, requiredShards: shardCount, maxConcurrency: 16 });
try {
	database = await openDatabase(backend, dir);
	log(`${database.label} on ${database.url}`);
	const { apiUrl, token } = await emulator.start();
	const world = buildWorld(emulator, { guilds: guildCount, followers: followerCount, shardCount, newFollowers });
	const version = await withStore(database.url, async (store) => {
		await store.upsertPapers(todaysPapers(paperCount));
		return database?.version(store);
	});

	const proxy = processCount > 1 ? await startProxy(apiUrl) : undefined;
	const botsStarted = performance.now();
	const plan = splitShards(shardCount, processCount);
	const bots = plan.map((shards, index) =>
		startChild(
			`bot ${index + 1}`,
			'src/main.ts',
			{
				DISCORD_TOKEN: token,
				DISCORD_API_URL: proxy?.url ?? apiUrl,
				DATABASE_URL: database?.url as string,
				SHARD_COUNT: String(shardCount),
				...(processCount > 1 ? { SHARDS: shardsEnv(shards) } : {}),
				HF_ENABLED: 'false',
				LOG_LEVEL: 'info',
			},
			reportExit(`bot ${index + 1}`),
		),
	);
	children.push(...bots);
	await Promise.all(bots.map((bot) => bot.waitForLog(hasMessage('bot ready'), READY_TIMEOUT_MS)));
	await Promise.all(bots.map((bot) => bot.waitForLog((line) => line.message === 'leader lease acquired' || isFollowerLine(line), 60_000)));
	const readyMs = Math.round(performance.now() - botsStarted);
	const leader = bots.findIndex((bot) => bot.logs().some(hasMessage('leader lease acquired')));
	log(`${bots.length} bot process(es) ready in ${readyMs} ms (${guildCount} guilds on ${shardCount} shards); leader: bot ${leader + 1}`);

	const rows = world.subscriptions.length + world.follows.length;
	// Rounded up to a whole minute: the digest passes run at second 0, and the schedules must all be written by then.
	const slotAt = nextMinute(Date.now() + 15_000 + rows);
	const slot = slotAt.toISOString().slice(11, 16);
	const tracker = trackDigests(emulator, world, log);
	const stalls = watchStalls(STALL_REPORT_MS);
	const seedStarted = performance.now();
	await withStore(database.url, (store) => scheduleDigests(store, world, slot));
	const seedMs = Math.round(performance.now() - seedStarted);
	if (Date.now() > slotAt.getTime() - 1000) throw new Error(`writing ${rows} schedules took ${seedMs} ms, past the ${slot} slot`);
	log(`${rows} schedules written in ${seedMs} ms, all due at ${slot} UTC; waiting ${Math.round((slotAt.getTime() - Date.now()) / 1000)} s`);

	const floorGuess = world.channelIds.length / LIMIT_PER_SECOND;
	await tracker.settled(slotAt.getTime() + (floorGuess * 3 + 300) * 1000);
	const lastAt = tracker.lastAt() ?? Date.now();
	const harnessStalls = stalls.stop().filter((stall) => stall.at >= slotAt.getTime() && stall.at <= lastAt);
	// One more pass of every process after the last digest: a resend would show up as a duplicate.
	await sleepUntil(nextMinute(Math.max(Date.now(), lastAt)).getTime() + 5_000);

	const memory = [
		...bots.map((bot, index) => describeProcess(bot, plan[index] ?? [], index === leader)),
		...(proxy ? [{ process: 'proxy', ...proxy.child.memory() }] : []),
	];
	const outcome = countOutcome(emulator, world, slotAt.getTime(), lastAt, LIMIT_PER_SECOND);
	const sentByProcess = bots.map((bot) =>
		bot
			.logs()
			.filter(hasMessage('digest tick'))
			.reduce((sum, line) => sum + Number(line.sent ?? 0), 0),
	);
	const result = {
		section: 'sharded-fanout',
		backend,
		backendVersion: version,
		processes: processCount,
		shards: shardCount,
		via: proxy ? 'REST proxy (scripts/proxy.ts)' : 'direct',
		guilds: guildCount,
		subscriptions: world.subscriptions.length,
		followers: followerCount,
		dmChannels: newFollowers ? 'opened by this fan-out' : 'known from earlier digests',
		readyMs,
		seedMs,
		...outcome,
		sentByProcess,
		memory,
		harnessRssMb: mb(process.memoryUsage().rss),
		// Stalls of the process the emulator runs in, from the slot (compare limitedAtMs): the 5 longest.
		harnessStalls: {
			count: harnessStalls.length,
			longest: [...harnessStalls]
				.sort((a, b) => b.ms - a.ms)
				.slice(0, 5)
				.map((stall) => ({ atMs: stall.at - slotAt.getTime(), ms: stall.ms })),
		},
		totalS: Math.round((performance.now() - startedAt) / 1000),
		meetsTargets: outcome.ratio <= 1.2 && outcome.answered429 === 0 && outcome.duplicates === 0 && outcome.lost === 0,
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
	await Promise.all(children.map((child) => child.stop()));
	await emulator.stop();
	await database?.stop();
	await rm(dir, { recursive: true, force: true });
}

interface Database {
	label: string;
	url: string;
	version(store: Store): Promise<string | undefined>;
	stop(): Promise<void>;
}

/** A PostgreSQL or Redis server of its own (temp data dir, free loopback port, as the tests start them), or a SQLite file. */
async function openDatabase(kind: Backend, tempDir: string): Promise<Database> {
	if (kind === 'sqlite') {
		return {
			label: 'SQLite',
			url: `sqlite://${join(tempDir, 'fanout.sqlite')}`,
			version: async (store) => firstCell(await store.query('select sqlite_version() as version'), 'version'),
			stop: async () => {},
		};
	}
	if (kind === 'postgres') {
		const server = await startPostgres();
		return {
			label: 'PostgreSQL (fsync off, temp data dir)',
			url: server.url,
			version: async (store) => firstCell(await store.query('SHOW server_version'), 'server_version'),
			stop: server.stop,
		};
	}
	const server = await startRedis();
	return {
		label: 'Redis (no persistence, temp dir)',
		url: server.url,
		version: async () => /v=(\S+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout)?.[1],
		stop: server.stop,
	};
}

function firstCell(rows: readonly unknown[], column: string): string | undefined {
	const value = (rows[0] as Record<string, unknown> | undefined)?.[column];
	return value === undefined ? undefined : String(value);
}

async function withStore<T>(url: string, work: (store: Store) => Promise<T>): Promise<T> {
	const store = await openStore(url, silentLogger);
	try {
		return await work(store);
	} finally {
		await store.close();
	}
}

async function startProxy(upstream: string): Promise<{ url: string; child: BenchChild }> {
	const child = startChild('proxy', 'scripts/proxy.ts', { PROXY_PORT: '0', PROXY_UPSTREAM_URL: upstream, LOG_LEVEL: 'info' }, reportExit('proxy'));
	children.push(child);
	const line = await child.waitForStdout(/^REST proxy on /, 30_000);
	const url = /^REST proxy on (\S+)/.exec(line)?.[1];
	if (!url) throw new Error(`the proxy printed no URL: ${line}`);
	return { url, child };
}

/** A child that ends on its own mid-run is a finding, not noise: said at once, with its last words. */
function reportExit(name: string) {
	return (code: number | null, stderrTail: string) =>
		log(`${name} exited on its own (code ${code}); its last stderr lines:\n${stderrTail.trim().split('\n').slice(-8).join('\n')}`);
}

function isFollowerLine(line: { level?: string; message?: string }): boolean {
	return line.level === 'info' && String(line.message).startsWith('another process is the leader');
}

function describeProcess(bot: BenchChild, shards: readonly number[], leader: boolean) {
	return { process: `${bot.name}: shards ${shardsEnv(shards)}${leader ? ', leader' : ''}`, ...bot.memory() };
}

function nextMinute(ms: number): Date {
	return new Date(Math.ceil(ms / 60_000) * 60_000);
}

function sleepUntil(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));
}

function mb(bytes: number): number {
	return Math.round(bytes / 1024 / 1024);
}
