import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../src/library/export.js';
import { LibraryMessages } from '../src/library/messages.js';
import { readLibrary, savePaper } from '../src/library/library.js';
import type { ApiMessage, InteractionHandle } from '../src/sandbox/emulator/index.js';
import { startHarness, type Harness } from './support/bot-harness.js';
import { startDigestHarness } from './support/digest-harness.js';

/**
 * The library end to end: /paper save, library, unsave, tag add|remove, export and the Save buttons, through the
 * real discord.js client and the emulator (which validates every payload and every uploaded file as Discord would).
 */

const EPHEMERAL = 1 << 6;
const VQ4DIT_ID = 't-b6da3eceecac';
const VQ4DIT_TITLE = 'VQ4DiT: Efficient Post-Training Vector Quantization for Diffusion Transformers';

let h: Harness;

beforeAll(async () => {
	h = await startHarness();
});

afterAll(async () => {
	await h?.stop();
});

const paper = (subcommand: string, options: Record<string, string | number> = {}, userId?: string) =>
	h.emu.injectCommand({ name: 'paper', subcommand, options, ...(userId ? { userId } : {}) });
const tag = (subcommand: 'add' | 'remove', options: Record<string, string>, userId?: string) =>
	h.emu.injectCommand({ name: 'paper', subcommandGroup: 'tag', subcommand, options, ...(userId ? { userId } : {}) });

/** A fresh user per test, so each starts with an empty library. */
function newUser(): string {
	return h.emu.addUser({ username: `reader${Math.random().toString(36).slice(2, 8)}` }).id;
}

async function ephemeralText(handle: InteractionHandle): Promise<string> {
	const message = await handle.reply();
	expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
	return message.content;
}

function buttons(message: ApiMessage): { label?: string; custom_id?: string; disabled?: boolean }[] {
	return (message.components as { components?: { label?: string; custom_id?: string }[] }[]).flatMap((row) => row.components ?? []);
}

function seedIds(count: number): string[] {
	return h.bot.corpus.index
		.all()
		.slice(0, count)
		.map((entry) => entry.id);
}

async function exported(userId: string, options: Record<string, string>): Promise<{ message: ApiMessage; text: string; filename: string }> {
	const message = await paper('export', options, userId).reply();
	expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
	const [attachment] = message.attachments as { id: string; filename: string; url: string }[];
	if (!attachment) throw new Error(`no file in ${JSON.stringify(message)}`);
	const text = await (await fetch(attachment.url)).text();
	return { message, text, filename: attachment.filename };
}

describe('/paper save', () => {
	it('saves a paper with tags and confirms ephemerally, without pinging anyone', async () => {
		const user = newUser();
		const text = await ephemeralText(paper('save', { paper: VQ4DIT_ID, tags: 'To-Read, diffusion' }, user));
		expect(text).toBe(LibraryMessages.saved(VQ4DIT_TITLE, 1, ['to-read', 'diffusion']));
		expect((await readLibrary(h.bot.store, user))?.papers.map((entry) => entry.id)).toEqual([VQ4DIT_ID]);
		const [callback] = h.emu.requests({ route: '/interactions/{interaction_id}/{interaction_token}/callback' }).slice(-1);
		expect(callback?.body).toMatchObject({ data: { allowed_mentions: { parse: [] } } });
	});

	it('answers every bad input with its own error: unknown paper, bad tag, too-long tag', async () => {
		const user = newUser();
		expect(await ephemeralText(paper('save', { paper: 'no such paper at all zzqx' }, user))).toMatch(/^No paper matches/);
		expect(await ephemeralText(paper('save', { paper: VQ4DIT_ID, tags: 'c++' }, user))).toBe(LibraryMessages.tagBadCharacters('c++'));
		expect(await ephemeralText(paper('save', { paper: VQ4DIT_ID, tags: 'x'.repeat(200) }, user))).toBe(LibraryMessages.tagTooLong('x'.repeat(200), 200));
		expect(await readLibrary(h.bot.store, user)).toBeUndefined();
	});

	it('suggests corpus papers for save, and the user’s own papers and tags for unsave and tag', async () => {
		const user = newUser();
		await paper('save', { paper: VQ4DIT_ID, tags: 'to-read' }, user).reply();
		const choices = async (subcommand: string, options: Record<string, string>, group?: string) =>
			(await h.emu.injectAutocomplete({ name: 'paper', subcommand, options, userId: user, ...(group ? { subcommandGroup: group } : {}) }).response()).data as {
				choices: { name: string; value: string }[];
			};
		expect((await choices('save', { paper: 'vq4' })).choices[0]?.value).toBe(VQ4DIT_ID);
		expect((await choices('unsave', { paper: 'quantization' })).choices).toEqual([{ name: VQ4DIT_TITLE, value: VQ4DIT_ID }]);
		expect((await choices('library', { tag: 'to' })).choices).toEqual([{ name: 'to-read', value: 'to-read' }]);
		expect((await choices('remove', { paper: VQ4DIT_ID, tags: 't' }, 'tag')).choices).toEqual([{ name: 'to-read', value: 'to-read' }]);
	});
});

describe('the Save button', () => {
	it('is on every paper card and saves for whoever clicks, also on a card someone else shared', async () => {
		const sharer = newUser();
		const reader = newUser();
		const card = await paper('share', { paper: VQ4DIT_ID }, sharer).reply();
		expect(buttons(card).find((button) => button.label === 'Save')?.custom_id).toBe(`paper:save:${VQ4DIT_ID}`);
		const text = await ephemeralText(h.emu.clickButton({ message: card, label: 'Save', userId: reader }));
		expect(text).toBe(LibraryMessages.saved(VQ4DIT_TITLE, 1, []));
		expect(await readLibrary(h.bot.store, sharer)).toBeUndefined();
		expect(await ephemeralText(h.emu.clickButton({ message: card, label: 'Save', userId: reader }))).toBe(LibraryMessages.alreadySaved(VQ4DIT_TITLE, 1, []));
	});

	it('still works after a restart (stateless custom_id)', async () => {
		const reader = newUser();
		const card = await paper('show', { paper: VQ4DIT_ID }, reader).reply();
		await h.restart();
		expect(await ephemeralText(h.emu.clickButton({ message: card, label: 'Save', userId: reader }))).toMatch(/^Saved/);
	});
});

describe('/paper library', () => {
	it('pages ten papers at a time, newest first, with Previous/Next that keep working after a restart', async () => {
		const user = newUser();
		const ids = seedIds(12);
		for (const id of ids) await paper('save', { paper: id }, user).reply();
		const first = await paper('library', {}, user).reply();
		expect(first.flags & EPHEMERAL).toBe(EPHEMERAL);
		const embed = (first.embeds as { title: string; footer: { text: string }; description: string }[])[0];
		expect(embed?.title).toBe('Your library');
		expect(embed?.footer.text).toBe('Page 1 of 2 · 12 papers · newest first');
		expect(buttons(first).filter((button) => button.custom_id?.startsWith('paper:open:'))).toHaveLength(10);
		expect(buttons(first)[0]?.custom_id).toBe(`paper:open:${ids[11]}`);
		await h.restart();
		const next = buttons(first).find((button) => button.label === 'Next ▶');
		const second = await h.emu.clickButton({ message: first, customId: next?.custom_id as string, userId: user }).reply();
		expect(second.id).toBe(first.id);
		expect(
			buttons(second)
				.filter((button) => button.custom_id?.startsWith('paper:open:'))
				.map((button) => button.custom_id),
		).toEqual([`paper:open:${ids[1]}`, `paper:open:${ids[0]}`]);
		expect(await ephemeralText(paper('library', { page: 3 }, user))).toBe(LibraryMessages.pageOutOfRange(3, 2));
	});

	it('shows one tag’s papers, and names the user’s tags for an unknown one', async () => {
		const user = newUser();
		const [a, b] = seedIds(2);
		await paper('save', { paper: a as string, tags: 'rlhf' }, user).reply();
		await paper('save', { paper: b as string, tags: 'to-read' }, user).reply();
		const page = await paper('library', { tag: 'RLHF' }, user).reply();
		expect(buttons(page).map((button) => button.custom_id)).toEqual([`paper:open:${a}`]);
		expect(JSON.stringify(page.embeds)).toContain('`rlhf`');
		expect(await ephemeralText(paper('library', { tag: 'nope' }, user))).toBe(LibraryMessages.unknownTag('nope', ['rlhf', 'to-read']));
	});

	it('says the library is empty', async () => {
		expect(await ephemeralText(paper('library', {}, newUser()))).toBe(LibraryMessages.emptyLibrary);
	});
});

describe('/paper unsave and /paper tag', () => {
	it('tags, untags and unsaves, with a clear error for a tag the paper lacks and a paper not saved', async () => {
		const user = newUser();
		await paper('save', { paper: VQ4DIT_ID }, user).reply();
		expect(await ephemeralText(tag('add', { paper: VQ4DIT_ID, tags: 'a b' }, user))).toBe(LibraryMessages.tagsAdded(VQ4DIT_TITLE, ['a', 'b']));
		expect(await ephemeralText(tag('remove', { paper: VQ4DIT_ID, tags: 'zz' }, user))).toBe(LibraryMessages.tagNotOnPaper(VQ4DIT_TITLE, ['zz'], ['a', 'b']));
		expect(await ephemeralText(tag('remove', { paper: VQ4DIT_ID, tags: 'a' }, user))).toBe(LibraryMessages.tagsRemoved(VQ4DIT_TITLE, ['a'], ['b']));
		expect(await ephemeralText(paper('unsave', { paper: 'VQ4DiT' }, user))).toBe(LibraryMessages.unsaved(VQ4DIT_TITLE, 0));
		expect(await ephemeralText(paper('unsave', { paper: VQ4DIT_ID }, user))).toBe(LibraryMessages.emptyLibrary);
		const other = seedIds(2).find((id) => id !== VQ4DIT_ID) as string;
		await paper('save', { paper: other }, user).reply();
		expect(await ephemeralText(tag('add', { paper: VQ4DIT_ID, tags: 'a' }, user))).toBe(LibraryMessages.notSaved(VQ4DIT_ID));
	});
});

describe('/paper export', () => {
	it('attaches BibTeX that parses back, one entry per saved paper with a unique key', async () => {
		const user = newUser();
		const ids = seedIds(5);
		for (const id of ids) await paper('save', { paper: id, tags: 'seed' }, user).reply();
		const { message, text, filename } = await exported(user, { format: 'bibtex' });
		expect(filename).toBe('paperboy-library.bib');
		expect(message.content).toBe(LibraryMessages.exported(5, 'BibTeX', undefined));
		const library = parseBibtex(text, { sentenceCase: false, english: false, caseProtection: false });
		expect(library.errors).toEqual([]);
		expect(library.entries).toHaveLength(5);
		expect(new Set(library.entries.map((entry) => entry.key)).size).toBe(5);
		const titles = new Map(h.bot.corpus.index.all().map((entry) => [entry.id, entry.title]));
		expect(library.entries.map((entry) => entry.fields.title).sort()).toEqual(ids.map((id) => titles.get(id)).sort());
	});

	it('attaches CSV and JSON for one tag that read back, and still exports a paper the corpus lost', async () => {
		const user = newUser();
		const [kept] = seedIds(1);
		await paper('save', { paper: kept as string, tags: 'keep' }, user).reply();
		// Saved when the corpus had it; the corpus of this bot never did, as after a database restored without it.
		const gone = {
			id: '1706.03762',
			arxivId: '1706.03762',
			title: 'Attention Is All You Need',
			abstract: '',
			authors: ['Ashish Vaswani'],
			listedOn: '2017-06-12',
		};
		await savePaper(h.bot.store, user, { ...gone, source: 'hf-daily' }, [], new Date());
		expect(h.bot.corpus.index.get(gone.id)).toBeUndefined();
		const csv = await exported(user, { format: 'csv', tag: 'keep' });
		expect(csv.filename).toBe('paperboy-library-keep.csv');
		const rows = parseCsv(csv.text, { record_delimiter: '\r\n' }) as string[][];
		expect(rows[0]).toEqual([...CSV_HEADER]);
		expect(rows.slice(1).map((row) => row[0])).toEqual([kept]);
		const json = JSON.parse((await exported(user, { format: 'json' })).text) as { id: string; title: string }[];
		expect(json.map((entry) => entry.id)).toEqual([gone.id, kept]);
		expect(json[0]).toMatchObject({ title: gone.title, year: 2017, url: 'https://arxiv.org/abs/1706.03762' });
	});

	it('refuses an empty export and an unknown tag, attaching nothing', async () => {
		const user = newUser();
		expect(await ephemeralText(paper('export', { format: 'json' }, user))).toBe(LibraryMessages.emptyLibrary);
		await paper('save', { paper: VQ4DIT_ID }, user).reply();
		expect(await ephemeralText(paper('export', { format: 'csv', tag: 'nope' }, user))).toBe(LibraryMessages.unknownTag('nope', []));
	});
});

describe('/paper foryou', () => {
	it('picks recent papers close to the saved ones, never one already saved, each with an open button', async () => {
		const user = newUser();
		await paper('save', { paper: VQ4DIT_ID, tags: 'diffusion' }, user).reply();
		const page = await paper('foryou', {}, user).reply();
		expect(page.flags & EPHEMERAL).toBe(EPHEMERAL);
		const embed = (page.embeds as { title: string; description: string; footer: { text: string } }[])[0];
		expect(embed?.title).toBe('Picked for you');
		expect(embed?.footer.text).toBe(LibraryMessages.forYouFooter(1, 30));
		const ids = buttons(page)
			.map((button) => button.custom_id ?? '')
			.filter((id) => id.startsWith('paper:open:'));
		expect(ids.length).toBeGreaterThan(0);
		expect(ids).not.toContain(`paper:open:${VQ4DIT_ID}`);
		const first = h.bot.corpus.index.get(ids[0]?.replace('paper:open:', '') ?? '');
		expect(`${first?.title} ${first?.abstract}`).toMatch(/diffusion|quantiz/i);
	});

	it('refuses an empty library and an unknown tag', async () => {
		const user = newUser();
		expect(await ephemeralText(paper('foryou', {}, user))).toBe(LibraryMessages.emptyLibrary);
		await paper('save', { paper: VQ4DIT_ID }, user).reply();
		expect(await ephemeralText(paper('foryou', { tag: 'nope' }, user))).toBe(LibraryMessages.unknownTag('nope', []));
	});
});

describe('the Save buttons of a digest', () => {
	it('carry one Save per entry, each saving its paper for whoever clicks', async () => {
		const d = await startDigestHarness('2026-03-15T08:00:00Z');
		try {
			await d.command({ name: 'digest', subcommand: 'subscribe', userId: d.emu.ids.adminId, options: { max_papers: 3 } });
			await d.at('2026-03-15T09:00:00Z');
			const digest = d.emu.messages(d.emu.ids.channelId).find((message) => !message.webhook_id);
			if (!digest) throw new Error('no digest posted');
			const labels = buttons(digest).map((button) => button.label);
			expect(labels.filter((label) => label?.startsWith('Save '))).toEqual(['Save 1', 'Save 2', 'Save 3']);
			const second = buttons(digest)
				.find((button) => button.label === 'Save 2')
				?.custom_id?.replace('paper:save:', '');
			const reply = await d.emu.clickButton({ message: digest, label: 'Save 2', userId: d.emu.ids.userId }).reply();
			expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
			expect(reply.content).toMatch(/^Saved “/);
			expect((await readLibrary(d.bot.store, d.emu.ids.userId))?.papers.map((entry) => entry.id)).toEqual([second]);
			expect(d.emu.rejectedRequests()).toEqual([]);
		} finally {
			await d.stop();
		}
	});
});

describe('every library request', () => {
	it('passed the emulator’s checks (schemas, limits, uploads)', () => {
		expect(h.emu.rejectedRequests()).toEqual([]);
	});
});
