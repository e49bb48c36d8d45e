import { describe, expect, it } from 'vitest';
import { decodeCustomId, encodeTrendingPage } from '../src/cards/custom-ids.js';
import { EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { formatTrendingPage } from '../src/cards/trending-page.js';
import type { InteractiveButton } from '../src/cards/types.js';
import { createRandom, expectValidMessage, nastyPapers, nastyText, samplePaper } from './cards-support.js';

const pageButton = (topic?: string) => (page: number) => encodeTrendingPage(page, 'week', '2026-03-14', topic).customId;

describe('formatTrendingPage', () => {
	it('lists the window’s papers like the other list pages, with page buttons that keep the day and topic', () => {
		const payload = formatTrendingPage({
			days: 7,
			since: '2026-03-07',
			topic: 'diffusion, RLHF',
			papers: [samplePaper()],
			page: 0,
			pageCount: 2,
			total: 6,
			pageButton: pageButton('diffusion, RLHF'),
		});
		expectValidMessage(payload);
		expect(payload.flags).toBe(EPHEMERAL_FLAG);
		expect(payload.embeds?.[0]?.title).toBe('Trending in the last 7 days · diffusion, RLHF');
		expect(payload.embeds?.[0]?.footer?.text).toBe('Page 1 of 2 · 6 papers · listed since 2026-03-07 · most upvoted first');
		const next = payload.components?.[1]?.components[1] as InteractiveButton;
		expect(decodeCustomId(next.custom_id)).toMatchObject({ kind: 'trending', page: 1, window: 'week', day: '2026-03-14', topic: 'diffusion, RLHF' });
	});

	it('names a one-day window as such and shows no topic when there is none', () => {
		const payload = formatTrendingPage({
			days: 1,
			since: '2026-03-13',
			topic: '',
			papers: [samplePaper()],
			page: 0,
			pageCount: 1,
			total: 1,
			pageButton: pageButton(),
		});
		expectValidMessage(payload);
		expect(payload.embeds?.[0]?.title).toBe('Trending in the last day');
		expect(payload.components).toHaveLength(1);
	});

	it('satisfies the schemas and every limit for 300 adversarial pages', () => {
		const random = createRandom(7);
		for (let i = 0; i < 300; i++) {
			const topic = random() < 0.5 ? '' : nastyText(random, 300);
			const payload = formatTrendingPage({
				days: [1, 7, 30, Number.NaN, -4][i % 5] ?? 7,
				since: random() < 0.8 ? '2026-03-07' : nastyText(random, 40),
				topic,
				papers: nastyPapers(random, [0, 3, 5, 10, 20][i % 5] ?? 5),
				page: Math.floor(random() * 10),
				pageCount: Math.floor(random() * 10),
				total: Math.floor(random() * 100),
				pageButton: (page) => encodeTrendingPage(page, 'month', '2026-03-14', topic || undefined).customId,
			});
			expectValidMessage(payload);
		}
	});
});
