import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestMessages } from '../src/digests/messages.js';
import { DigestReplies, formatSubscriptionLine } from '../src/discord/digest-replies.js';
import type { Subscription } from '../src/store/records.js';
import { startDigestHarness, waitFor, type DigestHarness } from './support/digest-harness.js';

/** A digest whose channel was deleted: /digest list says so, and /digest unsubscribe channel_id removes it. */

let h: DigestHarness;

beforeAll(async () => {
	h = await startDigestHarness('2026-03-15T08:00:00Z');
});

afterAll(async () => {
	await h?.stop();
});

function digest(subcommand: string, options: Record<string, string | number> = {}) {
	return h.command({ name: 'digest', subcommand, userId: h.emu.ids.adminId, options });
}

const listText = async () => String((await digest('list')).embeds[0]?.description);

describe('digestCommand', () => {
	let goneId: string;

	beforeAll(async () => {
		const old = h.emu.addChannel({ name: 'old-papers' });
		await waitFor(() => h.bot.client.channels.cache.has(old.id));
		expect((await digest('subscribe', { channel: old.id })).content).toContain('Subscribed');
		h.emu.deleteChannel(old.id);
		await waitFor(() => !h.bot.client.channels.cache.has(old.id));
		goneId = old.id;
	});

	it('does list a digest whose channel no longer exists, with the command that removes it', async () => {
		const text = await listText();
		expect(text).toContain(`<#${goneId}> (channel ${goneId})`);
		expect(text).toContain(DigestReplies.channelGone(goneId));
		expect(text).not.toContain('next ');
	});

	it('does pause it when due instead of failing, and keeps listing it as gone', async () => {
		await h.at('2026-03-15T09:00:00Z');
		const [stored] = await h.bot.store.subscriptions.values();
		expect(stored?.paused).toMatchObject({ code: 10003 });
		expect(await listText()).toContain(DigestReplies.channelGone(goneId));
	});

	it('does refuse a deleted channel in the channel option, as Discord only offers existing ones', () => {
		expect(() => h.emu.injectCommand({ name: 'digest', subcommand: 'unsubscribe', userId: h.emu.ids.adminId, options: { channel: goneId } })).toThrow(
			/option channel: \d+ is not a channel of this server/,
		);
	});

	it.each([['12345'], ['general'], ['<#abc>'], ['1'.repeat(21)]])('does answer channel_id:%s with what a channel id looks like', async (raw) => {
		expect((await digest('unsubscribe', { channel_id: raw })).content).toBe(DigestReplies.badChannelId(raw));
	});

	it('does refuse channel and channel_id together', async () => {
		expect((await digest('unsubscribe', { channel: h.emu.ids.channelId, channel_id: goneId })).content).toBe(DigestReplies.channelAndChannelId);
	});

	it('does say when the id has no digest in this server', async () => {
		expect((await digest('unsubscribe', { channel_id: '123456789012345678' })).content).toBe(DigestMessages.notSubscribed('123456789012345678'));
	});

	it('does remove the deleted channel’s digest by channel_id, pasted as a mention too', async () => {
		const reply = await digest('unsubscribe', { channel_id: ` <#${goneId}> ` });
		expect(reply).toMatchObject({ content: DigestReplies.unsubscribedGone(goneId), flags: 64 });
		expect(await h.bot.store.subscriptions.values()).toEqual([]);
		expect((await digest('list')).content).toBe(DigestReplies.noSubscriptions);
	});

	it('does unsubscribe an existing channel by channel_id as well', async () => {
		await digest('subscribe');
		expect((await digest('unsubscribe', { channel_id: h.emu.ids.channelId })).content).toBe(DigestReplies.unsubscribed(h.emu.ids.channelId));
	});
});

describe('formatSubscriptionLine', () => {
	const subscription: Subscription = {
		guildId: '1',
		channelId: '223456789012345678',
		time: '09:00',
		timezone: 'UTC',
		topics: [],
		maxPapers: 10,
		createdBy: '3',
		createdAt: '2026-03-14T08:00:00.000Z',
		paused: { reason: DigestMessages.pauseUnknownChannel, at: '2026-03-14T09:00:00.000Z', code: 10003 },
	};

	it('does name a gone channel by id and say how to remove it, instead of the pause reason', () => {
		expect(formatSubscriptionLine(subscription, new Date('2026-03-15T09:00:00Z'), true)).toBe(
			`• <#223456789012345678> (channel 223456789012345678) · daily at 09:00 UTC, every new paper · max 10 · nothing ` +
				`delivered yet\n  ${DigestReplies.channelGone('223456789012345678')}`,
		);
		expect(formatSubscriptionLine(subscription, undefined)).toContain(`⏸ ${DigestMessages.pauseUnknownChannel}`);
	});
});
