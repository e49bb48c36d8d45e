import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { MessagePayload } from '../src/cards/types.js';
import { DEFAULT_DELIVERY_CONCURRENCY, deliverDigests, type DeliveryLookup, type DigestSender } from '../src/digests/deliver.js';
import { channelTarget, followTarget, type DueDigest } from '../src/digests/targets.js';
import { createIndexTopicMatcher } from '../src/digests/topics.js';
import { silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';
import type { Follow, Subscription } from '../src/store/records.js';
import { openStore } from '../src/store/store.js';
import { createRandom, loadRealCorpus, synthesizeCorpus } from './corpus.js';
import { benchTopics } from './topic-pool.js';

/**
 * `npx tsx bench/fanout-cpu.ts [--targets 10000] [--papers 100000] [--concurrency 32]`
 *
 * The digest domain's own cost per target, without Discord's rate limit in the way: one fan-out to every
 * target over a large corpus, through the real deliverDigests, SQLite store and index topic matcher, with a
 * sender that answers at once. Prints CPU per target (process CPU, all threads: the target is ≤ 0.3 ms) and the
 * event-loop delay. `--concurrency` is the deliveries' requests in flight (DEFAULT_DELIVERY_CONCURRENCY).
 */

const { values } = parseArgs({
	options: {
		targets: { type: 'string', default: '10000' },
		papers: { type: 'string', default: '100000' },
		concurrency: { type: 'string', default: String(DEFAULT_DELIVERY_CONCURRENCY) },
	},
	strict: true,
});
const targetCount = Number(values.targets);
const paperCount = Number(values.papers);
const concurrency = Number(values.concurrency);

const random = createRandom(7);
// Listing days shifted so the newest week of the corpus is "recent" for the digest day.
const corpus: Paper[] = synthesizeCorpus(loadRealCorpus(), paperCount);
const latest = corpus.reduce((max, paper) => (paper.listedOn > max ? paper.listedOn : max), '');
const day = new Date(Date.parse(`${latest}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const index = buildPaperIndex(corpus);

const dir = await mkdtemp(join(tmpdir(), 'paperboy-fanout-cpu-'));
try {
	const store = await openStore(`sqlite://${join(dir, 'fanout.sqlite')}`, silentLogger);
	const createdAt = '2026-01-01T00:00:00.000Z';
	const topicsFor = () => benchTopics(random);
	const subscriptions: Subscription[] = [];
	const follows: Follow[] = [];
	for (let i = 0; i < targetCount; i++) {
		if (i % 2 === 0)
			subscriptions.push({
				guildId: '1',
				channelId: String(100000 + i),
				time: '09:00',
				timezone: 'UTC',
				topics: topicsFor(),
				maxPapers: 10,
				createdBy: '1',
				createdAt,
			});
		else follows.push({ userId: String(200000 + i), dmChannelId: String(300000 + i), time: '09:00', timezone: 'UTC', topics: topicsFor(), createdAt });
	}
	await store.subscriptions.setMany(subscriptions.map((subscription) => [`1:${subscription.channelId}`, subscription] as const));
	await store.follows.setMany(follows.map((follow) => [follow.userId, follow] as const));
	const due: DueDigest[] = [
		...subscriptions.map((subscription) => ({ target: channelTarget(subscription), day })),
		...follows.map((follow) => ({ target: followTarget(follow), day })),
	];

	let next = 0;
	const sender: DigestSender = {
		sendToChannel: async (_channelId: string, _payload: MessagePayload) => ({ messageId: String(++next) }),
		openDm: async (userId: string) => ({ channelId: `dm${userId}` }),
		findDelivery: async (): Promise<DeliveryLookup> => ({ kind: 'absent' }),
	};
	const delay = monitorEventLoopDelay({ resolution: 10 });
	delay.enable();
	const cpuBefore = process.cpuUsage();
	const utilizationBefore = performance.eventLoopUtilization();
	const started = performance.now();
	const report = await deliverDigests(due, {
		sender,
		store,
		papers: index.all(),
		now: new Date(`${day}T09:00:00Z`),
		logger: silentLogger,
		matchTopics: createIndexTopicMatcher(index),
		concurrency,
	});
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	// The event loop's busy time: what a fan-out takes from every other user of this process.
	const mainThreadMs = performance.eventLoopUtilization(utilizationBefore).active;
	delay.disable();
	await store.close();
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const result = {
		section: 'fanout-cpu',
		targets: targetCount,
		papers: corpus.length,
		delivery: report.counts,
		wallMs: Math.round(wallMs),
		cpuMs: Math.round(cpuMs),
		cpuUserMs: Math.round(cpu.user / 1000),
		cpuSystemMs: Math.round(cpu.system / 1000),
		cpuPerTargetMs: Math.round((cpuMs / targetCount) * 1000) / 1000,
		mainThreadPerTargetMs: Math.round((mainThreadMs / targetCount) * 1000) / 1000,
		eventLoopP99Ms: Math.round(delay.percentile(99) / 1e5) / 10,
		eventLoopMaxMs: Math.round(delay.max / 1e5) / 10,
		// Process CPU (every thread, SQLite's included), the stricter of the two figures.
		meetsTarget: cpuMs / targetCount <= 0.3,
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
	await rm(dir, { recursive: true, force: true });
}
