import { normalizeArxivId, normalizeTitle, paperIdFor, type Paper } from './paper.js';

/**
 * Folds duplicate papers into one: the same arXiv id ignoring the version, or the same normalized
 * title (unless both carry different arXiv ids: then they are different papers that share a title).
 * The richer record wins and fields it lacks are filled from the other, so nothing known is lost.
 * Order is first-seen; `merged` counts the records folded into another.
 */
export function mergePapers(papers: readonly Paper[]): { papers: Paper[]; merged: number } {
	const kept: Paper[] = [];
	const byArxiv = new Map<string, number>();
	const byTitle = new Map<string, number>();
	let merged = 0;
	for (const paper of papers) {
		const arxivId = paper.arxivId ? (normalizeArxivId(paper.arxivId) ?? paper.arxivId) : undefined;
		const title = normalizeTitle(paper.title);
		let index = arxivId === undefined ? undefined : byArxiv.get(arxivId);
		if (index === undefined && title !== '') {
			const candidate = byTitle.get(title);
			const other = candidate === undefined ? undefined : kept[candidate]!.arxivId;
			if (candidate !== undefined && (other === undefined || arxivId === undefined || other === arxivId)) index = candidate;
		}
		if (index === undefined) {
			index = kept.push(paper) - 1;
		} else {
			kept[index] = mergePair(kept[index]!, paper);
			merged++;
		}
		const result = kept[index]!;
		if (result.arxivId) byArxiv.set(normalizeArxivId(result.arxivId) ?? result.arxivId, index);
		if (title !== '' && !byTitle.has(title)) byTitle.set(title, index);
		const mergedTitle = normalizeTitle(result.title);
		if (mergedTitle !== '' && !byTitle.has(mergedTitle)) byTitle.set(mergedTitle, index);
	}
	return { papers: kept, merged };
}

/** The richer of two records describing one paper, completed with what only the other knows. */
export function mergePair(a: Paper, b: Paper): Paper {
	const [winner, loser] = richness(b) > richness(a) ? [b, a] : [a, b];
	const result: Paper = { ...winner, authors: winner.authors.length > 0 ? winner.authors : loser.authors };
	if (!result.abstract) result.abstract = loser.abstract;
	const arxivId = result.arxivId ?? loser.arxivId;
	if (arxivId !== undefined) result.arxivId = normalizeArxivId(arxivId) ?? arxivId;
	result.codeUrl ??= loser.codeUrl;
	result.projectUrl ??= loser.projectUrl;
	if (!result.keywords?.length && loser.keywords?.length) result.keywords = loser.keywords;
	// Upvotes only grow; the higher count is the more recent one.
	if (loser.upvotes !== undefined) result.upvotes = Math.max(result.upvotes ?? 0, loser.upvotes);
	for (const key of ['arxivId', 'codeUrl', 'projectUrl', 'keywords', 'upvotes'] as const) {
		if (result[key] === undefined) delete result[key];
	}
	result.id = paperIdFor(result.title, result.arxivId);
	return result;
}

/** More known fields wins; among equals, the longer abstract (the dump's abstracts are sometimes cut short). */
function richness(paper: Paper): number {
	const fields = [
		paper.arxivId,
		paper.upvotes,
		paper.authors.length > 0 ? 1 : undefined,
		paper.keywords?.length ? 1 : undefined,
		paper.codeUrl,
		paper.projectUrl,
	];
	const known = fields.filter((field) => field !== undefined).length;
	return known * 1_000_000 + Math.min(paper.abstract.length, 999_999);
}
