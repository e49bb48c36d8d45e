import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowseMessages } from '../src/browse/messages.js';
import { hashQuery } from '../src/cards/custom-ids.js';
import type { SlashCommand } from '../src/discord/command.js';
import { commands } from '../src/discord/commands.js';
import { GENERIC_FAILURE, STALE_BUTTON, UNKNOWN_COMMAND } from '../src/discord/dispatcher.js';
import { silentLogger } from '../src/log.js';
import type { ApiMessage, InteractionHandle, RecordedRequest } from '../src/sandbox/emulator/index.js';
import { pruneStore } from '../src/store/prune.js';
import { QUERY_MEMO_TTL_MS } from '../src/store/store.js';
import { startHarness, type Harness } from './support/bot-harness.js';

/**
 * The whole /paper flow, end to end: the real discord.js client logs in to the local emulator over
 * HTTP and WebSocket, and every answer is checked as the emulator (strict like Discord) received it.
 */

const CALLBACK = 'POST /interactions/{interaction_id}/{interaction_token}/callback';
const EPHEMERAL = 1 << 6;
const VQ4DIT_ID = 't-b6da3eceecac';
const VQ4DIT_TITLE = 'VQ4DiT: Efficient Post-Training Vector Quantization for Diffusion Transformers';
/** A pasted abstract passage: longer than a custom_id can carry, and matching more than one page of papers. */
const LONG_QUERY = 'large language models reasoning and alignment with human preference optimization for instruction following and evaluation benchmarks';

const throwingCommand: SlashCommand = {
	data: { name: 'boom', description: 'Always fails (test only)', type: 1 },
	execute: async () => {
		throw new Error('kaboom: handler bug');
	},
};

let h: Harness;

beforeAll(async () => {
	h = await startHarness({ commands: [...commands, throwingCommand] });
});

afterAll(async () => {
	await h?.stop();
});

const search = (query: string) => h.emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query } });
const paper = (subcommand: 'show' | 'share', ref: string) => h.emu.injectCommand({ name: 'paper', subcommand, options: { paper: ref } });
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

function buttonLabelled(message: ApiMessage, label: RegExp): Button {
	const button = buttonsOf(message).find((candidate) => label.test(candidate.label ?? ''));
	if (!button)
		throw new Error(
			`no button ${label} among ${buttonsOf(message)
				.map((b) => b.label)
				.join(', ')}`,
		);
	return button;
}

function embedText(message: ApiMessage): string {
	return JSON.stringify(message.embeds);
}

function callbacksOf(handle: InteractionHandle): RecordedRequest[] {
	return h.emu.requests({ path: new RegExp(`^/interactions/${handle.id}/`) });
}

/** What a user sees for an answer that should be a short ephemeral sentence. */
async function ephemeralText(handle: InteractionHandle): Promise<string> {
	const message = await handle.reply();
	expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
	expect(message.embeds).toEqual([]);
	return message.content;
}

describe('startBot against the emulator', () => {
	it('logs in, becomes ready with the sandbox guild, and registers the command list to it', () => {
		expect(h.bot.client.isReady()).toBe(true);
		expect(h.bot.client.guilds.cache.has(h.emu.ids.guildId)).toBe(true);
		expect(h.emu.commands(h.emu.ids.guildId).map((command) => command.name)).toEqual([...commands.map((command) => command.data.name), 'boom']);
		expect(h.bot.corpus.index.size).toBe(63);
	});
});

describe('/paper search', () => {
	it('finds the diffusion paper for the typo "difusion" on an ephemeral results page with a button per hit', async () => {
		const message = await search('difusion').reply();
		expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(embedText(message)).toContain('difusion');
		expect(embedText(message)).toContain('VQ4DiT');
		expect(buttonsOf(message).map((button) => button.custom_id)).toContain(`paper:open:${VQ4DIT_ID}`);
	});

	it('opens a hit card from its button', async () => {
		const results = await search('difusion').reply();
		const card = await click(results, `paper:open:${VQ4DIT_ID}`).reply();
		expect(card.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(card.embeds[0]?.title).toBe(VQ4DIT_TITLE);
		expect(buttonsOf(card).map((button) => button.label)).toEqual(expect.arrayContaining(['Share', 'Similar']));
	});

	it('pages with Next and Previous, editing the same message', async () => {
		const first = await search('language models').reply();
		const next = buttonLabelled(first, /next/i);
		expect(buttonLabelled(first, /prev/i).disabled).toBe(true);
		const second = await click(first, next.custom_id as string).reply();
		expect(second.id).toBe(first.id);
		expect(embedText(second)).not.toBe(embedText(first));
		expect(buttonLabelled(second, /prev/i).disabled).toBeFalsy();
		const back = await click(second, buttonLabelled(second, /prev/i).custom_id as string).reply();
		expect(embedText(back)).toBe(embedText(first));
	});

	it('keeps page buttons working after a bot restart on the same database (stateless custom_ids)', async () => {
		const first = await search('language models').reply();
		const expected = await click(first, buttonLabelled(first, /next/i).custom_id as string).reply();
		const before = embedText(expected);
		await h.restart();
		const again = await click(expected, buttonLabelled(expected, /prev/i).custom_id as string).reply();
		const forward = await click(again, buttonLabelled(again, /next/i).custom_id as string).reply();
		expect(embedText(forward)).toBe(before);
	});

	it('pages a query longer than a custom_id through its stored hash, also after a restart', async () => {
		const first = await search(LONG_QUERY).reply();
		const next = buttonLabelled(first, /next/i);
		expect(next.custom_id).toBe(`paper:page:1:#${hashQuery(LONG_QUERY)}`);
		const second = await click(first, next.custom_id as string).reply();
		await h.restart();
		const back = await click(second, buttonLabelled(second, /prev/i).custom_id as string).reply();
		expect(embedText(back)).toBe(embedText(first));
	});

	it('answers a page button whose stored query expired as stale', async () => {
		const first = await search(LONG_QUERY).reply();
		await pruneStore(h.bot.store, new Date(Date.now() + QUERY_MEMO_TTL_MS + 60_000), silentLogger);
		expect(await ephemeralText(click(first, buttonLabelled(first, /next/i).custom_id as string))).toBe(BrowseMessages.pageGone);
	});

	it.each([
		['an empty query', ''],
		['a 6,000-character query', 'x'.repeat(6000)],
		['a query of only symbols', '!!! ??? ***'],
		['a query of only emoji', '🙂🚀🙂'],
		['a query that matches nothing', 'zzzzqqqxxj'],
	])('answers %s with a clear ephemeral sentence', async (_name, query) => {
		const text = await ephemeralText(search(query));
		expect(text.length).toBeGreaterThan(20);
		expect(text).not.toMatch(/error|stack|undefined|\bat \w+ \(/i);
		expect(text).not.toBe(GENERIC_FAILURE);
	});
});

describe('/paper autocomplete', () => {
	it('suggests titles as query text for the search box', async () => {
		const choices = await h.emu.injectAutocomplete({ name: 'paper', subcommand: 'search', options: { query: 'dif' } }).choices();
		expect(choices.length).toBeGreaterThan(0);
		expect(choices.length).toBeLessThanOrEqual(25);
		expect(choices).toContainEqual({ name: VQ4DIT_TITLE, value: VQ4DIT_TITLE });
	});

	it('suggests papers by id for show and share, at most 25 even for an empty prefix', async () => {
		const typed = await h.emu.injectAutocomplete({ name: 'paper', subcommand: 'show', options: { paper: 'vq4' } }).choices();
		expect(typed).toContainEqual({ name: VQ4DIT_TITLE, value: VQ4DIT_ID });
		const empty = await h.emu.injectAutocomplete({ name: 'paper', subcommand: 'share', options: { paper: '' } }).choices();
		expect(empty.length).toBeGreaterThan(0);
		expect(empty.length).toBeLessThanOrEqual(25);
	});
});

describe('/paper show', () => {
	it('opens the ephemeral card by id and by title', async () => {
		for (const ref of [VQ4DIT_ID, VQ4DIT_TITLE, 'vq4dit: efficient post-training vector quantization for diffusion transformers']) {
			const card = await paper('show', ref).reply();
			expect(card.flags & EPHEMERAL).toBe(EPHEMERAL);
			expect(card.embeds[0]?.title).toBe(VQ4DIT_TITLE);
		}
	});

	it('answers an unknown id or title with a clear ephemeral sentence', async () => {
		expect(await ephemeralText(paper('show', '2999.99999'))).toBe(BrowseMessages.paperNotFound('2999.99999'));
		expect(await ephemeralText(paper('show', 'no such paper at all'))).toBe(BrowseMessages.paperNotFound('no such paper at all'));
		expect(await ephemeralText(paper('share', '   '))).toBe(BrowseMessages.emptyPaperRef);
		// Only one of these words is in the corpus; that must not pass for a near-title match.
		const nonsense = 'a paper nobody wrote about zebras';
		expect(await ephemeralText(paper('show', nonsense))).toBe(BrowseMessages.paperNotFound(nonsense));
	});
});

describe('/paper share and the Share button', () => {
	it('posts the card publicly with "Shared by" and pings nobody', async () => {
		const handle = paper('share', VQ4DIT_ID);
		const message = await handle.reply();
		expect(message.flags & EPHEMERAL).toBe(0);
		expect(message.channel_id).toBe(h.emu.ids.channelId);
		expect(message.content).toMatch(/shared by/i);
		expect(message.embeds[0]?.title).toBe(VQ4DIT_TITLE);
		const [callback] = callbacksOf(handle);
		expect((callback?.body as { data?: { allowed_mentions?: unknown } } | undefined)?.data?.allowed_mentions).toEqual({ parse: [] });
	});

	it('shares from a card Share button', async () => {
		const card = await paper('show', VQ4DIT_ID).reply();
		const shared = await click(card, `paper:share:${VQ4DIT_ID}`).reply();
		expect(shared.flags & EPHEMERAL).toBe(0);
		expect(shared.content).toMatch(/shared by/i);
		expect(shared.embeds[0]?.title).toBe(VQ4DIT_TITLE);
	});
});

describe('the Similar button', () => {
	it('lists up to 5 related papers, each openable', async () => {
		const card = await paper('show', VQ4DIT_ID).reply();
		const similar = await click(card, `paper:similar:${VQ4DIT_ID}`).reply();
		const opens = buttonsOf(similar).filter((button) => button.custom_id?.startsWith('paper:open:'));
		expect(opens.length).toBeGreaterThan(0);
		expect(opens.length).toBeLessThanOrEqual(5);
		expect(opens.map((button) => button.custom_id)).not.toContain(`paper:open:${VQ4DIT_ID}`);
		const opened = await click(similar, opens[0]?.custom_id as string).reply();
		expect(opened.embeds).toHaveLength(1);
	});
});

describe('/paper today', () => {
	it('shows the latest listing day and pages through it', async () => {
		const first = await h.emu.injectCommand({ name: 'paper', subcommand: 'today' }).reply();
		expect(embedText(first)).toContain('2026-03-14');
		const next = buttonLabelled(first, /next/i);
		expect(next.custom_id).toMatch(/^paper:today:1:2026-03-14$/);
		const second = await click(first, next.custom_id as string).reply();
		expect(second.id).toBe(first.id);
		expect(embedText(second)).not.toBe(embedText(first));
	});
});

describe('stale and garbage buttons', () => {
	it.each([
		['a paper no longer in the corpus', 'paper:open:2999.99999', BrowseMessages.paperGone('2999.99999')],
		['a page whose long query was never stored', `paper:page:1:#${'0'.repeat(16)}`, BrowseMessages.pageGone],
		['an unknown paper action', 'paper:explode:now', BrowseMessages.pageGone],
		['a prefix no command owns', 'legacy:thing:1', STALE_BUTTON],
		['plain garbage', '\u0000%%%', STALE_BUTTON],
	])('answers %s with a clear ephemeral sentence', async (_name, customId, expected) => {
		const carrier = (await search('difusion').reply()) as ApiMessage;
		const handle = h.emu.injectInteraction({ type: 3, data: { custom_id: customId, component_type: 2 }, message: carrier });
		expect(await ephemeralText(handle)).toBe(expected);
	});
});

describe('faults during a reply', () => {
	it('delivers the reply exactly once through an injected 429 on the callback', async () => {
		h.emu.faults.rateLimit({ match: CALLBACK, retryAfter: 0.1 });
		const handle = search('difusion');
		expect(embedText(await handle.reply())).toContain('VQ4DiT');
		expect(callbacksOf(handle).map((request) => request.status)).toEqual([429, 204]);
		expect(h.emu.messages().filter((message) => (message.interaction_metadata as { id?: string } | undefined)?.id === handle.id)).toHaveLength(1);
	});

	it('delivers the reply exactly once through an injected 5xx on the callback', async () => {
		h.emu.faults.serverError({ match: CALLBACK, status: 503 });
		const handle = search('difusion');
		expect(embedText(await handle.reply())).toContain('VQ4DiT');
		expect(callbacksOf(handle).map((request) => request.status)).toEqual([503, 204]);
		expect(h.emu.messages().filter((message) => (message.interaction_metadata as { id?: string } | undefined)?.id === handle.id)).toHaveLength(1);
	});
});

describe('the gateway connection', () => {
	it('still answers the next interaction after a server-requested reconnect and resume', async () => {
		const resumed = once(h.emu, 'gateway', { signal: AbortSignal.timeout(10_000) });
		h.emu.gateway.requestReconnect();
		await waitForResume(resumed);
		expect(embedText(await search('difusion').reply())).toContain('VQ4DiT');
	});

	it('answers an interaction dispatched while the connection was down, after resuming', async () => {
		h.emu.gateway.drop();
		const handle = search('difusion');
		expect(embedText(await handle.reply({ timeoutMs: 20_000 }))).toContain('VQ4DiT');
	});
});

async function waitForResume(first: Promise<unknown[]>): Promise<void> {
	let event = (await first)[0] as { type: string };
	while (event.type !== 'resume') {
		event = (await once(h.emu, 'gateway', { signal: AbortSignal.timeout(10_000) }))[0] as { type: string };
	}
}

describe('unexpected input', () => {
	it('answers a command it does not know with the unknown-command line', async () => {
		expect(await ephemeralText(h.emu.injectCommand({ name: 'frobnicate' }))).toBe(UNKNOWN_COMMAND);
	});

	it('answers malformed interactions without an error trace and keeps answering', async () => {
		const inject = (type: number, data: Record<string, unknown>) => h.emu.injectInteraction({ type, data });
		const paperData = (options?: unknown[]) => ({ id: '1', name: 'paper', type: 1, ...(options ? { options } : {}) });
		const numberQuery = inject(2, paperData([{ name: 'search', type: 1, options: [{ name: 'query', type: 3, value: 42 }] }]));
		expect(await ephemeralText(numberQuery)).not.toBe(GENERIC_FAILURE);
		expect(await ephemeralText(inject(2, paperData([{ name: 'nonsense', type: 1 }])))).toMatch(/unknown \/paper subcommand/i);
		// No subcommand at all is a bug-shaped payload: logged, and the user gets the generic line.
		expect(await ephemeralText(inject(2, paperData()))).toBe(GENERIC_FAILURE);
		expect(await inject(4, paperData([])).choices()).toEqual([]);
		const carrier = (await search('difusion').reply()) as ApiMessage;
		expect(await ephemeralText(h.emu.injectInteraction({ type: 3, data: { component_type: 2 }, message: carrier }))).toBe(STALE_BUTTON);
		// An interaction type discord.js does not know is ignored; the bot must simply live on.
		inject(42, { what: 'ever' });
		expect(embedText(await search('difusion').reply())).toContain('VQ4DiT');
	});

	it('answers a handler that throws with the generic line, logs it, and keeps answering', async () => {
		expect(await ephemeralText(h.emu.injectCommand({ name: 'boom' }))).toBe(GENERIC_FAILURE);
		expect(h.logLines.some((line) => line.includes('interaction handler failed') && line.includes('kaboom'))).toBe(true);
		expect(embedText(await search('difusion').reply())).toContain('VQ4DiT');
	});
});

describe('across the whole suite', () => {
	it('made no request the emulator rejected', () => {
		const rejected = h.emu.rejectedRequests().map((request) => `${request.method} ${request.path} ${request.status} ${request.error?.message}`);
		expect(rejected).toEqual([]);
	});

	it('disabled mentions on every message it sent', () => {
		const bodies = h.emu.requests().flatMap((request) => messageBodies(request));
		expect(bodies.length).toBeGreaterThan(20);
		for (const body of bodies) expect(body.allowed_mentions).toEqual({ parse: [] });
	});

	it('never wrote the token into a log line', () => {
		expect(h.logLines.length).toBeGreaterThan(0);
		expect(h.logLines.filter((line) => line.includes(h.token))).toEqual([]);
	});
});

/** The message payloads in a request: callback data of types 4 and 7, webhook edits and follow-ups, channel messages. */
function messageBodies(request: RecordedRequest): { allowed_mentions?: unknown }[] {
	const body = request.body as { type?: number; data?: { allowed_mentions?: unknown } } | undefined;
	if (!body || request.method === 'GET' || request.method === 'DELETE') return [];
	if (request.route?.endsWith('/callback')) return body.type === 4 || body.type === 7 ? [body.data ?? {}] : [];
	if (request.route?.startsWith('/webhooks/') || request.route === '/channels/{channel_id}/messages') return [body as { allowed_mentions?: unknown }];
	return [];
}
