import { describe, expect, it } from 'vitest';
import { decodeCustomId, encodeSearchPage } from '../src/cards/custom-ids.js';
import { EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { formatResultsPage } from '../src/cards/results-page.js';
import type { InteractiveButton } from '../src/cards/types.js';
import { createRandom, expectValidMessage, nastyPapers, nastyText, samplePaper } from './cards-support.js';

const pageButton = (query: string) => (page: number) => encodeSearchPage(page, query).customId;

describe('formatResultsPage', () => {
	it('lists the hits numbered by page, with a button per hit and Previous/Next', () => {
		const hits = ['2401.00001', '2401.00002', '2401.00003', '2401.00004', '2401.00005'].map((id, i) => samplePaper({ id, arxivId: id, title: `Paper ${i}` }));
		const payload = formatResultsPage({ query: 'difusion', hits, page: 1, pageCount: 3, total: 12, pageButton: pageButton('difusion') });
		expectValidMessage(payload);
		expect(payload.flags).toBe(EPHEMERAL_FLAG);
		const embed = payload.embeds?.[0];
		expect(embed?.title).toBe('Results for “difusion”');
		expect(embed?.description).toMatch(/^\*\*6\.\*\* \[Paper 0\]\(https:\/\/huggingface\.co\/papers\/2401\.00001\)\nAda Lovelace et al\. · 2026-03-14 · ▲ 42/);
		expect(embed?.footer?.text).toBe('Page 2 of 3 · 12 papers found');
		const [open, nav] = payload.components ?? [];
		expect(open?.components.map((button) => button.label)).toEqual(['6. Paper 0', '7. Paper 1', '8. Paper 2', '9. Paper 3', '10. Paper 4']);
		expect(decodeCustomId((open?.components?.[0] as InteractiveButton | undefined)?.custom_id)).toEqual({ kind: 'open', paperId: '2401.00001' });
		const [previous, next] = (nav?.components ?? []) as InteractiveButton[];
		expect(decodeCustomId(previous?.custom_id)).toMatchObject({ kind: 'page', page: 0, query: 'difusion' });
		expect(decodeCustomId(next?.custom_id)).toMatchObject({ kind: 'page', page: 2, query: 'difusion' });
		expect([previous?.disabled, next?.disabled]).toEqual([false, false]);
	});

	it('says the filters in the footer, and titles a search of filters alone', () => {
		const hits = [samplePaper()];
		const filtered = formatResultsPage({
			query: 'difusion',
			filters: 'since 2026-03-07 · most upvoted first',
			hits,
			page: 0,
			pageCount: 1,
			total: 1,
			pageButton: pageButton('q'),
		});
		expectValidMessage(filtered);
		expect(filtered.embeds?.[0]?.footer?.text).toBe('1 paper found · since 2026-03-07 · most upvoted first');
		const only = formatResultsPage({ query: '', filters: 'by @everyone', hits, page: 0, pageCount: 1, total: 1, pageButton: pageButton('q') });
		expectValidMessage(only);
		expect(only.embeds?.[0]?.title).toBe('Papers matching the filters');
	});

	it('disables Previous on the first page and Next on the last', () => {
		const first = formatResultsPage({ query: 'q', hits: [samplePaper()], page: 0, pageCount: 2, total: 6, pageButton: pageButton('q') });
		const last = formatResultsPage({ query: 'q', hits: [samplePaper()], page: 1, pageCount: 2, total: 6, pageButton: pageButton('q') });
		const disabled = (payload: typeof first) => payload.components?.[1]?.components.map((button) => button.disabled);
		expect(disabled(first)).toEqual([true, false]);
		expect(disabled(last)).toEqual([false, true]);
		expectValidMessage(first);
		expectValidMessage(last);
	});

	it('has no page buttons for a single page and says so when nothing matched', () => {
		const single = formatResultsPage({ query: 'q', hits: [samplePaper()], page: 0, pageCount: 1, total: 1, pageButton: pageButton('q') });
		expect(single.components).toHaveLength(1);
		const none = formatResultsPage({ query: '@everyone', hits: [], page: 0, pageCount: 0, total: 0, pageButton: pageButton('q') });
		expectValidMessage(none);
		expect(none.embeds?.[0]?.description).toMatch(/No papers match/);
		expect(none.components).toBeUndefined();
	});

	it('gives a paper listed twice one button, so custom_ids stay unique', () => {
		const payload = formatResultsPage({ query: 'q', hits: [samplePaper(), samplePaper()], page: 0, pageCount: 1, total: 2, pageButton: pageButton('q') });
		expectValidMessage(payload);
		expect(payload.components?.[0]?.components).toHaveLength(1);
	});

	it('satisfies the schemas and every limit for 300 adversarial pages', () => {
		const random = createRandom(99);
		for (let i = 0; i < 300; i++) {
			const query = random() < 0.2 ? 'q'.repeat(6000) : nastyText(random, 300);
			const pageCount = [0, 1, 2, 5, 1e6, Number.NaN][i % 6] ?? 1;
			const payload = formatResultsPage({
				query,
				hits: nastyPapers(random, [0, 1, 5, 5, 12][i % 5] ?? 5),
				page: [0, 1, 4, -3, 999_999][i % 5] ?? 0,
				pageCount,
				total: random() < 0.1 ? Number.POSITIVE_INFINITY : Math.floor(random() * 1e7),
				pageButton: pageButton(query),
			});
			try {
				expectValidMessage(payload);
			} catch (error) {
				throw new Error(`case ${i} failed: ${String(error)}`);
			}
		}
	});
});
