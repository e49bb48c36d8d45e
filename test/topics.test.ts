import { describe, expect, it } from 'vitest';
import { createIndexTopicMatcher, matchTopicsByText } from '../src/digests/topics.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';

function paper(id: string, title: string, abstract = '', keywords?: string[]): Paper {
	return { id, title, abstract, authors: [], listedOn: '2026-03-14', source: 'hf-daily', ...(keywords ? { keywords } : {}) };
}

const papers = [
	paper('a', 'Transformers for Vision'),
	paper('b', 'A study of diffusion', 'We train Diffusion Models.'),
	paper('c', 'Robots', '', ['reinforcement learning']),
];

describe('matchTopicsByText', () => {
	it('matches every word of a topic as a word prefix, case- and accent-insensitively', () => {
		expect([...matchTopicsByText(['transformer'], papers)]).toEqual(['a']);
		expect([...matchTopicsByText(['diffusion models'], papers)]).toEqual(['b']);
		expect([...matchTopicsByText(['Reinforcement Learning', 'vision'], papers)].sort()).toEqual(['a', 'c']);
		expect([...matchTopicsByText(['former'], papers)]).toEqual([]);
	});
});

describe('createIndexTopicMatcher', () => {
	it('adds fuzzy index hits within the score limit, among the given papers only', async () => {
		const index = {
			search: (query: string) =>
				query === 'difusion'
					? [
							{ paper: { id: 'b' }, score: 0.1 },
							{ paper: { id: 'a' }, score: 0.9 },
							{ paper: { id: 'elsewhere' }, score: 0 },
						]
					: [],
		};
		const matcher = createIndexTopicMatcher(index, { maxScore: 0.5 });
		expect([...(await matcher(['difusion'], papers))]).toEqual(['b']);
	});

	it('works with the real search index, and survives a query the index refuses', async () => {
		const matcher = createIndexTopicMatcher(buildPaperIndex(papers));
		expect([...(await matcher(['difusion models', '!!!'], papers))]).toContain('b');
	});
});
