import { describe, expect, it } from 'vitest';
import { formatDigestList } from '../src/cards/digest-list.js';
import { DiscordLimits } from '../src/cards/limits.js';
import { embedsCharacterCount } from '../src/cards/measure.js';
import { formatPaperCard } from '../src/cards/paper-card.js';
import { formatResultsPage } from '../src/cards/results-page.js';
import type { MessagePayload } from '../src/cards/types.js';
import type { Paper } from '../src/papers/paper.js';
import { expectValidMessage, samplePaper } from './cards-support.js';

/** Every field at its hostile maximum at once: the budget arithmetic, not luck, must keep it under 6,000. */
function worstPaper(index: number): Paper {
	return {
		id: `t-${index.toString(16).padStart(12, '0')}`,
		title: `*${'漢_'.repeat(600)}`,
		abstract: '`x` '.repeat(5000),
		authors: Array.from({ length: 500 }, () => '_'.repeat(200)),
		listedOn: '#'.repeat(500),
		upvotes: 1e300,
		codeUrl: `https://github.com/${'a'.repeat(480)}`,
		projectUrl: `https://example.org/${'b'.repeat(480)}`,
		keywords: Array.from({ length: 100 }, () => '|'.repeat(100)),
		source: 'paper-json',
	};
}

describe('expectValidMessage', () => {
	it('rejects what Discord would reject', () => {
		const good = formatPaperCard(samplePaper());
		const broken: MessagePayload[] = [
			{ ...good, embeds: [{ title: 't'.repeat(257) }] },
			{ ...good, embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(4000) }] },
			{ ...good, embeds: [{ title: '@everyone' }] },
			{ ...good, allowed_mentions: {} as never },
			{ ...good, embeds: [{ titel: 'typo' } as never] },
			{ ...good, components: [{ type: 1, components: [] }] },
		];
		for (const payload of broken) expect(() => expectValidMessage(payload)).toThrow();
	});
});

describe('worst case', () => {
	it('keeps a card with every field at its maximum within all limits', () => {
		const payload = formatPaperCard(worstPaper(1), { sharedBy: { id: '123456789012345678', name: 'x' } });
		expectValidMessage(payload);
		expect(embedsCharacterCount(payload.embeds)).toBeLessThanOrEqual(DiscordLimits.embedTotalCharacters);
	});

	it('keeps a ten-paper digest and a results page of worst papers within all limits', () => {
		const papers = Array.from({ length: 10 }, (_, i) => worstPaper(i));
		expectValidMessage(formatDigestList({ title: '_'.repeat(1000), day: '2026-03-14', papers, footer: '*'.repeat(5000), unfollowTopic: '_'.repeat(500) }));
		expectValidMessage(formatResultsPage({ query: '*'.repeat(6000), hits: papers, page: 0, pageCount: 2, total: 10, pageButton: (page) => `p:${page}` }));
	});
});
