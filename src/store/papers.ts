import type { Paper } from '../papers/paper.js';
import { isSamePaper, mergePaper } from '../papers/sources/merge.js';
import type { Collection, RawNamespace } from './collection.js';
import { paperFeedRows } from './paper-feed.js';
import type { StoredPaper } from './records.js';

export interface UpsertResult {
	added: StoredPaper[];
	updated: StoredPaper[];
}

/**
 * The ingest's merge (mergePaper: fresher upvotes, a new arXiv version's title or abstract, nothing lost to a
 * poorer source), so the store and the live index agree on every record. The paper keeps its first listing day
 * and first-seen instant: digests use them to decide what is new, and moving them would re-offer an old paper.
 */
export function mergeStoredPaper(existing: StoredPaper, incoming: Paper): StoredPaper {
	const merged = mergePaper(existing, definedFields(incoming)) as StoredPaper;
	return {
		...merged,
		id: existing.id,
		listedOn: existing.listedOn,
		firstSeenAt: existing.firstSeenAt,
		...(existing.updatedAt ? { updatedAt: existing.updatedAt } : {}),
	};
}

/** Where a paper write is announced to the other processes sharing the database (src/store/paper-feed.ts). */
export interface PaperFeedWriter {
	raw: RawNamespace;
	/** The writing process's instance id. */
	by: string;
}

/**
 * Dedupes by id (later entries of the batch win, merged like a later fetch), writes only what changed, in one batch.
 * With a feed, what changed is written there first: a crash between the two writes leaves the other processes
 * knowing a paper the store lacks (the next ingest stores it), never the store holding one they never hear of.
 */
export async function upsertPaperRecords(
	papers: Collection<StoredPaper>,
	incoming: readonly Paper[],
	now: Date,
	feed?: PaperFeedWriter,
): Promise<UpsertResult> {
	const byId = new Map<string, Paper>();
	for (const paper of incoming) byId.set(paper.id, mergePaper(byId.get(paper.id), definedFields(paper)));
	const ids = [...byId.keys()];
	const existing = await papers.getMany(ids);
	const at = now.toISOString();
	const result: UpsertResult = { added: [], updated: [] };
	ids.forEach((id, position) => {
		const paper = byId.get(id) as Paper;
		const stored = existing[position];
		if (!stored) {
			result.added.push({ ...definedFields(paper), firstSeenAt: at } as StoredPaper);
			return;
		}
		const merged = mergeStoredPaper(stored, paper);
		if (!isSamePaper(merged, stored)) result.updated.push({ ...merged, updatedAt: at });
	});
	const changed = [...result.added, ...result.updated];
	if (feed && changed.length > 0) await feed.raw.write(paperFeedRows(feed.raw, changed, Date.now(), feed.by));
	await papers.setMany(changed.map((paper) => [paper.id, paper] as const));
	return result;
}

/** Drops keys whose value is undefined, so a source that lacks a field never erases what another supplied. */
function definedFields<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
