import { describe, expect, it } from 'vitest';
import type { DigestPaper } from '../src/digests/compose.js';
import { previewDigest } from '../src/digests/preview.js';
import { subscribeChannel } from '../src/digests/subscriptions.js';
import type { Store } from '../src/store/store.js';
import { useTempStore } from './support/temp-store.js';

let store: Store;
useTempStore('preview', (opened) => {
	store = opened;
});

const NOW = new Date('2026-03-15T10:00:00.000Z');
const papers: DigestPaper[] = [
	{ id: '2603.00001', title: 'Language models', abstract: '', authors: [], listedOn: '2026-03-14', source: 'hf-daily', upvotes: 3 },
	{ id: '2603.00002', title: 'Robot arms', abstract: '', authors: [], listedOn: '2026-03-14', source: 'hf-daily', upvotes: 8 },
];

describe('previewDigest', () => {
	it('shows what an unsubscribed channel would get with the defaults, recording nothing', async () => {
		const preview = await previewDigest({ store, papers, guildId: 'g', channelId: 'c', now: NOW });
		expect(preview.day).toBe('2026-03-15');
		expect(preview.digest.papers.map((paper) => paper.id)).toEqual(['2603.00002', '2603.00001']);
		expect(preview.payload?.embeds).toHaveLength(1);
		expect(preview.subscription).toBeUndefined();
		expect(await store.deliveries.values()).toEqual([]);
	});

	it('uses the subscription, with topics overridden when given', async () => {
		await subscribeChannel(store, { guildId: 'g', channelId: 'c', userId: 'u', topics: 'robot', maxPapers: 1 }, NOW);
		expect((await previewDigest({ store, papers, guildId: 'g', channelId: 'c', now: NOW })).digest.papers.map((paper) => paper.id)).toEqual(['2603.00002']);
		const override = await previewDigest({ store, papers, guildId: 'g', channelId: 'c', topics: 'language', now: NOW });
		expect(override.digest.papers.map((paper) => paper.id)).toEqual(['2603.00001']);
		const none = await previewDigest({ store, papers, guildId: 'g', channelId: 'c', topics: 'quantum', now: NOW });
		expect(none.payload).toBeUndefined();
	});
});
