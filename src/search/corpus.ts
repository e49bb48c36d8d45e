import type { Logger } from '../log.js';
import type { PapersRead } from '../papers/json.js';
import { formatLoadProblem, loadSeedsDir, stampSeedsDir, type LoadReport } from '../papers/loader.js';
import { mergePapers } from '../papers/merge.js';
import type { Paper } from '../papers/paper.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AbstractSpool } from './abstract-spool.js';
import { collectGarbageNow } from './collect-garbage.js';
import { buildPaperIndex, type PaperIndex } from './index.js';
import { loadIndexSnapshot, readSnapshotHeader, SnapshotError, type LoadedSnapshot } from './snapshot.js';

/** The load report without the papers themselves (a snapshot keeps the counts, not a second copy of the seeds). */
export type LoadSummary = Omit<LoadReport, 'papers'> & { seedPapers: number };

export interface Corpus {
	index: PaperIndex;
	report: LoadSummary;
	storedCount: number;
	buildMs: number;
	/** Set when the index came from a snapshot: the feed must be read from `since` to catch up. */
	snapshot?: LoadedSnapshot & { since: number };
	/** What a snapshot of this corpus must match (set when snapshots are on). */
	fingerprint?: CorpusFingerprint;
}

interface CorpusOptions {
	seedsDir: string;
	papersYear?: number;
	now: Date;
	logger: Logger;
	/** Where a build moves the abstracts while it runs (see abstract-spool.ts); unset, they stay on the heap. */
	spoolDir?: string;
	/** Abstracts below this total stay on the heap (default SpoolDefaults.minAbstractBytes). */
	spoolMinAbstractBytes?: number;
}

export const SpoolDefaults = Object.freeze({
	/**
	 * Spooling starts once the seeds read so far hold this much, and takes those along; below it a corpus is small
	 * enough to keep its abstracts. Abstracts held on the heap die in the old generation, among the papers read with
	 * them: loaded and built in one process, 100,000 papers keeping their 140 MB of abstracts peaked at 505 MB and
	 * held 405 MB after the build, against 398 and 273 MB spooled from the start. At 10,000 papers it made no difference.
	 */
	minAbstractBytes: 8 * 1024 * 1024,
});

/**
 * The corpus is the shipped seeds plus every paper ingested earlier (kept in the store), merged so an
 * ingested record enriches its seed twin instead of duplicating it. Problems are logged, never fatal.
 */
export async function loadCorpus(options: CorpusOptions & { storedPapers: readonly Paper[] }): Promise<Corpus> {
	const spool =
		options.spoolDir === undefined
			? undefined
			: spoolWhenLarge(options.spoolDir, options.spoolMinAbstractBytes ?? SpoolDefaults.minAbstractBytes, options.logger);
	const report = await loadSeedsDir(options.seedsDir, { papersYear: options.papersYear, now: options.now, onPapersRead: spool?.add });
	// A copy: shelving puts papers reading their abstracts from the spool in the list, and this one is the caller's.
	const storedPapers = [...options.storedPapers];
	if (storedPapers.length > 0) spool?.add(storedPapers, 0, storedPapers.length);
	spool?.finish();
	for (const problem of report.problems) options.logger.warn('corpus problem', { problem: formatLoadProblem(problem) });
	// The loader already merged the seeds among themselves; only stored papers can add duplicates now.
	const { papers, merged } = storedPapers.length === 0 ? { papers: report.papers, merged: 0 } : mergePapers([...report.papers, ...storedPapers]);
	// A corpus large enough to spool is collected before its build and after it (see collectGarbageNow): the read
	// leaves the papers scattered over a heap of its garbage (a million: 655 MB of them on 1.9 GB), and the build
	// leaves its scratch arrays. Either way the build and the bot after it would keep that memory.
	const large = spool?.spooled() === true;
	const gcMs = large ? timed(collectGarbageNow) : 0;
	const started = performance.now();
	const index = buildPaperIndex(papers);
	const buildMs = Math.round(performance.now() - started);
	const afterBuildGcMs = large ? timed(collectGarbageNow) : 0;
	const { papers: seedPapers, ...summary } = { ...report, merged: report.merged + merged };
	options.logger.info('corpus loaded', {
		papers: index.size,
		seedFiles: report.files.length,
		fromSeeds: seedPapers.length,
		fromStore: options.storedPapers.length,
		merged: summary.merged,
		skipped: report.skipped,
		indexMs: buildMs,
		gcMs: gcMs + afterBuildGcMs,
	});
	return { index, report: { ...summary, seedPapers: seedPapers.length }, storedCount: options.storedPapers.length, buildMs };
}

/**
 * Papers are held back until their abstracts reach `minBytes`, then spooled with everything after. When the directory
 * is not writable or the disk fills, the papers keep their abstracts on the heap: that costs memory, never papers.
 */
function spoolWhenLarge(dir: string, minBytes: number, logger: Logger): { add: PapersRead; finish: () => void; spooled: () => boolean } {
	let spool: AbstractSpool | undefined;
	let failed = false;
	let held: [papers: Paper[], from: number, to: number][] = [];
	let heldBytes = 0;
	const shelve = (papers: Paper[], from: number, to: number) => {
		const what = spool ? 'the rest' : 'them';
		try {
			spool ??= openSpoolIn(dir);
			spool.shelve(papers, from, to);
		} catch (error) {
			failed = true;
			logger.warn(`cannot spool abstracts to disk during the build; keeping ${what} in memory`, { dir, error });
		}
	};
	return {
		add: (papers, from, to) => {
			if (failed) return;
			if (!spool) {
				held.push([papers, from, to]);
				for (let at = from; at < to; at++) heldBytes += (papers[at] as Paper).abstract.length;
				if (heldBytes < minBytes) return;
			}
			const batches = spool ? [[papers, from, to] as const] : held;
			held = [];
			for (const [list, start, end] of batches) if (!failed) shelve(list, start, end);
		},
		finish: () => {
			held = [];
			spool?.finish();
		},
		spooled: () => spool !== undefined,
	};
}

function openSpoolIn(dir: string): AbstractSpool {
	mkdirSync(dir, { recursive: true });
	return AbstractSpool.open(dir);
}

export interface SnapshotSource {
	path: string;
	/** The database's identity (Store.id): a snapshot of another database is never loaded. */
	storeId: string;
	/** Stored papers now; a snapshot holding more than the store does (a restored backup) is rebuilt. */
	countStoredPapers(): Promise<number>;
	/** Older snapshots are rebuilt: the paper feed that would catch them up keeps only this long. */
	maxAgeMs: number;
	wallNow?: () => number;
}

/** What a snapshot is checked against before it is loaded. */
export interface CorpusFingerprint {
	seeds: Awaited<ReturnType<typeof stampSeedsDir>>;
	storeId: string;
}

/** What a snapshot's header carries back besides the fingerprint. */
export interface SnapshotExtra {
	report: LoadSummary;
	storedCount: number;
}

export async function corpusFingerprint(options: Pick<CorpusOptions, 'seedsDir' | 'papersYear' | 'now'>, storeId: string): Promise<CorpusFingerprint> {
	return { seeds: await stampSeedsDir(options.seedsDir, { papersYear: options.papersYear, now: options.now }), storeId };
}

/**
 * The corpus from the index snapshot when it is whole and matches the seeds and the database; otherwise (no
 * snapshot, seeds changed, another database, too old, damaged) built from the seeds and the store as before,
 * with the reason logged. The caller saves a new snapshot (src/search/snapshot-keeper.ts) and, after a load,
 * catches up from the paper feed from `snapshot.since`.
 */
export async function loadCorpusOrSnapshot(
	options: CorpusOptions & { listStoredPapers: () => Promise<readonly Paper[]>; snapshot: SnapshotSource | undefined },
): Promise<Corpus> {
	const { snapshot } = options;
	// Taken before the seeds are read: a file changed meanwhile makes the next start rebuild, never trust a stale one.
	const fingerprint = snapshot && (await corpusFingerprint(options, snapshot.storeId).catch(() => undefined));
	if (snapshot && fingerprint) {
		const started = performance.now();
		const loaded = await tryLoadSnapshot(snapshot, fingerprint, options.logger);
		if (loaded) {
			const extra = loaded.header.extra as SnapshotExtra;
			const loadMs = Math.round(performance.now() - started);
			options.logger.info('corpus loaded from the index snapshot', {
				papers: loaded.index.size,
				snapshot: snapshot.path,
				takenAt: new Date(loaded.header.takenAt).toISOString(),
				megabytes: Math.round(loaded.bytes / 1e5) / 10,
				loadMs,
			});
			return {
				index: loaded.index,
				report: extra.report,
				storedCount: extra.storedCount,
				buildMs: loadMs,
				snapshot: { ...loaded, since: loaded.header.takenAt },
				fingerprint,
			};
		}
	}
	const spoolDir = snapshot ? dirname(snapshot.path) : undefined;
	const corpus = await loadCorpus({ ...options, ...(spoolDir ? { spoolDir } : {}), storedPapers: await options.listStoredPapers() });
	return fingerprint ? { ...corpus, fingerprint } : corpus;
}

async function tryLoadSnapshot(source: SnapshotSource, fingerprint: CorpusFingerprint, logger: Logger): Promise<LoadedSnapshot | undefined> {
	const rebuild = (reason: string) => {
		logger.info('index snapshot not used; building the index', { snapshot: source.path, reason });
		return undefined;
	};
	let header: ReturnType<typeof readSnapshotHeader>;
	try {
		header = readSnapshotHeader(source.path);
	} catch (error) {
		if (error instanceof SnapshotError && /ENOENT/.test(error.message)) return rebuild('no snapshot yet');
		logger.warn('the index snapshot is unreadable; rebuilding it', { snapshot: source.path, reason: (error as Error).message });
		return undefined;
	}
	if (JSON.stringify(header.fingerprint) !== JSON.stringify(fingerprint)) {
		const saved = header.fingerprint as Partial<CorpusFingerprint>;
		return rebuild(saved?.storeId !== fingerprint.storeId ? 'it was taken of another database' : 'the seed files changed');
	}
	const age = (source.wallNow ?? Date.now)() - header.takenAt;
	if (!(age >= 0 && age <= source.maxAgeMs)) return rebuild(`taken ${Math.round(age / 60_000)} min ago, longer than the paper feed is kept`);
	const extra = header.extra as Partial<SnapshotExtra> | undefined;
	const stored = await source.countStoredPapers();
	if (typeof extra?.storedCount !== 'number' || !extra.report) return rebuild('its header lacks the load report');
	if (stored < extra.storedCount)
		return rebuild(`the database holds ${stored} papers, fewer than the snapshot's ${extra.storedCount} (restored from a backup?)`);
	try {
		return loadIndexSnapshot(source.path);
	} catch (error) {
		logger.warn('the index snapshot is damaged; rebuilding it', { snapshot: source.path, reason: (error as Error).message });
		return undefined;
	}
}

function timed(work: () => void): number {
	const started = performance.now();
	work();
	return Math.round(performance.now() - started);
}
