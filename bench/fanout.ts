import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REST } from 'discord.js';
import { DEFAULT_DELIVERY_CONCURRENCY } from '../src/digests/deliver.js';
import { followTopic } from '../src/digests/follows.js';
import { createDigestScheduler, type TickReport } from '../src/digests/schedule.js';
import { subscribeChannel } from '../src/digests/subscriptions.js';
import { createDigestSender } from '../src/discord/digest-sender.js';
import { silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { createEmulator, DEFAULT_RATE_LIMITS, type DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { openStore } from '../src/store/store.js';

/**
 * `npx tsx bench/fanout.ts [--channels 1000] [--followers 1000] [--concurrency N] [--rps 50] [--offset 50]`
 *
 * One digest to every subscribed channel and follower, through the real scheduler, sender and
 * @discordjs/rest, against the emulator enforcing Discord's 50 requests/s global limit. Day 1 opens
 * every DM channel (3 requests per channel+follower pair); day 2 reuses them (2). Prints progress on
 * stderr and one JSON line (`section: 'fanout'`) on stdout.
 */

const { values } = parseArgs({
	options: {
		channels: { type: 'string', default: '1000' },
		followers: { type: 'string', default: '1000' },
		concurrency: { type: 'string', default: String(DEFAULT_DELIVERY_CONCURRENCY) },
		rps: { type: 'string', default: String(DEFAULT_RATE_LIMITS.globalPerSecond) },
		offset: { type: 'string', default: '50' },
	},
	strict: true,
});
const channelCount = Number(values.channels);
const followerCount = Number(values.followers);
const concurrency = Number(values.concurrency);
const globalRequestsPerSecond = Number(values.rps);
const offset = Number(values.offset);
const limit = DEFAULT_RATE_LIMITS.globalPerSecond;

const DAY1 = '2026-03-15';
const DAY2 = '2026-03-16';

let peakRss = 0;
const sampler = setInterval(() => {
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 200);

const dir = await mkdtemp(join(tmpdir(), 'paperboy-fanout-'));
const emu = createEmulator({ rateLimit: true });
try {
	const { apiUrl, token } = await emu.start();
	const store = await openStore(`sqlite://${join(dir, 'fanout.sqlite')}`, silentLogger);
	const channels = Array.from({ length: channelCount }, (_, i) => emu.addChannel({ name: `papers-${i}` }).id);
	const users = Array.from({ length: followerCount }, (_, i) => emu.addUser({ username: `reader-${i}` }).id);
	const setupAt = new Date(`${DAY1}T08:00:00Z`);
	for (const channelId of channels) await subscribeChannel(store, { guildId: emu.ids.guildId, channelId, userId: emu.ids.adminId }, setupAt);
	for (const userId of users) await followTopic(store, { userId }, setupAt);
	await store.upsertPapers(makePapers(DAY1, 12), setupAt);

	const rest = new REST({ api: apiUrl, globalRequestsPerSecond, offset }).setToken(token);
	let rateLimitedEvents = 0;
	rest.on('rateLimited', () => (rateLimitedEvents += 1));
	const scheduler = createDigestScheduler({
		store,
		sender: createDigestSender(rest, { botUserId: emu.world.bot.id, canReadHistory: () => true }),
		clock: () => new Date(),
		logger: silentLogger,
		concurrency,
	});

	const day1 = await runDay(emu, scheduler.tick, new Date(`${DAY1}T09:00:00Z`), channels, users, 1);
	await store.upsertPapers(makePapers(DAY2, 8), new Date(`${DAY2}T08:00:00Z`));
	const day2 = await runDay(emu, scheduler.tick, new Date(`${DAY2}T09:00:00Z`), channels, users, 2);
	await store.close();

	const result = {
		section: 'fanout',
		channels: channelCount,
		followers: followerCount,
		concurrency,
		globalRequestsPerSecond,
		offsetMs: offset,
		day1,
		day2,
		rateLimitedEvents,
		rssMb: mb(process.memoryUsage().rss),
		peakRssMb: mb(Math.max(peakRss, process.memoryUsage().rss)),
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
	clearInterval(sampler);
	await emu.stop();
	await rm(dir, { recursive: true, force: true });
}

async function runDay(emulator: DiscordEmulator, tick: (now: Date) => Promise<TickReport>, now: Date, channels: string[], users: string[], day: number) {
	const before = emulator.requests().length;
	const started = performance.now();
	const progress = setInterval(() => process.stderr.write(`[fanout] day ${day}: ${emulator.requests().length - before} requests\n`), 10_000);
	const report = await tick(now);
	const ms = Math.round(performance.now() - started);
	clearInterval(progress);
	const requests = emulator.requests().slice(before);
	const botRequests = requests.filter((request) => request.status !== 429);
	const counts = [...channels.map((id) => countDigests(emulator, id, day)), ...users.map((id) => countDigests(emulator, emulator.world.openDm(id).id, day))];
	const floorMs = Math.round((botRequests.length / limit) * 1000);
	return {
		ms,
		requests: botRequests.length,
		answered429: requests.length - botRequests.length,
		floorMs,
		ratio: Math.round((ms / floorMs) * 100) / 100,
		delivery: report.delivery,
		duplicates: counts.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
		losses: counts.filter((count) => count === 0).length,
	};
}

/** Digest messages a channel received for the day (day 2 counts only the second message onwards). */
function countDigests(emulator: DiscordEmulator, channelId: string, day: number): number {
	const posted = emulator.messages(channelId).filter((message) => !message.webhook_id).length;
	return Math.max(0, posted - (day - 1));
}

function makePapers(day: string, count: number): Paper[] {
	return Array.from({ length: count }, (_, i) => ({
		id: `${day.slice(2, 4)}${day.slice(5, 7)}.${String(day.slice(8, 10))}${String(i).padStart(3, '0')}`,
		arxivId: `${day.slice(2, 4)}${day.slice(5, 7)}.${String(day.slice(8, 10))}${String(i).padStart(3, '0')}`,
		title: `Benchmark paper ${i} of ${day}: scaling digests to many channels`,
		abstract: 'A synthetic abstract for the fan-out benchmark.',
		authors: ['Bench Author'],
		listedOn: day,
		upvotes: count - i,
		source: 'hf-daily' as const,
	}));
}

function mb(bytes: number): number {
	return Math.round(bytes / 1024 / 1024);
}
