import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowseMessages } from '../src/browse/messages.js';
import { commands } from '../src/discord/commands.js';
import { SearchMessages } from '../src/search/messages.js';
import { FILTER_KEYS } from '../src/search/query-syntax.js';
import type { ApiMessage, InteractionHandle } from '../src/sandbox/emulator/index.js';
import { seedsDir, startHarness, type Harness } from './support/bot-harness.js';

/**
 * Search filters, /paper trending, /paper help and the card links, end to end: the real discord.js client
 * against the emulator (which validates every payload), on the shipped seed plus a few papers with
 * authors, upvotes and arXiv ids, with the bot's clock on the seed's listing day.
 */

const EPHEMERAL = 1 << 6;
const NOW = new Date('2026-03-14T08:00:00Z');
const SEED_ID = 't-b6da3eceecac';
const EXTRA = [
	{
		id: '2603.10001',
		title: 'Scaling Diffusion Transformers for Video',
		abstract: 'A diffusion transformer for video generation.',
		authors: ['Ada Lovelace', 'Alan Turing'],
		listedOn: '2026-03-13',
		upvotes: 120,
	},
	{
		id: '2603.10002',
		title: 'Reward Models for RLHF at Scale',
		abstract: 'RLHF reward models.',
		authors: ['Grace Hopper'],
		listedOn: '2026-03-12',
		upvotes: 300,
	},
	{ id: '2601.10003', title: 'An Older Diffusion Paper', abstract: 'Diffusion, long ago.', authors: ['Ada Lovelace'], listedOn: '2026-01-10', upvotes: 900 },
	{
		id: '2603.10004',
		title: 'Diffusion Policies for Robots',
		abstract: 'Robots learn by diffusion.',
		authors: ['Ada Lovelace'],
		listedOn: '2026-03-14',
		upvotes: 5,
	},
];

let h: Harness;
let dir: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-filters-'));
	await copyFile(join(seedsDir, '000_44d1e5d38125c694.txt'), join(dir, '000_seed.txt'));
	await writeFile(join(dir, 'extra.json'), JSON.stringify(EXTRA));
	h = await startHarness({ seedsDir: dir, bot: { clock: () => NOW } });
});

afterAll(async () => {
	await h?.stop();
	await rm(dir, { recursive: true, force: true });
});

const command = (subcommand: string, options: Record<string, string> = {}) => h.emu.injectCommand({ name: 'paper', subcommand, options });
const click = (message: ApiMessage, customId: string) => h.emu.clickButton({ message, customId });

interface Button {
	label?: string;
	custom_id?: string;
	url?: string;
	disabled?: boolean;
}

function buttonsOf(message: ApiMessage): Button[] {
	return (message.components as { components?: Button[] }[]).flatMap((row) => row.components ?? []);
}

function openedIds(message: ApiMessage): string[] {
	return buttonsOf(message)
		.map((button) => button.custom_id ?? '')
		.filter((id) => id.startsWith('paper:open:'))
		.map((id) => id.slice('paper:open:'.length));
}

async function ephemeralText(handle: InteractionHandle): Promise<string> {
	const message = await handle.reply();
	expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
	expect(message.embeds).toEqual([]);
	return message.content;
}

describe('/paper search with filters', () => {
	it('applies author:, since: and sort: typed in the query', async () => {
		const message = await command('search', { query: 'diffusion author:Lovelace since:7d sort:upvotes' }).reply();
		expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(openedIds(message)).toEqual(['2603.10001', '2603.10004']);
		expect(message.embeds[0]?.title).toBe('Results for “diffusion”');
		expect((message.embeds[0]?.footer as { text?: string } | undefined)?.text).toBe('2 papers found · by Lovelace · since 2026-03-07 · most upvoted first');
	});

	it('gives the same answer to the same filters picked as command options', async () => {
		const typed = await command('search', { query: 'diffusion author:Lovelace since:7d sort:upvotes' }).reply();
		const picked = await command('search', { query: 'diffusion', author: 'Lovelace', since: '7d', sort: 'upvotes' }).reply();
		expect(picked.embeds).toEqual(typed.embeds);
		expect(openedIds(await command('search', { author: 'Hopper' }).reply())).toEqual(['2603.10002']);
	});

	it('pages a filter-only search with buttons that carry its resolved query', async () => {
		const first = await command('search', { query: 'since:7d' }).reply();
		const next = buttonsOf(first).find((button) => /next/i.test(button.label ?? ''));
		expect(next?.custom_id).toBe('paper:page:1:since:2026-03-07');
		expect(openedIds(first)[0]).toBe('2603.10004');
		const second = await click(first, next?.custom_id as string).reply();
		expect(second.id).toBe(first.id);
		expect(openedIds(second)).not.toEqual(openedIds(first));
	});

	it('suggests no titles for a query with filters, since picking one would replace them', async () => {
		const plain = await h.emu.injectAutocomplete({ name: 'paper', subcommand: 'search', options: { query: 'diffusion' } }).choices();
		expect(plain.length).toBeGreaterThan(0);
		expect(await h.emu.injectAutocomplete({ name: 'paper', subcommand: 'search', options: { query: 'diffusion sort:up' } }).choices()).toEqual([]);
	});

	it.each([
		['an unknown filter key', { query: 'diffusion autor:Lovelace' }, SearchMessages.unknownFilter('autor', FILTER_KEYS)],
		['since: in the future', { query: 'diffusion since:2026-04-01' }, SearchMessages.futureSince('2026-04-01', '2026-03-14')],
		['since: after before:', { query: 'since:2026-03-10 before:2026-03-01' }, SearchMessages.emptyRange('2026-03-10', '2026-03-01')],
		[
			'a query and an option that disagree',
			{ query: 'diffusion since:7d', since: '2026-01-01' },
			SearchMessages.conflictingFilter('since', '7d', '2026-01-01'),
		],
		['filters that leave nothing', { query: 'diffusion author:Nobody' }, BrowseMessages.noFilteredResults('diffusion', 'by Nobody')],
	])('answers %s with a clear ephemeral sentence', async (_name, options, expected) => {
		expect(await ephemeralText(command('search', options))).toBe(expected);
	});
});

describe('/paper trending', () => {
	it('lists the week’s papers most upvoted first and pages through them', async () => {
		const first = await command('trending', { window: 'week' }).reply();
		expect(first.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(first.embeds[0]?.title).toBe('Trending in the last 7 days');
		expect(openedIds(first).slice(0, 3)).toEqual(['2603.10002', '2603.10001', '2603.10004']);
		const next = buttonsOf(first).find((button) => /next/i.test(button.label ?? ''));
		expect(next?.custom_id).toBe('paper:trending:1:week:2026-03-14');
		const second = await click(first, next?.custom_id as string).reply();
		expect(second.id).toBe(first.id);
		expect(openedIds(second)).not.toContain('2603.10002');
	});

	it('keeps to a topic and to the window', async () => {
		const rlhf = openedIds(await command('trending', { window: 'month', topic: 'RLHF' }).reply());
		// The seed's own RLHF papers follow, without upvotes; the diffusion papers are not on the topic.
		expect(rlhf[0]).toBe('2603.10002');
		expect(rlhf).not.toContain('2603.10001');
		expect(rlhf).not.toContain('2603.10004');
		const month = openedIds(await command('trending', { window: 'month' }).reply());
		expect(month).not.toContain('2601.10003');
	});

	it('says when nothing in the window is on the topic', async () => {
		const topic = 'quantum chromodynamics';
		expect(await ephemeralText(command('trending', { window: 'day', topic }))).toBe(BrowseMessages.noTrending('2026-03-13', [topic]));
	});
});

describe('/paper help', () => {
	it('shows every command of the one command list, only to the user', async () => {
		const message = await command('help').reply();
		expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(message.embeds.map((embed) => embed.title)).toEqual(commands.map((entry) => `/${entry.data.name}`));
		const text = JSON.stringify(message.embeds);
		for (const path of ['/paper search', '/paper trending', '/paper help', '/digest subscribe']) expect(text).toContain(`**${path}**`);
	});
});

describe('card links', () => {
	it('links the arXiv abstract, the PDF and the Hugging Face page of a paper with an arXiv id', async () => {
		const card = await command('show', { paper: '2603.10001' }).reply();
		expect(card.embeds[0]?.url).toBe('https://huggingface.co/papers/2603.10001');
		const links = Object.fromEntries(buttonsOf(card).flatMap((button) => (button.url ? [[button.label, button.url]] : [])));
		expect(links).toEqual({
			arXiv: 'https://arxiv.org/abs/2603.10001',
			PDF: 'https://arxiv.org/pdf/2603.10001',
			'Hugging Face': 'https://huggingface.co/papers/2603.10001',
		});
	});

	it('gives a seed paper without an arXiv id no link posing as its page', async () => {
		const card = await command('show', { paper: SEED_ID }).reply();
		expect(card.embeds[0]?.url).toBeUndefined();
		const links = buttonsOf(card).filter((button) => button.url);
		expect(links.map((button) => button.label)).toEqual(['Search arXiv']);
		expect(links[0]?.url).toMatch(/^https:\/\/arxiv\.org\/search\/\?query=.*&searchtype=title$/);
	});
});

describe('across the file', () => {
	it('made no request the emulator rejected', () => {
		expect(h.emu.rejectedRequests().map((request) => `${request.method} ${request.path} ${request.status} ${request.error?.message}`)).toEqual([]);
	});
});
