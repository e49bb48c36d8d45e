/**
 * What `npm run bench` measures. Each section lists runs; each run is a script spawned in a fresh
 * Node process (so memory figures are its own) that prints one JSON object as its last stdout line.
 * To add a figure, write a script and add a section here with the columns to show in the table.
 */

import { RELEVANCE_SECTION } from './relevance-section.js';

export interface BenchRun {
	label: string;
	/** Relative to the repository root. */
	script: string;
	args?: string[];
}

export interface BenchColumn {
	header: string;
	value: (result: BenchResult) => unknown;
}

export type BenchResult = Record<string, unknown>;

export interface BenchSection {
	name: string;
	title: string;
	runs: BenchRun[];
	columns: BenchColumn[];
}

const searchSizes = ['seed', 'real', '100000'];

export const SECTIONS: BenchSection[] = [
	{
		name: 'search',
		title: 'Search index (targets at 100,000 papers: search p95 ≤ 50 ms, autocomplete p95 ≤ 10 ms, worst ≤ 300 ms, build ≤ 10 s, RSS ≤ 700 MB)',
		runs: searchSizes.map((size) => ({ label: size, script: 'bench/search.ts', args: ['--size', size] })),
		columns: [
			{ header: 'corpus', value: (r) => r.label },
			{ header: 'papers', value: (r) => r.papers },
			{ header: 'load ms', value: (r) => r.loadMs },
			{ header: 'build ms (cpu)', value: (r) => `${r.buildMs} (${r.buildCpuMs})` },
			{ header: 'search p50/p95/max ms', value: (r) => triple(r.search) },
			{ header: 'autocomplete p50/p95/max ms', value: (r) => triple(r.autocomplete) },
			{ header: 'passage first', value: (r) => r.passagesFirst },
			{ header: 'RSS MB', value: (r) => r.rssMb },
			{ header: 'peak RSS MB', value: (r) => r.peakRssMb },
			{ header: 'targets', value: (r) => (r.meetsTargets ? 'met' : 'missed') },
		],
	},
	{
		name: 'search-filters',
		title: 'Filtered /paper search at 100,000 papers against plain search in the same process (ratios of p50 and p95; target p95 ≤ 50 ms)',
		runs: [{ label: '100000', script: 'bench/search-filters.ts', args: ['--size', '100000'] }],
		columns: [
			{ header: 'first filtered ms', value: (r) => r.firstFilteredMs },
			...['plain', 'since:30d', 'before:1y', 'sort:upvotes', '-word', '"phrase"', 'author:', 'filters only'].map((kind) => ({
				header: `${kind} p50/p95 ms (×plain)`,
				value: (r: BenchResult) => filterKind(r, kind),
			})),
			{ header: 'targets', value: (r) => (r.meetsTargets ? 'met' : 'missed') },
		],
	},
	RELEVANCE_SECTION,
	{
		name: 'foryou',
		title:
			'"For you" on the real corpus: 300 prolific authors as readers, their last 30 days of papers held out, the 30 days ' +
			'ranked (recall@10 against the most upvoted and the same-topics baselines)',
		runs: [{ label: 'real', script: 'bench/foryou.ts', args: ['--users', '300'] }],
		columns: [
			{ header: 'readers', value: (r) => r.users },
			{ header: 'pool', value: (r) => r.meanPool },
			...['foryou', 'foryouCentroid', 'similarFusion', 'sameTopics', 'mostUpvoted'].map((name) => ({
				header: `${name} R@10 (hit@10)`,
				value: (r: BenchResult) => recallCell(r[name]),
			})),
		],
	},
	{
		name: 'e2e',
		title: 'End to end: /paper search dispatched → callback received (target p95 ≤ 100 ms at 100,000 papers)',
		runs: [{ label: '100000', script: 'bench/e2e.ts', args: ['--size', '100000', '--count', '200'] }],
		columns: [
			{ header: 'papers', value: (r) => r.papers },
			{ header: 'interactions', value: (r) => r.interactions },
			{ header: 'p50 ms', value: (r) => r.p50Ms },
			{ header: 'p95 ms', value: (r) => r.p95Ms },
			{ header: 'max ms', value: (r) => r.maxMs },
			{ header: 'startup ms', value: (r) => r.startupMs },
			{ header: 'rejected', value: (r) => r.rejectedRequests },
			{ header: 'target', value: (r) => (r.meetsTarget ? 'met' : 'missed') },
		],
	},
	{
		name: 'fanout',
		title: 'Digest fan-out: 1,000 channels + 1,000 followers, emulator enforcing 50 requests/s (target ≤ 1.2 × the rate-limit floor)',
		runs: [{ label: '1000+1000', script: 'bench/fanout.ts' }],
		columns: [
			{ header: 'day 1 ms / floor / ratio', value: (r) => fanoutDay(r.day1) },
			{ header: 'day 2 ms / floor / ratio', value: (r) => fanoutDay(r.day2) },
			{ header: 'duplicates', value: (r) => sumDays(r, 'duplicates') },
			{ header: 'losses', value: (r) => sumDays(r, 'losses') },
			{ header: 'RSS MB', value: (r) => r.rssMb },
			{ header: 'peak RSS MB', value: (r) => r.peakRssMb },
		],
	},
	{
		name: 'sharded-fanout',
		title:
			'Sharded fan-out: 10,000 guilds × 2 subscriptions + 5,000 followers on 4 shards, emulator enforcing 50 requests/s ' +
			'(targets: ≤ 1.2 × the rate-limit floor, 0 × 429, 0 duplicates, 0 lost)',
		runs: [
			{ label: 'postgres', script: 'bench/sharded-fanout.ts', args: ['--backend', 'postgres'] },
			{ label: 'redis', script: 'bench/sharded-fanout.ts', args: ['--backend', 'redis'] },
			{ label: 'sqlite', script: 'bench/sharded-fanout.ts', args: ['--backend', 'sqlite'] },
		],
		columns: [
			{ header: 'store', value: (r) => `${r.backend} ${String(r.backendVersion ?? '').split(' ')[0]}` },
			{ header: 'processes × shards', value: (r) => `${r.processes} × ${Number(r.shards) / Number(r.processes)}` },
			{ header: 'REST', value: (r) => (String(r.via).startsWith('REST proxy') ? 'proxy' : 'direct') },
			{ header: 'digests', value: (r) => r.expectedDigests },
			{ header: 's / floor s / ratio', value: (r) => `${r.seconds} / ${r.floorS} / ${r.ratio}` },
			{ header: '429s', value: (r) => r.answered429 },
			{ header: 'duplicates', value: (r) => r.duplicates },
			{ header: 'lost', value: (r) => r.lost },
			{ header: 'RSS MB per process (peak)', value: (r) => processMemory(r.memory) },
			{ header: 'target', value: (r) => (r.meetsTargets ? 'met' : 'missed') },
		],
	},
	{
		name: 'fanout-cpu',
		title: 'Fan-out cost per target: 10,000 targets over 100,000 papers, instant sender (target ≤ 0.3 ms of process CPU per target)',
		runs: [{ label: '10000 @ 100000', script: 'bench/fanout-cpu.ts', args: ['--targets', '10000', '--papers', '100000'] }],
		columns: [
			{ header: 'targets', value: (r) => r.targets },
			{ header: 'papers', value: (r) => r.papers },
			{ header: 'wall ms', value: (r) => r.wallMs },
			{ header: 'CPU ms (user/system)', value: (r) => `${r.cpuMs} (${r.cpuUserMs}/${r.cpuSystemMs})` },
			{ header: 'event loop ms / target', value: (r) => r.mainThreadPerTargetMs },
			{ header: 'CPU ms / target', value: (r) => r.cpuPerTargetMs },
			{ header: 'loop delay p99 / max ms', value: (r) => `${r.eventLoopP99Ms} / ${r.eventLoopMaxMs}` },
			{ header: 'target', value: (r) => (r.meetsTarget ? 'met' : 'missed') },
		],
	},
	{
		name: 'event-loop',
		title:
			'Event-loop delay of one bot at 10,000 schedules and 100,000 papers while, at once, a 10,000-target fan-out runs (50 req/s), ' +
			'5,000 papers are ingested from a live source and 100 /digest subscribe a second arrive for 30 s (targets: p99 ≤ 20 ms, max ≤ 100 ms, subscribe p95 ≤ 50 ms)',
		runs: [
			{
				label: '10000 @ 100000',
				script: 'bench/event-loop.ts',
				args: ['--targets', '10000', '--papers', '100000', '--ingest', '5000', '--rate', '100', '--seconds', '30'],
			},
		],
		columns: [
			{
				header: 'loop delay p99 / max ms',
				value: (r) => `${(r.eventLoop as { p99Ms?: number } | undefined)?.p99Ms} / ${(r.eventLoop as { maxMs?: number } | undefined)?.maxMs}`,
			},
			{ header: 'subscribe p50 / p95 / max ms', value: (r) => triple(r.subscribe) },
			{
				header: 'subscribes answered',
				value: (r) => `${(r.subscribe as { answered?: number } | undefined)?.answered} / ${(r.subscribe as { sent?: number } | undefined)?.sent}`,
			},
			{ header: 'index upserts: n / max / total ms', value: (r) => indexUpserts(r.ingest) },
			{ header: 'digests posted', value: (r) => (r.fanout as { digestsPosted?: number } | undefined)?.digestsPosted },
			{ header: 'longest stalls ms', value: (r) => ((r.stalls as Array<{ ms: number }> | undefined) ?? []).map((stall) => stall.ms).join(', ') },
			{ header: 'target', value: (r) => (r.meetsTargets ? 'met' : 'missed') },
		],
	},
	{
		name: 'startup',
		title:
			'The bot as users run it: npm start (bin/start.js) on N real-shaped Daily Papers entries; the restart loads the index snapshot ' +
			'(targets at 100,000: restart ready ≤ 2 s, RSS ≤ 600 MB; at 1,000,000: ready ≤ 10 s, RSS ≤ 1.5 GB; search p95 ≤ 50 ms, autocomplete p95 ≤ 10 ms)',
		runs: ['10000', '100000', '1000000'].map((size) => ({ label: size, script: 'bench/startup.ts', args: ['--size', size] })),
		columns: [
			{ header: 'entries', value: (r) => r.size },
			{ header: 'first start: ready ms / RSS / peak MB', value: (r) => startup(r.first) },
			{ header: 'restart: ready ms / RSS / peak MB', value: (r) => startup(r.restart) },
			{ header: 'snapshot load ms', value: (r) => r.snapshotLoadMs },
			{ header: 'search p50/p95/max ms', value: (r) => triple(r.search) },
			{ header: 'autocomplete p50/p95/max ms', value: (r) => triple(r.autocomplete) },
			{ header: 'target', value: (r) => (r.meetsTarget ? 'met' : 'missed') },
		],
	},
	{
		name: 'crash',
		title: 'Crash suite: 200 channels + 50 followers, bot SIGKILLed at 5 points × restarted +0 / +15 min / next day (target 0 duplicates, 0 lost)',
		runs: [{ label: '200+50', script: 'bench/crash.ts' }],
		columns: [
			{ header: 'scenarios', value: (r) => r.scenarios },
			{ header: 'duplicates', value: (r) => r.duplicates },
			{ header: 'lost papers', value: (r) => r.lost },
			{ header: 'missing digests', value: (r) => r.missingDigests },
			{ header: 'rejected requests', value: (r) => r.rejected },
			{ header: 'seconds', value: (r) => r.seconds },
			{ header: 'target', value: (r) => (r.meetsTarget ? 'met' : 'missed') },
		],
	},
	{
		name: 'store-year',
		title:
			'Storage over a simulated year: 10,000 targets, a digest each every day (5–10 papers), 0.5% churn a day, 100 ' +
			'long queries a day, the prune daily (figures at day 30 / 180 / 365)',
		runs: [{ label: '10000 targets', script: 'bench/store-year.ts' }],
		columns: [
			{ header: 'file MB (+ WAL)', value: (r) => perCheckpoint(r, (c) => `${c.fileMb}+${c.walMb}`) },
			{ header: 'delivery records', value: (r) => perCheckpoint(r, (c) => c.rows?.deliveries) },
			{ header: 'deliveries MB', value: (r) => perCheckpoint(r, (c) => c.mb?.deliveries) },
			{ header: 'subscriptions + follows', value: (r) => perCheckpoint(r, (c) => (c.rows?.subscriptions ?? 0) + (c.rows?.follows ?? 0)) },
			{ header: 'query memos', value: (r) => perCheckpoint(r, (c) => c.rows?.queries) },
			{ header: 'papers (MB)', value: (r) => perCheckpoint(r, (c) => `${c.rows?.papers} (${c.mb?.papers})`) },
			{ header: 'sent ids per record (max)', value: (r) => perCheckpoint(r, (c) => c.sentIds?.max) },
			{ header: 'prune ms p50/max', value: (r) => `${(r.pruneMs as { p50?: number } | undefined)?.p50} / ${(r.pruneMs as { max?: number } | undefined)?.max}` },
			{ header: 'total s', value: (r) => r.totalS },
		],
	},
];

interface StoreCheckpoint {
	fileMb?: number;
	walMb?: number;
	rows?: Record<string, number>;
	mb?: Record<string, number>;
	sentIds?: { max?: number };
}

function perCheckpoint(result: BenchResult, value: (checkpoint: StoreCheckpoint) => unknown): string {
	return ((result.checkpoints as StoreCheckpoint[] | undefined) ?? []).map((checkpoint) => String(value(checkpoint) ?? '')).join(' / ');
}

function recallCell(value: unknown): string {
	const score = value as { recallAt10?: number; hitAt10?: number } | undefined;
	return score ? `${score.recallAt10} (${score.hitAt10})` : '';
}

function filterKind(result: BenchResult, kind: string): string {
	const figures = (result.kinds as Record<string, { p50?: number; p95?: number; ratioP50?: number; ratioP95?: number }> | undefined)?.[kind];
	return figures ? `${figures.p50} / ${figures.p95} (${figures.ratioP50}× / ${figures.ratioP95}×)` : '';
}

function indexUpserts(value: unknown): string {
	const ingest = value as { indexUpserts?: number; indexUpsertMaxMs?: number; indexUpsertTotalMs?: number } | undefined;
	return ingest ? `${ingest.indexUpserts} / ${ingest.indexUpsertMaxMs} / ${ingest.indexUpsertTotalMs}` : '';
}

function triple(value: unknown): string {
	const summary = value as { p50?: number; p95?: number; max?: number } | undefined;
	return summary ? `${summary.p50} / ${summary.p95} / ${summary.max}` : '';
}

function startup(value: unknown): string {
	const run = value as { readyMs?: number; rssMb?: number; peakRssMb?: number } | undefined;
	return run ? `${run.readyMs} / ${run.rssMb} / ${run.peakRssMb}` : '';
}

function fanoutDay(value: unknown): string {
	const day = value as { ms?: number; floorMs?: number; ratio?: number } | undefined;
	return day ? `${day.ms} / ${day.floorMs} / ${day.ratio}` : '';
}

/** `bot 1 183 (195), bot 2 174 (184), proxy 107 (110)` from the sharded fan-out's per-process figures. */
function processMemory(value: unknown): string {
	const processes = (value as { process?: string; rssMb?: number; peakRssMb?: number }[] | undefined) ?? [];
	return processes.map((entry) => `${String(entry.process).split(':')[0]} ${entry.rssMb} (${entry.peakRssMb})`).join(', ');
}

function sumDays(result: BenchResult, key: 'duplicates' | 'losses'): number {
	const days = [result.day1, result.day2] as ({ duplicates?: number; losses?: number } | undefined)[];
	return days.reduce((sum, day) => sum + (day?.[key] ?? 0), 0);
}
