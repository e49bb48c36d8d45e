import type { Logger } from '../../log.js';
import { PAPER_FEED_NAMESPACE, PaperFeedDefaults, paperFeedTime, readPaperFeed, writtenBy } from '../../store/paper-feed.js';
import type { StoredPaper } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { createLiveIndex } from './live-index.js';
import type { IngestIndex } from './service.js';

export interface PaperFeedFollowerOptions {
	store: Pick<Store, 'raw' | 'listPapers' | 'writerId'>;
	index: IngestIndex;
	logger: Logger;
	/** Wall-clock ms just before the index was loaded from the store: everything stored before it is in the index. */
	since: number;
	/** Entries written through this store (default its writerId) are skipped: the index has them already. */
	instanceId?: string;
	pollEveryMs?: number;
	lookbackMs?: number;
	retentionMs?: number;
	now?: () => number;
	/** Told after papers from the feed went into the index (metrics). */
	onApplied?: (count: number) => void;
}

export interface PaperFeedFollower {
	/** Reads the feed now (the timer does every pollEveryMs); how many papers went into the index. */
	pollNow(): Promise<number>;
	stop(): Promise<void>;
}

/**
 * Keeps this process's search index up to date with papers other processes stored (the leader's ingest, a
 * `paperboy ingest`): every pollEveryMs it reads the paper feed after its cursor and upserts what changed into
 * the live index, as the ingest does with what it fetched. No rebuild, no restart. A follower that could not
 * read the feed for longer than its retention re-reads the papers changed since, from the store, once.
 */
export function followPaperFeed(options: PaperFeedFollowerOptions): PaperFeedFollower {
	const logger = options.logger.child({ component: 'paper-feed' });
	const now = options.now ?? Date.now;
	const pollEveryMs = options.pollEveryMs ?? PaperFeedDefaults.pollEveryMs;
	const lookbackMs = options.lookbackMs ?? PaperFeedDefaults.lookbackMs;
	const retentionMs = options.retentionMs ?? PaperFeedDefaults.retentionMs;
	const instanceId = options.instanceId ?? options.store.writerId;
	const raw = options.store.raw(PAPER_FEED_NAMESPACE);
	const live = createLiveIndex(options.index);
	/** Everything written before this (less the lookback) is in the index. */
	let cursor = options.since;
	/** Keys already applied (or skipped) that a later poll's lookback lists again, by when they were written. */
	const seen = new Map<string, number>();
	let failing = false;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<number> | undefined;

	const changedPapers = async (from: number, at: number): Promise<StoredPaper[]> => {
		if (from < at - retentionMs) {
			// Entries this old may be pruned already: the store itself says what changed since.
			logger.warn('the paper feed was not read for longer than it is kept; re-reading the papers changed since from the store', {
				since: new Date(from).toISOString(),
			});
			return (await options.store.listPapers()).filter((paper) => Date.parse(paper.updatedAt ?? paper.firstSeenAt) >= from);
		}
		const byId = new Map<string, StoredPaper>();
		const skip = (key: string, text: string) => {
			if (seen.has(key)) return true;
			seen.set(key, paperFeedTime(key));
			return writtenBy(text, instanceId);
		};
		for (const [, entry] of await readPaperFeed(raw, from, at + lookbackMs, skip)) if (entry.by !== instanceId) byId.set(entry.paper.id, entry.paper);
		return [...byId.values()];
	};

	const pollOnce = async (): Promise<number> => {
		const at = now();
		const from = cursor - lookbackMs;
		let papers: StoredPaper[];
		try {
			papers = await changedPapers(from, at);
		} catch (error) {
			if (!failing) logger.warn('could not read the paper feed; trying again', { error, pollEveryMs });
			failing = true;
			return 0;
		}
		if (failing) logger.info('reading the paper feed again');
		failing = false;
		cursor = at;
		// The next poll lists from at - lookback: older keys cannot come back.
		for (const [key, time] of seen) if (!(time >= at - lookbackMs)) seen.delete(key);
		if (stopped || papers.length === 0) return 0;
		await live.upsert(papers);
		options.onApplied?.(papers.length);
		logger.info('papers from the shared store indexed', { papers: papers.length, ids: papers.slice(0, 10).map((paper) => paper.id) });
		return papers.length;
	};
	const pollNow = () => (running ??= pollOnce().finally(() => (running = undefined)));
	const schedule = () => {
		if (stopped) return;
		// Unref'd: following the feed never keeps a stopped bot alive.
		timer = setTimeout(() => {
			void pollNow()
				.catch((error: unknown) => logger.error('indexing papers from the feed failed', { error }))
				.then(schedule);
		}, pollEveryMs).unref();
	};
	schedule();
	return {
		pollNow,
		async stop() {
			stopped = true;
			clearTimeout(timer);
			await running;
		},
	};
}
