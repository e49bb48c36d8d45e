import { describe, expect, it } from 'vitest';
import { RecommendDefaults, recentPool, recommendPapers } from '../src/library/recommend.js';
import type { Paper } from '../src/papers/paper.js';

function paper(id: string, title: string, abstract: string, listedOn = '2026-03-14', upvotes?: number): Paper {
	return { id, title, abstract, authors: [], listedOn, source: 'hf-daily', ...(upvotes === undefined ? {} : { upvotes }) };
}

const DIFFUSION = paper('d1', 'Latent diffusion for image synthesis', 'We denoise latents with a diffusion model and a UNet.');
const RLHF = paper('r1', 'Reward models for RLHF', 'Preference optimization aligns language models with human feedback rewards.');
const POOL = [
	paper('p1', 'Faster diffusion sampling', 'A diffusion sampler that denoises images in four steps.'),
	paper('p2', 'Direct preference optimization revisited', 'Preference optimization without a reward model for language models.'),
	paper('p3', 'Protein folding with graphs', 'Graph networks predict protein structure.', '2026-03-14', 500),
	paper('p4', 'Video diffusion transformers', 'Diffusion transformers generate video from text.'),
];

describe('recommendPapers', () => {
	it('ranks the papers closest to the profile first, and gives a paper sharing no word a score of 0', () => {
		const picks = recommendPapers([DIFFUSION], POOL);
		expect(
			picks
				.slice(0, 2)
				.map((pick) => pick.paper.id)
				.sort(),
		).toEqual(['p1', 'p4']);
		expect(picks.find((pick) => pick.paper.id === 'p3')?.score).toBe(0);
	});

	it('serves both interests of a two-topic library near the top', () => {
		const top = recommendPapers([DIFFUSION, RLHF], POOL, { limit: 3 }).map((pick) => pick.paper.id);
		expect(top).toContain('p1');
		expect(top).toContain('p2');
	});

	it('uses the title alone for a saved paper the corpus lost', () => {
		expect(recommendPapers([{ title: 'Preference optimization' }], POOL)[0]?.paper.id).toBe('p2');
	});

	it('answers nothing without a profile or a pool, and cuts to the limit', () => {
		expect(recommendPapers([], POOL)).toEqual([]);
		expect(recommendPapers([DIFFUSION], [])).toEqual([]);
		expect(recommendPapers([DIFFUSION], POOL, { limit: 1 })).toHaveLength(1);
	});

	it('scores by the profile mean in centroid mode', () => {
		expect(recommendPapers([DIFFUSION], POOL, { mode: 'centroid' })[0]?.paper.id).toMatch(/^p[14]$/);
	});
});

describe('recentPool', () => {
	it('keeps the window ending on the latest listing day, newest first, without excluded papers', () => {
		const papers = [
			paper('old', 'x', '', '2026-02-01'),
			paper('edge', 'x', '', '2026-02-13'),
			paper('in', 'x', '', '2026-02-14'),
			paper('new', 'x', '', '2026-03-15'),
			paper('saved', 'x', '', '2026-03-15'),
		];
		expect(recentPool(papers, new Set(['saved']), RecommendDefaults.windowDays).map((entry) => entry.id)).toEqual(['new', 'in']);
		expect(recentPool([], new Set())).toEqual([]);
	});
});
