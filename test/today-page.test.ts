import { describe, expect, it } from 'vitest';
import { decodeCustomId } from '../src/cards/custom-ids.js';
import { formatTodayPage } from '../src/cards/today-page.js';
import type { InteractiveButton } from '../src/cards/types.js';
import { createRandom, expectValidMessage, nastyPapers, nastyText, samplePaper } from './cards-support.js';

describe('formatTodayPage', () => {
	it('lists the day with page buttons that carry the day', () => {
		const payload = formatTodayPage({ day: '2026-03-14', papers: [samplePaper()], page: 0, pageCount: 2, total: 6 });
		expectValidMessage(payload);
		expect(payload.embeds?.[0]?.title).toBe('Papers listed on 2026-03-14');
		expect(payload.embeds?.[0]?.footer?.text).toBe('Page 1 of 2 · 6 papers');
		const next = payload.components?.[1]?.components[1] as InteractiveButton;
		expect(decodeCustomId(next.custom_id)).toEqual({ kind: 'today', page: 1, day: '2026-03-14' });
	});

	it('also takes positional arguments', () => {
		const payload = formatTodayPage('2026-03-14', [samplePaper()], 0, 1);
		expectValidMessage(payload);
		expect(payload.components).toHaveLength(1);
	});

	it('satisfies the schemas and every limit for 300 adversarial days', () => {
		const random = createRandom(14);
		for (let i = 0; i < 300; i++) {
			const day = random() < 0.7 ? '2026-03-14' : nastyText(random, 100);
			const payload = formatTodayPage(day, nastyPapers(random, [0, 3, 5, 10, 20][i % 5] ?? 5), Math.floor(random() * 10), Math.floor(random() * 10));
			expectValidMessage(payload);
		}
	});
});
