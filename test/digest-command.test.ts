import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data as digestData } from '../commands/digest.js';
import { DigestMessages } from '../src/digests/messages.js';
import { DigestReplies } from '../src/discord/digest-replies.js';
import { digestPaperIds, startDigestHarness, type DigestHarness } from './support/digest-harness.js';

/** /digest as a server admin (and a plain member) would use it, against the emulator and a real sqlite file. */

let h: DigestHarness;

beforeAll(async () => {
	h = await startDigestHarness('2026-03-15T08:00:00Z');
});

afterAll(async () => {
	await h?.stop();
});

const EPHEMERAL = 64;

function digest(subcommand: string, options: Record<string, string | number> = {}, userId = h.emu.ids.adminId) {
	return h.command({ name: 'digest', subcommand, userId, options });
}

describe('digestCommand', () => {
	it('registers with Manage Server as the default permission, in servers only', () => {
		expect(digestData.default_member_permissions).toBe('32');
		expect(digestData.contexts).toEqual([0]);
	});

	it('refuses a member without Manage Server even if the server opened the command to them', async () => {
		const reply = await digest('subscribe', {}, h.emu.ids.userId);
		expect(reply).toMatchObject({ content: DigestReplies.needsManageServer, flags: EPHEMERAL });
		expect(await h.bot.store.subscriptions.values()).toEqual([]);
	});

	it.each([
		['time', '25:00', DigestMessages.timeHours('25:00')],
		['time', '9am', DigestMessages.timeFormat('9am')],
		['timezone', 'Mars/Olympus', DigestMessages.unknownTimeZone('Mars/Olympus')],
		['topics', Array.from({ length: 500 }, (_, index) => `t${index}`).join(','), DigestMessages.tooManyTopics(500, 25)],
		['topics', 'x'.repeat(6000), DigestMessages.topicTooLong(6000, 100)],
		['max_papers', 11, DigestMessages.maxPapersRange(1, 10)],
	])('answers %s %s with its specific error, ephemerally', async (name, value, expected) => {
		const reply = await digest('subscribe', { [name]: value });
		expect(reply).toMatchObject({ content: expected, flags: EPHEMERAL });
		expect(await h.bot.store.subscriptions.values()).toEqual([]);
	});

	it('names the permissions the bot lacks, in this channel and in another one', async () => {
		h.emu.setBotPermissions(h.emu.ids.channelId, { deny: ['EmbedLinks'] });
		const here = await digest('subscribe');
		expect(here.content).toBe(DigestReplies.botMissing(h.emu.ids.channelId, ['Embed Links']));
		h.emu.setBotPermissions(h.emu.ids.channelId, {});

		const quiet = h.emu.addChannel({ name: 'quiet' });
		h.emu.setBotPermissions(quiet.id, { deny: ['SendMessages', 'EmbedLinks'] });
		const there = await digest('subscribe', { channel: quiet.id });
		expect(there.content).toBe(DigestReplies.botMissing(quiet.id, ['Send Messages', 'Embed Links']));
		expect(there.content).toContain('Send Messages and Embed Links');
		expect(await h.bot.store.subscriptions.values()).toEqual([]);
	});

	it('subscribes with the defaults, shows the next run, and updates on a second subscribe', async () => {
		const first = await digest('subscribe');
		expect(first.flags).toBe(EPHEMERAL);
		expect(first.content).toContain('Subscribed');
		expect(first.content).toContain('09:00 UTC');
		// Next run: today 09:00 UTC, with a Discord relative timestamp.
		expect(first.content).toContain(`Next digest: 2026-03-15 09:00 UTC (<t:${Date.parse('2026-03-15T09:00:00Z') / 1000}:R>)`);
		const [stored] = await h.bot.store.subscriptions.values();
		expect(stored).toMatchObject({ channelId: h.emu.ids.channelId, time: '09:00', timezone: 'UTC', topics: [], maxPapers: 10, createdBy: h.emu.ids.adminId });

		const second = await digest('subscribe', { time: '7:30', timezone: 'europe/london', topics: 'diffusion, Diffusion, agents', max_papers: 5 });
		expect(second.content).toContain('Updated');
		expect(second.content).toContain('Next digest: 2026-03-16 07:30 Europe/London');
		const all = await h.bot.store.subscriptions.values();
		expect(all).toHaveLength(1);
		expect(all[0]).toMatchObject({ time: '07:30', timezone: 'Europe/London', topics: ['diffusion', 'agents'], maxPapers: 5 });
	});

	it('lists this server’s subscriptions with schedule, topics and next run', async () => {
		const list = await digest('list');
		expect(list.flags).toBe(EPHEMERAL);
		const text = String(list.embeds[0]?.description);
		expect(text).toContain(`<#${h.emu.ids.channelId}>`);
		expect(text).toContain('07:30 Europe/London');
		expect(text).toContain('“diffusion”, “agents”');
		expect(text).toContain('nothing delivered yet');
	});

	it('previews ephemerally without recording anything', async () => {
		const preview = await digest('preview', { topics: 'zzqx nothing matches' });
		expect(preview).toMatchObject({ flags: EPHEMERAL, content: DigestReplies.previewNothing(h.emu.ids.channelId, '2026-03-15') });
		await digest('subscribe', { topics: '', time: '09:00', timezone: 'UTC', max_papers: 10 });
		const full = await digest('preview');
		expect(full.flags).toBe(EPHEMERAL);
		expect(digestPaperIds(full)).toHaveLength(10);
		await h.at('2026-03-15T09:00:00Z');
		const posted = h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id);
		expect(digestPaperIds(posted[0])).toEqual(digestPaperIds(full));
	});

	it('refuses to resume a digest that is not paused, and unsubscribes', async () => {
		expect((await digest('resume')).content).toBe(DigestMessages.notPaused(h.emu.ids.channelId));
		expect((await digest('unsubscribe')).content).toBe(DigestReplies.unsubscribed(h.emu.ids.channelId));
		expect((await digest('unsubscribe')).content).toBe(DigestMessages.notSubscribed(h.emu.ids.channelId));
		expect((await digest('list')).content).toBe(DigestReplies.noSubscriptions);
	});
});

describe('digestCommand.autocomplete', () => {
	it('offers time zones by city as the admin types, and refuses EST with the zone meant', async () => {
		const choices = await h.emu
			.injectAutocomplete({ name: 'digest', subcommand: 'subscribe', userId: h.emu.ids.adminId, options: { timezone: 'new yo' } })
			.choices();
		expect(choices[0]).toEqual({ name: 'America/New York', value: 'America/New_York' });
		const reply = await digest('subscribe', { timezone: 'EST' });
		expect(reply.content).toContain('America/New_York');
		expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
		const kept = await digest('subscribe', { timezone: 'Asia/Kolkata' });
		expect(kept.content).toContain('Asia/Kolkata');
		expect(h.emu.rejectedRequests()).toEqual([]);
	});
});

describe('digestCommand error replies', () => {
	it('echo what the admin typed with mentions, markdown, control and bidi characters defused', async () => {
		const reply = await digest('subscribe', { time: '@everyone <@123456789012345678> **x**\u0007\u001b[2J\u202e' });
		expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(reply.content).toContain('is not a time');
		expect(reply.content).not.toMatch(/@everyone|<@\d|[\u0000-\u001f\u202e]/);
		expect(reply.content).toContain('\\*\\*x\\*\\*');
		expect(h.emu.rejectedRequests()).toEqual([]);
	});
});
