import type { Paper } from '../papers/paper.js';
import type { Collection } from './collection.js';
import type { StoredPaper } from './records.js';

export interface UpsertResult {
	added: StoredPaper[];
	updated: StoredPaper[];
}

/**
 * Later fetches win field by field (fresher upvotes, a new arXiv version's title or abstract), but the
 * paper keeps its first listing day and first-seen instant: digests use them to decide what is new,
 * and moving them would re-offer an old paper as news.
 */
export function mergeStoredPaper(existing: StoredPaper, incoming: Paper): StoredPaper {
	return { ...existing, ...definedFields(incoming), listedOn: existing.listedOn, firstSeenAt: existing.firstSeenAt, updatedAt: existing.updatedAt };
}

/** Dedupes by id (later entries of the batch win), writes only what changed, in one batch. */
export async function upsertPaperRecords(papers: Collection<StoredPaper>, incoming: readonly Paper[], now: Date): Promise<UpsertResult> {
	const byId = new Map<string, Paper>();
	for (const paper of incoming) byId.set(paper.id, { ...(byId.get(paper.id) ?? {}), ...definedFields(paper) } as Paper);
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
		if (JSON.stringify(merged) !== JSON.stringify(stored)) result.updated.push({ ...merged, updatedAt: at });
	});
	await papers.setMany([...result.added, ...result.updated].map((paper) => [paper.id, paper] as const));
	return result;
}

/** Drops keys whose value is undefined, so a source that lacks a field never erases what another supplied. */
function definedFields<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
