import type { RawRow } from './backend.js';
import type { RawNamespace } from './collection.js';
import type { StoredPaper } from './records.js';

/**
 * The change feed of stored papers: every write of a paper (an ingest, `paperboy ingest`) also writes an entry
 * keyed `<ISO wall-clock time>:<paper id>` holding the record as written. Processes sharing the database follow
 * it by listing the few keys after their cursor (a key range on SQL, a SCAN by prefix on Redis), never the
 * papers namespace: at 100,000 papers a poll still reads only what changed since the last one.
 *
 * Keys use the wall clock (Date.now), never the bot's clock: the sandbox moves that one, and every process
 * compares these keys against its own wall clock.
 */

export const PAPER_FEED_NAMESPACE = 'papers-changed';

export const PaperFeedDefaults = Object.freeze({
	/** Followers poll this often: a paper the leader stores is searchable everywhere about this long later. */
	pollEveryMs: 10_000,
	/**
	 * Each poll reads again from this long before the previous one: an entry that committed late, or one from a
	 * host whose clock is behind ours by less than this, is still seen (keys already applied are skipped).
	 */
	lookbackMs: 60_000,
	/** Entries older than this are pruned; a follower that fell further behind re-reads the changed papers instead. */
	retentionMs: 24 * 60 * 60 * 1000,
});

export interface PaperFeedEntry {
	paper: StoredPaper;
	/** The writing process's instance id: a process skips its own entries (its index already has them). */
	by: string;
}

export function paperFeedKey(atMs: number, paperId: string): string {
	return `${new Date(atMs).toISOString()}:${paperId}`;
}

/** When an entry was written, from its key; NaN for a key that is not a feed key. */
export function paperFeedTime(key: string): number {
	return Date.parse(key.slice(0, 24));
}

/**
 * Whether an entry's text says it was written by `by`, without decoding it. The writer id is a random UUID of one
 * store opening, so no paper's text holds it.
 */
export function writtenBy(text: string, by: string): boolean {
	return text.includes(`"by":${JSON.stringify(by)}`);
}

/** The rows recording `papers` as changed at `atMs`; each expires (for listings) after the retention. */
export function paperFeedRows(
	raw: RawNamespace,
	papers: readonly StoredPaper[],
	atMs: number,
	by: string,
	retentionMs: number = PaperFeedDefaults.retentionMs,
): RawRow[] {
	return papers.map((paper) => [paperFeedKey(atMs, paper.id), raw.encode({ paper, by } satisfies PaperFeedEntry, atMs + retentionMs)] as const);
}

const TEN_MINUTES_MS = 10 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Key prefixes that together cover every instant in [fromMs, toMs]: ten-minute buckets (`2026-03-14T08:1`) for
 * a poll's usual minute or two, hour buckets for a longer gap, everything past three days.
 */
export function paperFeedPrefixes(fromMs: number, toMs: number): string[] {
	if (!(toMs >= fromMs) || toMs - fromMs > 3 * 24 * HOUR_MS) return [''];
	const [step, length] = toMs - fromMs <= 6 * HOUR_MS ? [TEN_MINUTES_MS, 15] : [HOUR_MS, 13];
	const prefixes = new Set<string>();
	for (let at = Math.floor(fromMs / step) * step; at <= toMs; at += step) prefixes.add(new Date(at).toISOString().slice(0, length));
	return [...prefixes];
}

/**
 * The readable entries written in [fromMs, toMs] (by their keys), in key order. `skip` sees each row before it is
 * decoded: a poll re-lists its lookback and its own writes, and decoding 5,000 papers it already has cost 150 ms.
 */
export async function readPaperFeed(
	raw: RawNamespace,
	fromMs: number,
	toMs: number,
	skip: (key: string, text: string) => boolean = () => false,
): Promise<Array<[key: string, entry: PaperFeedEntry]>> {
	const from = new Date(fromMs).toISOString();
	const entries: Array<[string, PaperFeedEntry]> = [];
	for (const prefix of paperFeedPrefixes(fromMs, toMs)) {
		for (const [key, text] of await raw.list(prefix)) {
			if (key < from || skip(key, text)) continue;
			const row = raw.decode<PaperFeedEntry>(text);
			if (row.readable && row.value && typeof row.value === 'object' && row.value.paper && typeof row.value.paper.id === 'string')
				entries.push([key, row.value]);
		}
	}
	return entries;
}

/** Deletes entries written before `nowMs - retentionMs` (compare-and-set on each row read); how many went. */
export async function prunePaperFeed(raw: RawNamespace, nowMs: number, retentionMs: number = PaperFeedDefaults.retentionMs): Promise<number> {
	const cutoff = new Date(nowMs - retentionMs).toISOString();
	const old = (await raw.list('')).filter(([key]) => key < cutoff);
	if (old.length === 0) return 0;
	return (await raw.swap(old.map(([key, text]) => ({ key, expected: text, next: undefined })))).length;
}
