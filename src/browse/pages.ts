import type { Paper } from '../papers/paper.js';
import type { PaperIndex } from '../search/index.js';

export const RESULTS_PER_PAGE = 5;
/** Ten pages is more than anyone pages through in Discord; beyond that, a better query helps more. */
export const MAX_RESULTS = 50;

export interface Page<T> {
	items: T[];
	page: number;
	pageCount: number;
	total: number;
}

/** Slices a ranked list into 5-item pages; an out-of-range page (from an old button) clamps to the nearest one. */
export function paginate<T>(items: readonly T[], page: number, perPage = RESULTS_PER_PAGE): Page<T> {
	const pageCount = Math.max(1, Math.ceil(items.length / perPage));
	const current = Math.min(Math.max(0, Math.trunc(page) || 0), pageCount - 1);
	return { items: items.slice(current * perPage, (current + 1) * perPage), page: current, pageCount, total: items.length };
}

export function searchPage(index: PaperIndex, query: string, page: number): Page<Paper> {
	const hits = index.search(query, MAX_RESULTS);
	return paginate(
		hits.map((hit) => hit.paper),
		page,
	);
}

/** The most recent listing day and its papers, most upvoted first (papers without upvotes last, then by title). */
export function latestListing(papers: readonly Paper[], day?: string): { day: string | undefined; papers: Paper[] } {
	let latest = day;
	if (!latest) for (const paper of papers) if (!latest || paper.listedOn > latest) latest = paper.listedOn;
	const listed = papers.filter((paper) => paper.listedOn === latest);
	listed.sort((a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || a.title.localeCompare(b.title));
	return { day: latest, papers: listed };
}
