import { describe, expect, it } from 'vitest';
import { EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { formatSourcesCard, SourcesCardBudget } from '../src/cards/sources-card.js';
import { ACTIVE_MENTION, createRandom, expectValidMessage, nastyText, visibleText } from './cards-support.js';

const SUCCESS = '2026-08-21T10:05:00.000Z';
const LATER = '2026-08-21T11:05:00.000Z';

describe('formatSourcesCard', () => {
	it('shows the corpus size and, per source, last success, papers added and last error', () => {
		const payload = formatSourcesCard(
			[
				{ name: 'hf', lastSuccessAt: SUCCESS, added: 26 },
				{ name: 'arxiv', lastSuccessAt: SUCCESS, lastErrorAt: LATER, lastError: 'arxiv: HTTP 503 after 4 attempts (http://127.0.0.1/api/query)', added: 3 },
			],
			{ hf: true, arxiv: true },
			{ corpusSize: 89, storedCount: 26 },
		);
		expectValidMessage(payload);
		expect(payload.flags).toBe(EPHEMERAL_FLAG);
		const [embed] = payload.embeds!;
		expect(embed!.description).toContain('**89** papers in the corpus (26 ingested from live sources)');
		expect(embed!.fields).toHaveLength(2);
		expect(embed!.fields![0]).toEqual({ name: 'Hugging Face Daily Papers · on', value: `Last success: <t:${Date.parse(SUCCESS) / 1000}:R>\nPapers added: 26` });
		expect(embed!.fields![1]!.name).toBe('arXiv · on, failing');
		expect(embed!.fields![1]!.value).toContain('⚠️ Failing');
		expect(embed!.fields![1]!.value).toContain('HTTP 503');
	});

	it('marks switched-off and never-fetched sources, and an old error as history, not failure', () => {
		const payload = formatSourcesCard([{ name: 'hf', lastSuccessAt: LATER, lastErrorAt: SUCCESS, lastError: 'timeout' }], { hf: true, arxiv: false });
		const [hf, arxiv] = payload.embeds![0]!.fields!;
		expect(hf!.name).toBe('Hugging Face Daily Papers · on');
		expect(hf!.value).toContain('Last error <t:');
		expect(arxiv).toEqual({ name: 'arXiv · off', value: 'Last success: never\nPapers added: 0' });
	});

	it('says what the last fetch cut to the limits, only when something was cut', () => {
		const payload = formatSourcesCard(
			[
				{ name: 'hf', lastSuccessAt: SUCCESS, added: 500, lastDroppedEntries: 9500, lastTruncated: 1, lastInvalidUtf8: 1 },
				{ name: 'arxiv', lastSuccessAt: SUCCESS, added: 3, lastTruncated: 0 },
			],
			{ hf: true, arxiv: true },
		);
		expectValidMessage(payload);
		const [hf, arxiv] = payload.embeds![0]!.fields!;
		expect(hf!.value.split('\n').at(-1)).toBe('Cut on last fetch: 9,500 entries over the page cap dropped, 1 field shortened, 1 response not valid UTF-8');
		expect(arxiv!.value).not.toContain('cut');
	});

	it('stays within Discord limits with every field at its longest', () => {
		const huge = Number.MAX_SAFE_INTEGER;
		const statuses = Array.from({ length: 15 }, (_, index) => ({
			name: `${index}${'ẅ'.repeat(400)}`,
			lastSuccessAt: SUCCESS,
			lastErrorAt: LATER,
			lastError: '*_'.repeat(10_000),
			added: huge,
			lastTruncated: huge,
			lastDroppedEntries: huge,
			lastInvalidUtf8: huge,
		}));
		const enabled = Object.fromEntries(statuses.map((status) => [status.name, true]));
		expectValidMessage(formatSourcesCard(statuses, enabled, { corpusSize: huge, storedCount: huge }));
	});

	it('says when no source is on', () => {
		const payload = formatSourcesCard([], { hf: false, arxiv: false }, { corpusSize: 63 });
		expect(payload.embeds![0]!.description).toContain('No live source is switched on');
	});

	it('escapes error texts and source names, and stays within Discord limits whatever the store holds', () => {
		const random = createRandom(5);
		for (let i = 0; i < 200; i++) {
			const statuses = Array.from({ length: 1 + Math.floor(random() * 15) }, (_, index) => ({
				name: index === 0 ? 'hf' : nastyText(random, 400),
				lastSuccessAt: random() < 0.5 ? SUCCESS : 'not a date',
				lastErrorAt: LATER,
				lastError: random() < 0.2 ? 'x'.repeat(20_000) : `@everyone <@123456789012345678> **bold** ${nastyText(random, 3000)}`,
				added: Math.floor(random() * 1e6),
				...(random() < 0.5
					? { lastTruncated: Math.floor(random() * 1e6), lastDroppedEntries: Math.floor(random() * 1e9), lastInvalidUtf8: random() < 0.5 ? 1 : -3 }
					: {}),
			}));
			const payload = formatSourcesCard(statuses, { hf: true, arxiv: random() < 0.5 }, { corpusSize: 10_000 });
			expectValidMessage(payload);
			expect(payload.embeds![0]!.fields!.length).toBeLessThanOrEqual(SourcesCardBudget.sources);
			expect(visibleText(payload)).not.toMatch(ACTIVE_MENTION);
		}
	});
});
