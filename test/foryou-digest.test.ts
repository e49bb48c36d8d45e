import { describe, expect, it } from 'vitest';
import { savePaper } from '../src/library/library.js';
import { createForYouRecommender } from '../src/library/foryou-digest.js';
import type { Paper } from '../src/papers/paper.js';
import type { Follow } from '../src/store/records.js';
import type { Store } from '../src/store/store.js';
import { useTempStore } from './support/temp-store.js';

let store: Store;
useTempStore('foryou-digest', (opened) => {
	store = opened;
});

const NOW = new Date('2026-03-15T08:00:00.000Z');
const paper = (id: string, title: string, abstract: string): Paper => ({ id, title, abstract, authors: [], listedOn: '2026-03-15', source: 'hf-daily' });
const follow = (tag?: string): Follow => ({
	userId: 'u1',
	topics: [],
	time: '09:00',
	timezone: 'UTC',
	createdAt: NOW.toISOString(),
	forYou: tag === undefined ? {} : { tag },
});

const SAVED_DIFFUSION = paper('2603.10001', 'Latent diffusion for images', 'A diffusion model denoises latents.');
const SAVED_RLHF = paper('2603.10002', 'Reward models for RLHF', 'Preference optimization with human feedback.');
const NEW = [
	paper('2603.20001', 'Protein folding with graphs', 'Graph networks predict structure.'),
	paper('2603.20002', 'Faster diffusion sampling', 'A diffusion sampler for latent images.'),
	paper('2603.20003', 'Direct preference optimization', 'Preference optimization without reward models.'),
];

describe('createForYouRecommender', () => {
	it('ranks new papers by closeness to the saved ones, drops those with nothing in common and those already saved', async () => {
		await savePaper(store, 'u1', SAVED_DIFFUSION, ['images'], NOW);
		await savePaper(store, 'u1', SAVED_RLHF, ['rlhf'], NOW);
		const byId = new Map([SAVED_DIFFUSION, SAVED_RLHF, ...NEW].map((entry) => [entry.id, entry]));
		const recommend = createForYouRecommender({ store, lookup: (id) => byId.get(id) });
		const picks = await recommend(follow(), [...NEW, SAVED_RLHF]);
		expect(picks.map((pick) => pick.id).sort()).toEqual(['2603.20002', '2603.20003']);
		expect((await recommend(follow('images'), NEW)).map((pick) => pick.id)).toEqual(['2603.20002']);
	});

	it('recommends nothing from an empty library or a tag no save has', async () => {
		const recommend = createForYouRecommender({ store, lookup: () => undefined });
		expect(await recommend(follow(), NEW)).toEqual([]);
		await savePaper(store, 'u1', SAVED_DIFFUSION, [], NOW);
		expect(await recommend(follow('gone'), NEW)).toEqual([]);
	});
});
