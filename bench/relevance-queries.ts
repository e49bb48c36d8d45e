import { normalizeTitle, type Paper } from '../src/papers/paper.js';
import { isStopword, tokenize } from '../src/search/tokenize.js';
import { createRandom } from './corpus.js';

/**
 * The relevance query set, drawn at random (fixed seed) from the real corpus: for each sampled paper,
 * the queries a user would type to find it again. Each query knows its answer set, so any engine's
 * ranking can be scored the same way.
 */

export const QUERY_TYPES = ['title-typo', 'distinctive-words', 'keyword', 'abstract-start', 'author', 'arxiv-id'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export interface RelevanceQuery {
	type: QueryType;
	query: string;
	/** The paper the query was made from. */
	sourceId: string;
	/** Ids counted as a hit: the paper and its same-title twins, or every paper of the author. */
	relevant: ReadonlySet<string>;
}

export const RelevanceDefaults = Object.freeze({
	seed: 20261126,
	sample: 300,
	abstractWords: 40,
	minTypoWordLength: 5,
});

/** `sample` queries of each type (fewer where too few papers qualify, e.g. keywords). */
export function buildRelevanceQueries(
	papers: readonly Paper[],
	sample: number = RelevanceDefaults.sample,
	seed: number = RelevanceDefaults.seed,
): RelevanceQuery[] {
	const random = createRandom(seed);
	const frequency = documentFrequencies(papers);
	const byTitle = groupBy(papers, (paper) => normalizeTitle(paper.title));
	const byAuthor = groupBy(
		papers.flatMap((paper) => paper.authors.map((author) => ({ paper, author }))),
		(entry) => entry.author,
	);
	const keywordCount = new Map<string, number>();
	for (const paper of papers)
		for (const keyword of new Set((paper.keywords ?? []).map(normalizeTitle))) keywordCount.set(keyword, (keywordCount.get(keyword) ?? 0) + 1);
	const twinsOf = (paper: Paper) => new Set((byTitle.get(normalizeTitle(paper.title)) ?? [paper]).map((twin) => twin.id));

	const makers: Record<QueryType, (paper: Paper) => string | undefined> = {
		'title-typo': (paper) => withOneTypo(paper.title, random),
		'distinctive-words': (paper) => distinctiveWords(paper, frequency, random),
		keyword: (paper) => {
			const own = (paper.keywords ?? []).filter((keyword) => keywordCount.get(normalizeTitle(keyword)) === 1 && tokenize(keyword).length > 0);
			return own.length > 0 ? pick(own, random) : undefined;
		},
		'abstract-start': (paper) => {
			const words = paper.abstract.split(' ');
			return words.length >= RelevanceDefaults.abstractWords ? words.slice(0, RelevanceDefaults.abstractWords).join(' ') : undefined;
		},
		author: (paper) => (paper.authors.length > 0 ? pick(paper.authors, random) : undefined),
		'arxiv-id': (paper) => paper.arxivId,
	};

	const queries: RelevanceQuery[] = [];
	const order = shuffled(
		papers.map((_, i) => i),
		random,
	);
	for (const type of QUERY_TYPES) {
		let made = 0;
		for (const at of order) {
			if (made >= sample) break;
			const paper = papers[at] as Paper;
			const query = makers[type](paper);
			if (!query) continue;
			const relevant = type === 'author' ? new Set((byAuthor.get(query) ?? []).map((entry) => entry.paper.id)) : twinsOf(paper);
			queries.push({ type, query, sourceId: paper.id, relevant });
			made++;
		}
	}
	return queries;
}

/** One edit (drop, double, swap or replace a letter) inside one longer word of the title. */
export function withOneTypo(title: string, random: () => number): string | undefined {
	const words = [...title.matchAll(/[A-Za-z]+/g)].filter(
		(match) => match[0].length >= RelevanceDefaults.minTypoWordLength && !isStopword(match[0].toLowerCase()),
	);
	if (words.length === 0) return undefined;
	const word = pick(words, random);
	const text = word[0];
	// Never the first letter: people rarely get that wrong, and it keeps the typo a typo.
	const at = 1 + Math.floor(random() * (text.length - 1));
	const letters = 'abcdefghijklmnopqrstuvwxyz';
	let typo: string;
	switch (Math.floor(random() * 4)) {
		case 0:
			typo = text.slice(0, at) + text.slice(at + 1);
			break;
		case 1:
			typo = text.slice(0, at) + text.charAt(at) + text.slice(at);
			break;
		case 2:
			typo =
				at < text.length - 1 && text[at] !== text[at + 1]
					? text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2)
					: text.slice(0, at) + text.slice(at + 1);
			break;
		default: {
			let letter = pick([...letters], random);
			if (letter === text.charAt(at).toLowerCase()) letter = letters.charAt((letters.indexOf(letter) + 1) % 26);
			typo = text.slice(0, at) + letter + text.slice(at + 1);
		}
	}
	const start = word.index ?? 0;
	return title.slice(0, start) + typo + title.slice(start + text.length);
}

/** The 3 or 4 rarest words of the abstract that the title lacks, shuffled: what a reader remembers. */
export function distinctiveWords(paper: Paper, frequency: ReadonlyMap<string, number>, random: () => number): string | undefined {
	const inTitle = new Set(tokenize(paper.title));
	const words = [...new Set(tokenize(paper.abstract))].filter((word) => /^[a-z]{4,}$/.test(word) && !isStopword(word) && !inTitle.has(word));
	const count = 3 + Math.floor(random() * 2);
	if (words.length < count) return undefined;
	// Random tie-breaks: among equally rare words, which ones a reader recalls is chance.
	const keyed = words.map((word) => ({ word, frequency: frequency.get(word) ?? 1, tie: random() }));
	keyed.sort((a, b) => a.frequency - b.frequency || a.tie - b.tie);
	return shuffled(
		keyed.slice(0, count).map((entry) => entry.word),
		random,
	).join(' ');
}

/** Papers per token across title, abstract, keywords and authors. */
export function documentFrequencies(papers: readonly Paper[]): Map<string, number> {
	const frequency = new Map<string, number>();
	for (const paper of papers) {
		const text = [paper.title, paper.abstract, ...(paper.keywords ?? []), ...paper.authors].join(' ');
		for (const token of new Set(tokenize(text))) frequency.set(token, (frequency.get(token) ?? 0) + 1);
	}
	return frequency;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const item of items) {
		const k = key(item);
		const group = groups.get(k);
		if (group) group.push(item);
		else groups.set(k, [item]);
	}
	return groups;
}

function pick<T>(list: readonly T[], random: () => number): T {
	return list[Math.floor(random() * list.length)] as T;
}

function shuffled<T>(list: readonly T[], random: () => number): T[] {
	const copy = [...list];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
	}
	return copy;
}
