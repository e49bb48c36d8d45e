import type { Paper } from '../src/papers/paper.js';
import { createRandom } from './corpus.js';

/**
 * The fixed benchmark query set: the shapes the issue names (typos, acronyms, multi-word, pasted
 * passages) plus worst cases (a stopword, very common words), and 1–3 character autocomplete prefixes.
 */
export const SEARCH_QUERIES: readonly string[] = Object.freeze([
	'difusion',
	'reinforcment learning',
	'quantizaton',
	'transfromer',
	'lagnuage model',
	'RLHF',
	'DPO',
	'3DGS',
	'LoRA',
	'MoE',
	'VLM',
	'preference optimization LLM',
	'video generation diffusion',
	'retrieval augmented generation',
	'mixture of experts routing',
	'large language models',
	'gaussian splatting',
	'chain of thought reasoning',
	'the',
	'model',
	'learning',
	'speculative decoding',
	'ab',
	'zzzzzzzzzz',
	'data model learning training evaluation',
	'direct preference optimization for aligning large language models with human feedback',
]);

export const AUTOCOMPLETE_PREFIXES: readonly string[] = Object.freeze([
	'',
	'd',
	'di',
	'dif',
	'tr',
	'tra',
	'll',
	'llm',
	'rl',
	'3d',
	'gau',
	'qua',
	'mo',
	'vid',
	'a',
	'the',
	'diffusion tr',
	'large lan',
	'difusion',
	'reinforcment',
]);

export interface PassageQuery {
	query: string;
	expectedId: string;
}

/** `count` 100-word passages cut from the middle of real abstracts; each should find its own paper first. */
export function pickPassages(papers: readonly Paper[], count: number, seed = 7): PassageQuery[] {
	const random = createRandom(seed);
	const passages: PassageQuery[] = [];
	const eligible = papers.filter((paper) => paper.abstract.split(' ').length >= 120 && !paper.id.startsWith('syn-'));
	for (let i = 0; i < count && eligible.length > 0; i++) {
		const paper = eligible[Math.floor(random() * eligible.length)] as Paper;
		const words = paper.abstract.split(' ');
		const start = Math.floor(random() * (words.length - 100));
		passages.push({
			query: words
				.slice(start, start + 100)
				.join(' ')
				.slice(0, 1000),
			expectedId: paper.id,
		});
	}
	return passages;
}
