import { describe, expect, it } from 'vitest';
import { decodeCustomId } from '../src/cards/custom-ids.js';
import { CardBudget, DiscordLimits, EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { formatPaperCard } from '../src/cards/paper-card.js';
import type { Button, LinkButton } from '../src/cards/types.js';
import { createRandom, expectValidMessage, nastyPaper, samplePaper } from './cards-support.js';

function buttons(payload: ReturnType<typeof formatPaperCard>): Button[] {
	return (payload.components ?? []).flatMap((row) => row.components);
}

/** Link buttons by label. */
function linkUrls(payload: ReturnType<typeof formatPaperCard>): Record<string, string> {
	return Object.fromEntries(buttons(payload).flatMap((button) => ('url' in button ? [[button.label, button.url]] : [])));
}

describe('formatPaperCard', () => {
	it('builds a card with the linked title, abstract, facts, footer and buttons', () => {
		const payload = formatPaperCard(samplePaper());
		expectValidMessage(payload);
		const embed = payload.embeds?.[0];
		expect(embed?.title).toBe('Direct Preference Optimization for \\*Diffusion\\* Models');
		expect(embed?.url).toBe('https://huggingface.co/papers/2401.01234');
		expect(embed?.description).toBe('We present a method. It works well on many benchmarks. Code is released.');
		expect(embed?.fields).toEqual([
			{ name: 'Authors', value: 'Ada Lovelace, Alan Turing, Grace Hopper' },
			{ name: 'Listed', value: '2026-03-14', inline: true },
			{ name: 'Upvotes', value: '▲ 42', inline: true },
			{ name: 'Code', value: '[github.com/example/dpo-diffusion](https://github.com/example/dpo-diffusion)', inline: true },
		]);
		expect(embed?.footer?.text).toBe('Paper id: 2401.01234');
		expect(buttons(payload).map((button) => button.label)).toEqual(['Share', 'Similar', 'Save', 'arXiv', 'PDF', 'Hugging Face', 'Code']);
		expect(linkUrls(payload)).toEqual({
			arXiv: 'https://arxiv.org/abs/2401.01234',
			PDF: 'https://arxiv.org/pdf/2401.01234',
			'Hugging Face': 'https://huggingface.co/papers/2401.01234',
			Code: 'https://github.com/example/dpo-diffusion',
		});
		const [share, similar] = buttons(payload);
		expect(share && 'custom_id' in share ? decodeCustomId(share.custom_id) : undefined).toEqual({ kind: 'share', paperId: '2401.01234' });
		expect(similar && 'custom_id' in similar ? similar.custom_id : '').toBe('paper:similar:2401.01234');
		expect(payload.content).toBeUndefined();
		expect(payload.flags).toBeUndefined();
	});

	it('gives a paper without an arXiv id no page link, only a button that says it is an arXiv title search', () => {
		const payload = formatPaperCard(samplePaper({ id: 't-0123456789ab', arxivId: undefined }));
		expectValidMessage(payload);
		expect(payload.embeds?.[0]?.url).toBeUndefined();
		expect(buttons(payload).map((button) => button.label)).toEqual(['Share', 'Similar', 'Save', 'Search arXiv', 'Code']);
		expect(linkUrls(payload)['Search arXiv']).toMatch(/^https:\/\/arxiv\.org\/search\/\?query=Direct%20Preference.*&searchtype=title$/);
	});

	it('links an old-style arXiv id to arXiv only: Hugging Face has no pages for those', () => {
		const payload = formatPaperCard(samplePaper({ id: 'hep-th/9901001', arxivId: 'hep-th/9901001', codeUrl: undefined }));
		expectValidMessage(payload);
		expect(payload.embeds?.[0]?.url).toBe('https://arxiv.org/abs/hep-th/9901001');
		expect(linkUrls(payload)).toEqual({ arXiv: 'https://arxiv.org/abs/hep-th/9901001', PDF: 'https://arxiv.org/pdf/hep-th/9901001' });
	});

	it('says who shared it without pinging, and marks ephemeral cards', () => {
		const shared = formatPaperCard(samplePaper(), { sharedBy: { id: '123456789012345678', name: 'ada' } });
		expect(shared.content).toBe('Shared by <@123456789012345678>');
		expect(shared.allowed_mentions).toEqual({ parse: [] });
		expect(formatPaperCard(samplePaper(), { sharedBy: { id: 'x', name: '@everyone **Ada**' } }).content).toBe('Shared by @\u200beveryone \\*\\*Ada\\*\\*');
		expect(formatPaperCard(samplePaper(), { ephemeral: true }).flags).toBe(EPHEMERAL_FLAG);
	});

	it('summarizes 500 authors and trims a long abstract at a sentence', () => {
		const authors = Array.from({ length: 500 }, (_, i) => `Author Number${i}`);
		const abstract = Array.from({ length: 400 }, (_, i) => `Sentence ${i} says something.`).join(' ');
		const payload = formatPaperCard(samplePaper({ authors, abstract }));
		expectValidMessage(payload);
		const authorsField = payload.embeds?.[0]?.fields?.[0]?.value ?? '';
		expect(authorsField).toMatch(/^Author Number0, Author Number1, .* and 490 more$/);
		const description = payload.embeds?.[0]?.description ?? '';
		expect(description.length).toBeLessThanOrEqual(CardBudget.cardDescription);
		expect(description).toMatch(/says something\. …$/);
	});

	it('shows an empty abstract and no authors gracefully', () => {
		const payload = formatPaperCard(samplePaper({ abstract: '', authors: [], upvotes: undefined, codeUrl: undefined }));
		expectValidMessage(payload);
		expect(payload.embeds?.[0]?.description).toBe('*No abstract available.*');
		expect(payload.embeds?.[0]?.fields?.map((field) => field.name)).toEqual(['Listed']);
	});

	it('drops unsafe or oversized links', () => {
		const payload = formatPaperCard(samplePaper({ codeUrl: 'javascript:alert(1)', projectUrl: `https://x.test/${'a'.repeat(600)}` }));
		expect(buttons(payload).map((button) => button.label)).toEqual(['Share', 'Similar', 'Save', 'arXiv', 'PDF', 'Hugging Face']);
		const longTitle = formatPaperCard(samplePaper({ id: 't-0123456789ab', arxivId: undefined, title: '漢'.repeat(1000) }));
		expectValidMessage(longTitle);
		const search = buttons(longTitle).find((button): button is LinkButton => button.label === 'Search arXiv');
		expect(search?.url.length).toBeLessThanOrEqual(DiscordLimits.linkButtonUrl);
	});

	it('satisfies the schemas and every limit for 300 adversarial papers', () => {
		const random = createRandom(2026);
		for (let i = 0; i < 300; i++) {
			const paper = nastyPaper(random);
			const options = { sharedBy: random() < 0.5 ? { id: '123456789012345678', name: 'x' } : { id: '', name: paper.title }, ephemeral: random() < 0.5 };
			try {
				expectValidMessage(formatPaperCard(paper, options));
			} catch (error) {
				throw new Error(`case ${i} failed (${JSON.stringify(paper).slice(0, 300)}): ${String(error)}`);
			}
		}
	});
});
