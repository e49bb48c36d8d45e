import type { Paper } from '../papers/paper.js';
import { isSamePaper, mergePaper } from '../papers/sources/merge.js';
import type { Collection } from './collection.js';
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
	return { ...merged, id: existing.id, listedOn: existing.listedOn, firstSeenAt: existing.firstSeenAt, ...(existing.updatedAt ? { updatedAt: existing.updatedAt } : {}) };
}

/** Dedupes by id (later entries of the batch win, merged like a later fetch), writes only what changed, in one batch. */
export async function upsertPaperRecords(papers: Collection<StoredPaper>, incoming: readonly Paper[], now: Date): Promise<UpsertResult> {
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
	await papers.setMany([...result.added, ...result.updated].map((paper) => [paper.id, paper] as const));
	return result;
}

/** Drops keys whose value is undefined, so a source that lacks a field never erases what another supplied. */
function definedFields<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
