import type { Paper, PaperSource } from '../paper.js';

/** Which record's source tag survives a merge: the one that carries the most (HF has upvotes, code, keywords). */
const SOURCE_RANK: Record<PaperSource, number> = { 'seed-dump': 0, 'paper-json': 1, arxiv: 2, 'hf-daily': 3 };
const REFRESHED = ['upvotes', 'arxivId', 'codeUrl', 'projectUrl', 'keywords'] as const;

/**
 * Folds a freshly fetched record into the stored one with the same id. Fresh values win (a new version's
 * title, today's upvotes) but nothing known is lost to a poorer source: an arXiv record has no upvotes, so the
 * HF upvotes stay. The listing day never moves, so a paper is never listed, and digested, twice.
 */
export function mergePaper(existing: Paper | undefined, incoming: Paper): Paper {
	if (!existing) return incoming;
	const merged: Paper = {
		...existing,
		title: incoming.title || existing.title,
		abstract: incoming.abstract || existing.abstract,
		authors: incoming.authors.length > 0 ? incoming.authors : existing.authors,
		source: SOURCE_RANK[incoming.source] >= SOURCE_RANK[existing.source] ? incoming.source : existing.source,
	};
	for (const key of REFRESHED) {
		if (incoming[key] !== undefined) Object.assign(merged, { [key]: incoming[key] });
	}
	return merged;
}

/** Field-by-field equality, so an unchanged refetch is neither "added" nor "updated". */
export function isSamePaper(a: Paper, b: Paper): boolean {
	return stableJson(a) === stableJson(b);
}

function stableJson(paper: Paper): string {
	const record = paper as unknown as Record<string, unknown>;
	return JSON.stringify(
		Object.keys(record)
			.filter((key) => record[key] !== undefined)
			.sort()
			.map((key) => [key, record[key]]),
	);
}
