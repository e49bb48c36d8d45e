import type { Logger } from '../log.js';
import type { AbstractShelf } from './abstract-shelf.js';
import type { CorpusFingerprint, SnapshotExtra } from './corpus.js';
import { indexState, type PaperIndex } from './index.js';
import { shelvesInUse, writeIndexSnapshot } from './snapshot.js';

export const SnapshotKeeperDefaults = Object.freeze({
	/** How often the keeper looks whether the index moved on. */
	checkEveryMs: 60_000,
	/**
	 * A snapshot is rewritten this often even when only live papers changed, well inside the paper feed's 24 h
	 * retention: a restart then always has a recent enough snapshot to catch up from the feed.
	 */
	refreshEveryMs: 6 * 60 * 60 * 1000,
});

export interface SnapshotKeeperOptions {
	path: string;
	index: PaperIndex;
	logger: Logger;
	/** What the index was loaded from (checked by the next start before it loads the snapshot). */
	fingerprint: CorpusFingerprint;
	report: SnapshotExtra['report'];
	countStoredPapers(): Promise<number>;
	/** The snapshot the index was loaded from, if any: nothing is rewritten until the index moves on. */
	loaded?: { takenAt: number; shelf: AbstractShelf };
	checkEveryMs?: number;
	refreshEveryMs?: number;
	wallNow?: () => number;
}

export interface SnapshotKeeper {
	/** Writes a snapshot now unless one is being written; resolves when it is on disk. */
	writeNow(): Promise<void>;
	stop(): Promise<void>;
}

/**
 * Keeps the index snapshot current: written after a build, after every rebuild of the base segment, and every
 * refreshEveryMs otherwise. Writing runs in slices beside the bot's work; a failure is logged and retried on
 * the next check (the bot serves from memory either way, only the next start is slower).
 */
export function keepIndexSnapshot(options: SnapshotKeeperOptions): SnapshotKeeper {
	const logger = options.logger.child({ component: 'index-snapshot' });
	const wallNow = options.wallNow ?? Date.now;
	const refreshEveryMs = options.refreshEveryMs ?? SnapshotKeeperDefaults.refreshEveryMs;
	const initial = indexState(options.index);
	let written = options.loaded ? { at: options.loaded.takenAt, baseGeneration: initial?.baseGeneration } : undefined;
	const shelves = new Set<AbstractShelf>(options.loaded ? [options.loaded.shelf] : []);
	let writing: Promise<void> | undefined;
	let stopped = false;

	const write = async () => {
		const takenAt = wallNow();
		const started = performance.now();
		try {
			// Shelves the papers read from before this write (a build's spool, see abstract-spool.ts) are let go after it.
			for (const shelf of shelvesInUse(options.index)) shelves.add(shelf);
			const storedCount = await options.countStoredPapers();
			const extra: SnapshotExtra = { report: options.report, storedCount };
			const result = await writeIndexSnapshot(options.path, options.index, { fingerprint: options.fingerprint, takenAt, extra });
			written = { at: takenAt, baseGeneration: result.baseGeneration };
			shelves.add(result.shelf);
			const inUse = shelvesInUse(options.index);
			for (const shelf of shelves) {
				if (inUse.has(shelf)) continue;
				shelf.retire();
				shelves.delete(shelf);
			}
			logger.info('index snapshot saved', {
				snapshot: options.path,
				papers: result.papers,
				megabytes: Math.round(result.bytes / 1e5) / 10,
				ms: Math.round(performance.now() - started),
			});
		} catch (error) {
			logger.warn('could not save the index snapshot; the next start rebuilds the index', { snapshot: options.path, error });
		}
	};
	const writeNow = () => (writing ??= write().finally(() => (writing = undefined)));
	const due = () => {
		const state = indexState(options.index);
		if (!state) return false;
		if (!written) return true;
		if (state.baseGeneration !== written.baseGeneration) return true;
		return wallNow() - written.at >= refreshEveryMs;
	};
	const timer = setInterval(() => {
		if (!stopped && !writing && due()) void writeNow();
	}, options.checkEveryMs ?? SnapshotKeeperDefaults.checkEveryMs).unref();
	return {
		writeNow,
		async stop() {
			stopped = true;
			clearInterval(timer);
			await writing;
		},
	};
}
