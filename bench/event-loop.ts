import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Events } from 'discord.js';
import { parseConfig } from '../src/config.js';
import { addDays } from '../src/digests/local-time.js';
import { subscriptionKey } from '../src/digests/subscriptions.js';
import { startBot, type RunningBot } from '../src/discord/bot.js';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import { createLogger, silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import type { Follow, Subscription } from '../src/store/records.js';
import { openStore } from '../src/store/store.js';
import { createRandom, loadRealCorpus, synthesizeCorpus } from './corpus.js';
import type { WorldReply, WorldRequest } from './event-loop-world.js';
import { distinctPapers, writeSeedCorpus } from './seed-corpus.js';
import { summarize } from './stats.js';
import { BENCH_TOPICS, benchTopics } from './topic-pool.js';

/**
 * `npx tsx bench/event-loop.ts [--papers 100000] [--targets 10000] [--ingest 5000] [--rate 100] [--seconds 30] [--unpaced]`
 *
 * The bot's event loop under everything at once, in one bot process: the real startBot against the emulator, on
 * SQLite, with `--targets` digest schedules (half channels, half DM followers) and a `--papers` corpus. At the same
 * time a digest fan-out to every schedule runs (paced by the emulator's 50 requests/s, as on Discord; `--unpaced`
 * lifts it), a live Hugging Face source delivers `--ingest` new papers page by page through the real ingest (store
 * upsert, index upsert), and `--rate` `/digest subscribe` interactions a second arrive for `--seconds`. The emulator,
 * the source and the interaction traffic run on a worker thread (bench/event-loop-world.ts), off the bot's loop.
 * Measured on the bot's main thread: perf_hooks.monitorEventLoopDelay (10 ms resolution) p99 and max, the longest
 * stalls with what was running then, how long each index upsert blocked; on the worker: each subscribe's reply
 * latency, interaction dispatched → callback received. Targets: p99 ≤ 20 ms, max ≤ 100 ms, subscribe p95 ≤ 50 ms.
 * Logs go nowhere (warnings and errors are counted); one JSON line (`section: 'event-loop'`) on stdout.
 */

const TARGETS = Object.freeze({ p99Ms: 20, maxMs: 100, subscribeP95Ms: 50 });
/** Papers the live source lists a day at most: under the five 100-paper pages the Hugging Face source reads of one day. */
const PAPERS_PER_DAY = 450;
const STALL_MS = 50;

const { values } = parseArgs({
	options: {
		papers: { type: 'string', default: '100000' },
		targets: { type: 'string', default: '10000' },
		ingest: { type: 'string', default: '5000' },
		rate: { type: 'string', default: '100' },
		seconds: { type: 'string', default: '30' },
		unpaced: { type: 'boolean', default: false },
	},
	strict: true,
});
const paperCount = Number(values.papers);
const targetCount = Number(values.targets);
const ingestCount = Number(values.ingest);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const paced = !values.unpaced;

const dir = await mkdtemp(join(tmpdir(), 'paperboy-bench-event-loop-'));
const world = startWorld();
let bot: RunningBot | undefined;
try {
	const papers = distinctPapers(synthesizeCorpus(loadRealCorpus(), Math.ceil(paperCount * 1.02)), paperCount);
	const day = addDays(
		papers.reduce((latest, paper) => (paper.listedOn > latest ? paper.listedOn : latest), ''),
		1,
	);
	// The listing days before the digest day, each a day's worth of new papers.
	const dayCount = Math.max(1, Math.ceil(ingestCount / PAPERS_PER_DAY));
	const days = Array.from({ length: dayCount }, (_, index) => addDays(day, index - dayCount));
	const seedsDir = join(dir, 'seeds');
	await writeSeedCorpus(seedsDir, papers);
	const pages = Math.ceil(ingestCount / dayCount / 100) * dayCount;
	const ready = await world.ask({
		type: 'setup',
		channels: Math.ceil(targetCount / 2),
		followers: Math.floor(targetCount / 2),
		paced,
		days,
		papersPerDay: Math.ceil(ingestCount / dayCount),
		// The pages spread over most of the run, as a live source's arrive.
		pageDelayMs: Math.max(0, Math.floor(((seconds * 1000) / pages) * 0.8)),
	});
	if (ready.type !== 'ready') throw new Error(`the world answered ${ready.type}`);
	progress(`world ready: ${ready.channels.length} channels, ${ready.followers.length} followers`);
	const database = `sqlite://${join(dir, 'bench.sqlite')}`;
	await writeSchedules(database, ready, `${addDays(day, -30)}T00:00:00.000Z`);

	const clock = createClock(Date.parse(`${day}T08:00:00.000Z`));
	const warnings = { warn: 0, error: 0, first: [] as string[] };
	const snapshotsSaved: number[] = [];
	const logger = createLogger({
		level: 'info',
		secrets: [ready.token],
		write: (line) => {
			countWarning(warnings, line);
			if (line.includes('"message":"index snapshot saved"')) snapshotsSaved.push(performance.now());
		},
	});
	const config = parseConfig({ DATABASE_URL: database, SEEDS_DIR: seedsDir, HF_BASE_URL: ready.hfBaseUrl, HF_ENABLED: 'true', ARXIV_CATEGORIES: '' });
	const startedAt = performance.now();
	bot = await startBot({ config, apiUrl: ready.apiUrl, token: ready.token, logger, clock: clock.now });
	const startupMs = Math.round(performance.now() - startedAt);
	progress(`bot ready in ${startupMs} ms`);
	// After the start-up, not before: a keep-alive socket left from it would be stale after the index build blocks the loop.
	await deployCommands(createRest(ready.apiUrl, ready.token), commands, ready.guildId);
	const running = bot;
	await waitFor(() => running.lease.leader, 30_000);
	// The start-up ingest (the source is still empty) and the catch-up pass (nothing due at 08:00) settle first.
	await running.ingest.runNow();
	await running.digests.tick();
	// So is the index snapshot a first start writes (when INDEX_SNAPSHOT is on, the default beside a SQLite file).
	if (config.indexSnapshot) await waitFor(() => snapshotsSaved.length > 0, 120_000);
	const upserts = timeIndexUpserts(running);
	const subscriptionWrites = timeSubscriptionWrites(running);
	// When each interaction reached the bot's handler: splits a reply's latency into getting there and answering.
	const arrivedAt = new Map<string, number>();
	running.client.on(Events.InteractionCreate, (interaction) => arrivedAt.set(interaction.id, performance.timeOrigin + performance.now()));

	progress('fan-out, ingest and subscribes start');
	// Everything at once, from here.
	const delay = monitorEventLoopDelay({ resolution: 10 });
	const stalls = watchStalls(upserts.calls);
	const cpuBefore = process.cpuUsage();
	const utilizationBefore = performance.eventLoopUtilization();
	const windowStart = performance.now();
	delay.enable();
	await world.ask({ type: 'open-source' });
	clock.set(Date.parse(`${day}T09:00:05.000Z`));
	const fanout = running.digests.tick();
	let fanoutDoneAt: number | undefined;
	let fanoutReport: unknown;
	fanout.then(
		(report) => {
			fanoutDoneAt = performance.now();
			fanoutReport = report;
		},
		(error: unknown) => (fanoutReport = String(error)),
	);
	const ingest = running.ingest.runNow({ from: days[0] as string, to: days.at(-1) as string });
	const subscribed = await world.ask({ type: 'subscribe', perSecond: rate, seconds, topics: BENCH_TOPICS.map((topic) => topic.toLowerCase()) });
	const ingested = await ingest;
	const windowMs = performance.now() - windowStart;
	delay.disable();
	stalls.stop();
	const cpu = process.cpuUsage(cpuBefore);
	const mainThread = performance.eventLoopUtilization(utilizationBefore);
	const counted = await world.ask({ type: 'count' });
	if (subscribed.type !== 'subscribed' || counted.type !== 'counted') throw new Error('the world answered out of turn');

	const latency = summarize(subscribed.latenciesMs);
	const arrival = summarize(subscribed.dispatched.flatMap(({ id, at }) => (arrivedAt.has(id) ? [(arrivedAt.get(id) as number) - at] : [])));
	const upsertMs = summarize(upserts.calls.map((call) => call.ms));
	const eventLoop = { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max), meanMs: ms(delay.mean) };
	process.stdout.write(
		`${JSON.stringify({
			section: 'event-loop',
			papers: running.corpus.index.size,
			schedules: targetCount,
			paced,
			startupMs,
			windowS: Math.round(windowMs / 100) / 10,
			eventLoop,
			subscribe: {
				sent: subscribed.sent,
				answered: subscribed.answered,
				failed: subscribed.failed,
				...latency,
				// Dispatched → the handler called (gateway, discord.js, the event loop's backlog); the store's read-modify-writes.
				arrivalMs: { p50: arrival.p50, p95: arrival.p95, max: arrival.max },
				// Where the slow replies are: the seconds of the window with the worst p95 (a live ingest's day, a compaction).
				worstSeconds: worstSeconds(subscribed.dispatched, subscribed.latenciesMs, performance.timeOrigin + windowStart, 3),
				storeWriteMs: summarize(subscriptionWrites),
			},
			ingest: {
				added: ingested.added,
				updated: ingested.updated,
				failed: ingested.failed,
				sourcePages: counted.hfPages,
				indexUpserts: upsertMs.count,
				indexUpsertP50Ms: upsertMs.p50,
				indexUpsertMaxMs: upsertMs.max,
				indexUpsertTotalMs: Math.round(upserts.calls.reduce((sum, call) => sum + call.ms, 0)),
			},
			indexSnapshotsSaved: snapshotsSaved.filter((at) => at >= windowStart).length,
			fanout: { digestsPosted: counted.digests, finishedInWindow: fanoutDoneAt !== undefined, ...(fanoutReport ? { report: fanoutReport } : {}) },
			stalls: stalls.longest(5),
			cpuMs: Math.round((cpu.user + cpu.system) / 1000),
			mainThreadBusy: Math.round(mainThread.utilization * 100) / 100,
			rejectedRequests: counted.rejected,
			logged: warnings,
			meetsTargets: eventLoop.p99Ms <= TARGETS.p99Ms && eventLoop.maxMs <= TARGETS.maxMs && latency.p95 <= TARGETS.subscribeP95Ms && subscribed.failed === 0,
		})}\n`,
	);
} catch (error) {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
} finally {
	// The fan-out is still being paced through the emulator; stopping the bot would wait it out.
	await world.ask({ type: 'stop' }).catch(() => undefined);
	await world.stop();
	await rm(dir, { recursive: true, force: true });
	process.exit(process.exitCode ?? 0);
}

function worstSeconds(dispatched: ReadonlyArray<{ at: number }>, latencies: readonly number[], windowStartedAt: number, count: number) {
	const bySecond = new Map<number, number[]>();
	dispatched.forEach(({ at }, position) => {
		const second = Math.floor((at - windowStartedAt) / 1000);
		const list = bySecond.get(second) ?? [];
		list.push(latencies[position] as number);
		bySecond.set(second, list);
	});
	return [...bySecond]
		.map(([atS, list]) => ({ atS, p95: summarize(list).p95 }))
		.sort((a, b) => b.p95 - a.p95)
		.slice(0, count);
}

function progress(message: string): void {
	process.stderr.write(`[event-loop] ${message}\n`);
}

function ms(nanoseconds: number): number {
	return Math.round(nanoseconds / 1e5) / 10;
}

/** The worker thread, asked one thing at a time. */
function startWorld(): { worker: Worker; stop(): Promise<number>; ask(request: WorldRequest): Promise<WorldReply> } {
	// A worker does not inherit tsx's loader: it registers it, then loads the world (as src/search/background-build.ts does).
	const tsx = import.meta.resolve('tsx/esm/api');
	const entry = new URL('./event-loop-world.ts', import.meta.url).href;
	const worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
	let failure: unknown;
	worker.on('error', (error) => {
		failure = error;
		process.stderr.write(`[event-loop] the world thread failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	});
	let stopping = false;
	worker.on('exit', (code) => {
		// terminate() ends it with 1; only an exit nobody asked for is news.
		if (code !== 0 && !stopping) process.stderr.write(`[event-loop] the world thread exited with ${code}\n`);
	});
	return {
		worker,
		stop: () => {
			stopping = true;
			return worker.terminate();
		},
		ask: (request) =>
			new Promise<WorldReply>((resolve, reject) => {
				if (failure) return reject(failure);
				const onError = (error: unknown) => reject(error);
				worker.once('error', onError);
				worker.once('message', (reply: WorldReply) => {
					worker.off('error', onError);
					resolve(reply);
				});
				worker.postMessage(request);
			}),
	};
}

/** Half the schedules are channels, half DM followers whose DM channel is known (a day-two fan-out: one request each). */
async function writeSchedules(database: string, ready: Extract<WorldReply, { type: 'ready' }>, createdAt: string): Promise<void> {
	const random = createRandom(11);
	const store = await openStore(database, silentLogger);
	const subscriptions: Array<readonly [string, Subscription]> = ready.channels.map(({ guildId, channelId }) => [
		subscriptionKey(guildId, channelId),
		{ guildId, channelId, time: '09:00', timezone: 'UTC', topics: benchTopics(random), maxPapers: 10, createdBy: ready.adminId, createdAt },
	]);
	const follows: Array<readonly [string, Follow]> = ready.followers.map(({ userId, dmChannelId }) => [
		userId,
		{ userId, dmChannelId, time: '09:00', timezone: 'UTC', topics: benchTopics(random), createdAt },
	]);
	await store.subscriptions.setMany(subscriptions);
	await store.follows.setMany(follows);
	await store.close();
}

/** A clock running at real speed from `start`, which the bench can move. */
function createClock(start: number): { now: () => Date; set(at: number): void } {
	let offset = start - Date.now();
	return { now: () => new Date(Date.now() + offset), set: (at) => (offset = at - Date.now()) };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('timed out waiting for the bot');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function countWarning(counts: { warn: number; error: number; first: string[] }, line: string): void {
	const level = line.includes('"level":"error"') ? 'error' : line.includes('"level":"warn"') ? 'warn' : undefined;
	if (!level) return;
	counts[level] += 1;
	if (counts.first.length < 5) counts.first.push(line.slice(0, 300));
}

interface UpsertCall {
	/** performance.now() when it returned. */
	at: number;
	ms: number;
	papers: number;
}

/** Times every index upsert (synchronous: all of it is time the loop is blocked). */
function timeIndexUpserts(running: RunningBot): { calls: UpsertCall[] } {
	const index = running.corpus.index;
	const upsert = index.upsert.bind(index);
	const calls: UpsertCall[] = [];
	index.upsert = (batch: readonly Paper[]) => {
		const started = performance.now();
		upsert(batch);
		const at = performance.now();
		calls.push({ at, ms: at - started, papers: batch.length });
	};
	return { calls };
}

/** Every gap of the loop over STALL_MS, with the index upserts that ended inside it. */
function watchStalls(upserts: readonly UpsertCall[]) {
	const start = performance.now();
	const found: Array<{ atS: number; ms: number; indexUpsertMs?: number }> = [];
	let last = performance.now();
	const timer = setInterval(() => {
		const now = performance.now();
		const gap = now - last - 10;
		if (gap > STALL_MS) {
			const inside = upserts.filter((call) => call.at > last && call.at <= now).reduce((sum, call) => sum + call.ms, 0);
			found.push({ atS: Math.round((last - start) / 100) / 10, ms: Math.round(gap), ...(inside > 0 ? { indexUpsertMs: Math.round(inside) } : {}) });
		}
		last = now;
	}, 10);
	return {
		stop: () => clearInterval(timer),
		longest: (count: number) => [...found].sort((a, b) => b.ms - a.ms).slice(0, count),
	};
}

/** How long each subscription read-modify-write takes, from call to commit (a subscribe's, or a delivery's). */
function timeSubscriptionWrites(running: RunningBot): number[] {
	const subscriptions = running.store.subscriptions;
	const update = subscriptions.update.bind(subscriptions);
	const times: number[] = [];
	subscriptions.update = async (key, change) => {
		const started = performance.now();
		try {
			return await update(key, change);
		} finally {
			times.push(performance.now() - started);
		}
	};
	return times;
}
