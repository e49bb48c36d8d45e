import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRandom } from './corpus.js';
import { followTopic, unfollowTopic } from '../src/digests/follows.js';
import { withDelivered } from '../src/digests/ledger.js';
import { addDays } from '../src/digests/local-time.js';
import { subscribeChannel, unsubscribeChannel } from '../src/digests/subscriptions.js';
import { silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { pruneStore, type PruneReport } from '../src/store/prune.js';
import type { DeliveryRecord } from '../src/store/records.js';
import { openStore, type Store } from '../src/store/store.js';
import { megabytes, summarize } from './stats.js';

/**
 * `npx tsx bench/store-year.ts [--targets 10000] [--days 365] [--checkpoints 30,180,365] [--churn 0.005] [--papers 40] [--queries 100]`
 *
 * A year of daily digests on a temp SQLite file through the real store: every day each target (half
 * channels, half followers) records 5–10 sent papers through the ledger's withDelivered, written with one
 * setMany per day instead of one update per target (or the run would take an hour); 0.5% of the targets
 * unsubscribe or unfollow and are replaced by new ones; long search queries are memoised; the prune job
 * runs. Each record is carried in memory from one day to the next rather than read back (Keyv's
 * deserializer alone would add minutes); at every checkpoint all active records are read back from SQLite
 * and compared with it. Prints the file size and rows per namespace at each checkpoint on stderr, and one
 * JSON line (`section: 'store-year'`) on stdout.
 */

const { values } = parseArgs({
	options: {
		targets: { type: 'string', default: '10000' },
		days: { type: 'string', default: '365' },
		checkpoints: { type: 'string', default: '30,180,365' },
		churn: { type: 'string', default: '0.005' },
		papers: { type: 'string', default: '40' },
		queries: { type: 'string', default: '100' },
	},
	strict: true,
});
const targetCount = Number(values.targets);
const dayCount = Number(values.days);
const checkpoints = new Set(values.checkpoints.split(',').map(Number));
const churn = Number(values.churn);
const papersPerDay = Number(values.papers);
const queriesPerDay = Number(values.queries);

const START = '2026-01-01';
const NAMESPACES = ['subscriptions', 'follows', 'deliveries', 'papers', 'queries', 'sources', 'meta'] as const;

// Keyv stamps a memo's TTL with Date.now(): the simulated year moves it, or no memo would ever expire here.
const realDateNow = Date.now.bind(Date);
let simulatedMs = Date.parse(`${START}T00:00:00.000Z`);
Date.now = () => simulatedMs;

const random = createRandom(20_260_101);
const dir = await mkdtemp(join(tmpdir(), 'paperboy-store-year-'));
const file = join(dir, 'year.sqlite');
const started = performance.now();
try {
	const store = await openStore(`sqlite://${file}`, silentLogger);
	const active: Array<{ key: string; kind: 'channel' | 'user'; id: string }> = [];
	const records = new Map<string, DeliveryRecord>();
	let nextId = 1;
	const addTarget = async (now: Date) => {
		const id = String(100_000_000_000_000_000n + BigInt(nextId++));
		if (nextId % 2 === 0) {
			await subscribeChannel(store, { guildId: '900000000000000001', channelId: id, userId: '800000000000000001' }, now);
			active.push({ key: `channel:${id}`, kind: 'channel', id });
		} else {
			await followTopic(store, { userId: id }, now);
			active.push({ key: `user:${id}`, kind: 'user', id });
		}
	};
	const setupAt = new Date(`${START}T00:00:00.000Z`);
	for (let i = 0; i < targetCount; i++) await addTarget(setupAt);
	process.stderr.write(`[store-year] ${targetCount} targets subscribed in ${seconds(started)} s\n`);

	const pruneMs: number[] = [];
	const totals = { expiredQueries: 0, removedTargets: 0, trimmedRecords: 0, unsubscribed: 0 };
	const memoHashes: string[] = [];
	const reports: Checkpoint[] = [];
	for (let dayIndex = 1; dayIndex <= dayCount; dayIndex++) {
		const day = addDays(START, dayIndex - 1);
		const morning = new Date(`${day}T08:00:00.000Z`);
		simulatedMs = morning.getTime();
		const listing = makePapers(day, papersPerDay);
		await store.upsertPapers(listing, morning);

		// 0.5% of targets leave (their records stay behind for the prune) and as many new ones arrive.
		const leaving = Math.round(active.length * churn);
		for (let i = 0; i < leaving; i++) {
			const [gone] = active.splice(Math.floor(random() * active.length), 1);
			if (!gone) continue;
			records.delete(gone.key);
			if (gone.kind === 'channel') await unsubscribeChannel(store, '900000000000000001', gone.id);
			else await unfollowTopic(store, gone.id, undefined, morning);
			totals.unsubscribed += 1;
		}
		for (let i = 0; i < leaving; i++) await addTarget(morning);

		// Long queries: most new, some searched again (which restarts their TTL).
		for (let i = 0; i < queriesPerDay; i++) {
			const again = memoHashes.length > 0 && random() < 0.1;
			const hash = again ? (memoHashes[Math.floor(random() * memoHashes.length)] as string) : rememberNew(memoHashes, hex16(dayIndex * 1_000_000 + i));
			await store.queries.remember(hash, `large language models reasoning and alignment with human preference optimization, query ${hash}`);
		}
		if (memoHashes.length > 20_000) memoHashes.splice(0, memoHashes.length - 20_000);

		const at = new Date(`${day}T09:00:00.000Z`);
		simulatedMs = at.getTime();
		await recordDay(store, records, active, day, at, listing);

		simulatedMs = new Date(`${day}T12:00:00.000Z`).getTime();
		const report: PruneReport = await pruneStore(store, new Date(simulatedMs), silentLogger);
		pruneMs.push(report.ms);
		totals.expiredQueries += report.expiredQueries;
		totals.removedTargets += report.removedTargets;
		totals.trimmedRecords += report.trimmedRecords;

		if (checkpoints.has(dayIndex)) {
			const checkpoint = await measure(store, dayIndex, records);
			reports.push(checkpoint);
			process.stderr.write(`[store-year] ${formatCheckpoint(checkpoint)}\n`);
		} else if (dayIndex % 30 === 0) {
			process.stderr.write(`[store-year] day ${dayIndex}: ${seconds(started)} s\n`);
		}
	}
	await store.close();
	const prune = summarize(pruneMs);
	process.stdout.write(
		`${JSON.stringify({
			section: 'store-year',
			targets: targetCount,
			days: dayCount,
			papersPerDay,
			queriesPerDay,
			churnPerDay: churn,
			checkpoints: reports,
			pruneMs: { p50: prune.p50, p95: prune.p95, max: prune.max },
			totals,
			totalS: seconds(started),
		})}\n`,
	);
} finally {
	Date.now = realDateNow;
	await rm(dir, { recursive: true, force: true });
}

/** Every active target's digest for `day`, recorded as the delivery code does (withDelivered), in one batch. */
async function recordDay(
	store: Store,
	records: Map<string, DeliveryRecord>,
	targets: ReadonlyArray<{ key: string }>,
	day: string,
	at: Date,
	listing: readonly Paper[],
): Promise<void> {
	const entries: Array<[string, DeliveryRecord]> = targets.map(({ key }, i) => {
		const count = 5 + Math.floor(random() * 6);
		const sent: Record<string, string> = {};
		for (let pick = 0; pick < count; pick++) {
			const paper = listing[Math.floor(random() * listing.length)] as Paper;
			sent[paper.id] = paper.listedOn;
		}
		const outcome = { day, at: at.toISOString(), outcome: 'sent' as const, paperCount: Object.keys(sent).length, messageId: hex16(i) };
		const next = withDelivered(records.get(key), key, outcome, sent);
		records.set(key, next);
		return [key, next];
	});
	await store.deliveries.setMany(entries);
}

interface Checkpoint {
	day: number;
	fileMb: number;
	walMb: number;
	freePages: number;
	activeTargets: number;
	/** Active records whose stored copy differs from the one carried in memory (0: nothing but the deliveries wrote them). */
	readBackMismatches: number;
	rows: Record<string, number>;
	mb: Record<string, number>;
	sentIds: { max: number; avg: number };
	elapsedS: number;
}

async function measure(store: Store, day: number, records: ReadonlyMap<string, DeliveryRecord>): Promise<Checkpoint> {
	const keys = [...records.keys()];
	const stored = await store.deliveries.getMany(keys);
	const readBackMismatches = keys.filter((key, i) => JSON.stringify(stored[i]) !== JSON.stringify(records.get(key))).length;
	const grouped = (await store.query(
		`SELECT substr(key, 1, instr(key, ':') - 1) AS namespace, count(*) AS rows, sum(length(key) + length(value)) AS bytes FROM keyv GROUP BY namespace`,
	)) as Array<{
		namespace: string;
		rows: number;
		bytes: number;
	}>;
	const rows: Record<string, number> = {};
	const mb: Record<string, number> = {};
	for (const name of NAMESPACES) {
		const found = grouped.find((row) => row.namespace === name);
		rows[name] = found?.rows ?? 0;
		mb[name] = megabytes(found?.bytes ?? 0);
	}
	const [sent] = (await store.query(
		`SELECT max(n) AS max, avg(n) AS avg FROM (SELECT (SELECT count(*) FROM json_each(keyv.value, '$.value.sent')) ` +
			`AS n FROM keyv WHERE key >= 'deliveries:' AND key < 'deliveries;')`,
	)) as Array<{ max: number; avg: number }>;
	const [free] = (await store.query('PRAGMA freelist_count')) as Array<{ freelist_count: number }>;
	return {
		day,
		fileMb: megabytes((await stat(store.file)).size),
		walMb: megabytes((await stat(`${store.file}-wal`).catch(() => ({ size: 0 }))).size),
		freePages: free?.freelist_count ?? 0,
		activeTargets: records.size,
		readBackMismatches,
		rows,
		mb,
		sentIds: { max: sent?.max ?? 0, avg: Math.round((sent?.avg ?? 0) * 10) / 10 },
		elapsedS: seconds(started),
	};
}

function formatCheckpoint(c: Checkpoint): string {
	const namespaces = NAMESPACES.filter((name) => name !== 'sources' && name !== 'meta')
		.map((name) => `${name} ${c.rows[name]} (${c.mb[name]} MB)`)
		.join(', ');
	return (
		`day ${c.day}: file ${c.fileMb} MB + wal ${c.walMb} MB, ${c.freePages} free pages; ${namespaces}; ` +
		`sent ids/record max ${c.sentIds.max} avg ${c.sentIds.avg}; ${c.readBackMismatches} read-back ` +
		`mismatches; ${c.elapsedS} s`
	);
}

/** arXiv-style ids of the day: `YYMM.DDnnn`. */
function makePapers(day: string, count: number): Paper[] {
	return Array.from({ length: count }, (_, i) => {
		const id = `${day.slice(2, 4)}${day.slice(5, 7)}.${day.slice(8, 10)}${String(i).padStart(3, '0')}`;
		return {
			id,
			arxivId: id,
			title: `Synthetic paper ${i} of ${day} on scaling preference optimization for language models`,
			abstract: 'A synthetic abstract for the storage benchmark. '.repeat(12).trim(),
			authors: ['Bench Author', 'Second Author'],
			listedOn: day,
			upvotes: count - i,
			source: 'hf-daily' as const,
		};
	});
}

function hex16(n: number): string {
	return (n * 2_654_435_761).toString(16).padStart(16, '0').slice(-16);
}

function seconds(since: number): number {
	return Math.round((performance.now() - since) / 100) / 10;
}

function rememberNew(list: string[], value: string): string {
	list.push(value);
	return value;
}
