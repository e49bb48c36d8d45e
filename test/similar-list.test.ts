import { describe, expect, it } from 'vitest';
import { EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { formatSimilarList } from '../src/cards/similar-list.js';
import { createRandom, expectValidMessage, nastyPaper, nastyPapers, samplePaper } from './cards-support.js';

describe('formatSimilarList', () => {
	it('names the paper and lists related ones with open buttons', () => {
		const related = [samplePaper({ id: '2401.00002', arxivId: '2401.00002', title: 'Related' })];
		const payload = formatSimilarList(samplePaper(), related);
		expectValidMessage(payload);
		expect(payload.flags).toBe(EPHEMERAL_FLAG);
		expect(payload.embeds?.[0]?.title).toBe('Similar to “Direct Preference Optimization for \\*Diffusion\\* Models”');
		expect(payload.components?.[0]?.components[0]?.label).toBe('1. Related');
		expect(formatSimilarList(samplePaper(), [], { ephemeral: false }).flags).toBeUndefined();
	});

	it('satisfies the schemas and every limit for 300 adversarial lists', () => {
		const random = createRandom(8);
		for (let i = 0; i < 300; i++) expectValidMessage(formatSimilarList(nastyPaper(random), nastyPapers(random, i % 12)));
	});
});
