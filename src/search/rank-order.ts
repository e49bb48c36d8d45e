import type { Paper } from '../papers/paper.js';

/**
 * The order autocomplete and "recent papers" use: newest listing day first, then most upvoted,
 * then id so the order is total and stable across rebuilds.
 */
export function compareRecency(a: Paper, b: Paper): number {
	if (a.listedOn !== b.listedOn) return a.listedOn < b.listedOn ? 1 : -1;
	const votes = (b.upvotes ?? 0) - (a.upvotes ?? 0);
	if (votes !== 0) return votes;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
