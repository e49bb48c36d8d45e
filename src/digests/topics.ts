import { normalizeTitle, type Paper } from '../papers/paper.js';
import { yieldToInteractions } from '../interactive-priority.js';

/** Which of `papers` match any of `topics` (ids). Called only with a non-empty topic list. */
export type TopicMatcher = (topics: readonly string[], papers: readonly Paper[]) => ReadonlySet<string> | Promise<ReadonlySet<string>>;

/** The part of the search index a matcher needs (src/search/index.ts `PaperIndex`); score 0 is best. */
export interface TopicSearchIndex {
	search(query: string, limit: number): ReadonlyArray<{ paper: { id: string }; score: number }>;
}

/**
 * Exact-word matching on title, abstract and keywords: every word of a topic must start a word of the paper
 * (`transformer` matches `transformers`). Used on its own when no index is given, and alongside the index
 * so a recent paper is never missed because older ones filled the index's result limit.
 */
export function matchTopicsByText(topics: readonly string[], papers: readonly Paper[]): ReadonlySet<string> {
	const wanted = topics.map((topic) => normalizeTitle(topic).split(' ').filter(Boolean)).filter((words) => words.length > 0);
	const ids = new Set<string>();
	for (const paper of papers) {
		const text = searchableText(paper);
		if (wanted.some((words) => words.every((word) => text.includes(` ${word}`)))) ids.add(paper.id);
	}
	return ids;
}

/** Normalized once per paper object, not once per topic: a fan-out asks about the same recent papers for every topic. */
const normalizedText = new WeakMap<Paper, string>();

/** Papers normalized per turn of the event loop by prepareTopicText: a few milliseconds' worth. */
const PREPARE_SLICE = 200;

/**
 * Normalizes the papers' text for matchTopicsByText ahead of it, a slice per turn of the event loop: the first
 * topic of a fan-out would otherwise normalize every recent paper (thousands, with their abstracts) at once.
 */
export async function prepareTopicText(papers: readonly Paper[]): Promise<void> {
	for (let start = 0; start < papers.length; start += PREPARE_SLICE) {
		for (const paper of papers.slice(start, start + PREPARE_SLICE)) searchableText(paper);
		await yieldToInteractions();
	}
}

function searchableText(paper: Paper): string {
	let text = normalizedText.get(paper);
	if (text === undefined) {
		text = ` ${normalizeTitle([paper.title, paper.abstract, ...(paper.keywords ?? [])].join(' '))} `;
		normalizedText.set(paper, text);
	}
	return text;
}

/** Fuzzy, typo-tolerant matching through the search index, united with exact-word matching. */
export function createIndexTopicMatcher(index: TopicSearchIndex, options: { limit?: number; maxScore?: number } = {}): TopicMatcher {
	const limit = options.limit ?? 100;
	// On the shipped corpus true hits score ≤ 0.4 and one-typo topics ~0.7, while loose neighbours start near 0.75.
	const maxScore = options.maxScore ?? 0.72;
	return (topics, papers) => {
		const ids = new Set(matchTopicsByText(topics, papers));
		const allowed = new Set(papers.map((paper) => paper.id));
		for (const topic of topics) {
			for (const hit of searchQuietly(index, topic, limit)) {
				if (hit.score <= maxScore && allowed.has(hit.paper.id)) ids.add(hit.paper.id);
			}
		}
		return ids;
	};
}

/** The index refuses some queries (no letters, too long) with a UserError; as a topic, such a query simply matches nothing fuzzy. */
function searchQuietly(index: TopicSearchIndex, topic: string, limit: number): ReadonlyArray<{ paper: { id: string }; score: number }> {
	try {
		return index.search(topic, limit);
	} catch {
		return [];
	}
}
