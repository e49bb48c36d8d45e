import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestMessages } from '../src/digests/messages.js';
import { DigestReplies } from '../src/discord/digest-replies.js';
import type { ApiMessage } from '../src/sandbox/emulator/index.js';
import { digestPaperIds, makePaper, startDigestHarness, type DigestHarness } from './support/digest-harness.js';

/** Personal follows end to end: /paper follow, the daily DM with its Unfollow button, closed DMs. */

let h: DigestHarness;
const EPHEMERAL = 64;
const LONG_TOPIC = 'quokka marsupial behaviour modelling with hierarchical reinforcement learning agents island';
let reader: string;
let quokkaFan: string;
let closed: string;
let longFan: string;

beforeAll(async () => {
	h = await startDigestHarness('2026-03-15T08:00:00Z');
	reader = h.emu.ids.userId;
	quokkaFan = h.emu.addUser({ username: 'quokkafan' }).id;
	closed = h.emu.addUser({ username: 'closed' }).id;
	longFan = h.emu.addUser({ username: 'longfan' }).id;
	await h.addPapers([
		makePaper('2603.50001', 'Quokka marsupial behaviour modelling with hierarchical reinforcement learning agents in island ecosystems', '2026-03-14', 2),
	]);
});

afterAll(async () => {
	await h?.stop();
});

function paper(subcommand: string, userId: string, options: Record<string, string> = {}) {
	return h.command({ name: 'paper', subcommand, userId, options });
}

function dms(userId: string): ApiMessage[] {
	return h.emu.messages(h.emu.world.openDm(userId).id).filter((message) => !message.webhook_id);
}

function unfollowButton(message: ApiMessage | undefined): string | undefined {
	const rows = (message?.components ?? []) as Array<{ components?: Array<{ custom_id?: string }> }>;
	return rows.flatMap((row) => row.components ?? []).find((button) => button.custom_id?.startsWith('follow:unfollow:'))?.custom_id;
}

describe('personal follows', () => {
	it('rejects bad follow input with its specific error', async () => {
		expect(await paper('follow', reader, { time: '25:00' })).toMatchObject({ content: DigestMessages.timeHours('25:00'), flags: EPHEMERAL });
		expect((await paper('follow', reader, { timezone: 'Mars/Olympus' })).content).toBe(DigestMessages.unknownTimeZone('Mars/Olympus'));
		expect((await paper('following', reader)).content).toBe(DigestMessages.notFollowing);
		expect((await paper('unfollow', reader)).content).toBe(DigestMessages.notFollowing);
	});

	it('follows, and confirms with the next DM time', async () => {
		const all = await paper('follow', reader);
		expect(all.flags).toBe(EPHEMERAL);
		expect(all.content).toContain('every new paper');
		expect(all.content).toContain('Next DM: 2026-03-15 09:00 UTC');
		// 05:00 in New York (EDT, UTC-4) is 09:00 UTC.
		const quokka = await paper('follow', quokkaFan, { topic: 'quokka', time: '05:00', timezone: 'America/New_York' });
		expect(quokka.content).toContain('“quokka”');
		expect(quokka.content).toContain(`Next DM: 2026-03-15 05:00 America/New_York (<t:${Date.parse('2026-03-15T09:00:00Z') / 1000}:R>)`);
		await paper('follow', closed);
		await paper('follow', longFan, { topic: LONG_TOPIC });
		h.emu.closeDms(closed);
	});

	it('DMs each follower once at their time, only their topics, and pauses a follower whose DMs are closed', async () => {
		await h.at('2026-03-15T08:59:00Z');
		expect(dms(reader)).toHaveLength(0);
		await h.at('2026-03-15T09:00:00Z');
		await h.at('2026-03-15T12:00:00Z');
		expect(dms(reader)).toHaveLength(1);
		expect(digestPaperIds(dms(reader)[0])).toHaveLength(10);
		expect(dms(reader)[0]?.embeds[0]?.title).toBe(DigestMessages.followDigestTitle);
		expect(unfollowButton(dms(reader)[0])).toBe('follow:unfollow:*');
		expect(digestPaperIds(dms(quokkaFan)[0])).toEqual(['2603.50001']);
		expect(unfollowButton(dms(quokkaFan)[0])).toBe('follow:unfollow:quokka');
		expect(unfollowButton(dms(longFan)[0])).toMatch(/^follow:unfollow:#[0-9a-f]{16}$/);

		expect(dms(closed)).toHaveLength(0);
		expect((await h.bot.store.follows.get(closed))?.paused).toMatchObject({ code: 50007, reason: DigestMessages.pauseDmClosed });
		const status = await paper('following', closed);
		expect(status.content).toContain(DigestMessages.pauseDmClosed);
		// Paused means no more attempts, not a retry every minute.
		const attempts = () =>
			h.emu.requests({ method: 'POST' }).filter((request) => request.path.endsWith(`/channels/${h.emu.world.openDm(closed).id}/messages`)).length;
		const before = attempts();
		// Ingested after the first DMs: the only news for the 16th.
		await h.addPapers([makePaper('2603.50003', 'Echidna retrieval', '2026-03-15', 2)]);
		await h.at('2026-03-16T09:00:00Z');
		expect(attempts()).toBe(before);
	});

	it('shows what a user follows and their last DM', async () => {
		const status = await paper('following', reader);
		expect(status.flags).toBe(EPHEMERAL);
		expect(status.content).toContain('every new paper');
		expect(status.content).toMatch(/Last DM: 2026-03-16: sent \d+ papers?/);
	});

	it('ends the follow from the DM’s Unfollow button, by inline topic, by hashed topic and for everything', async () => {
		const byAll = await h.emu.clickButton({ message: dms(reader)[0] as ApiMessage, customId: 'follow:unfollow:*', userId: reader }).reply();
		expect(byAll).toMatchObject({ content: DigestReplies.unfollowedAll, flags: EPHEMERAL });
		expect(await h.bot.store.follows.get(reader)).toBeUndefined();

		const byTopic = await h.emu.clickButton({ message: dms(quokkaFan)[0] as ApiMessage, customId: 'follow:unfollow:quokka', userId: quokkaFan }).reply();
		expect(byTopic.content).toBe(DigestReplies.unfollowedAll);

		const hashed = unfollowButton(dms(longFan)[0]) as string;
		const byHash = await h.emu.clickButton({ message: dms(longFan)[0] as ApiMessage, customId: hashed, userId: longFan }).reply();
		expect(byHash.content).toBe(DigestReplies.unfollowedAll);
		expect(await h.bot.store.follows.values()).toHaveLength(1);

		const again = await h.emu.clickButton({ message: dms(reader)[0] as ApiMessage, customId: 'follow:unfollow:*', userId: reader }).reply();
		expect(again.content).toBe(DigestMessages.notFollowing);
	});

	it('removes one topic with /paper unfollow and keeps the rest', async () => {
		await paper('follow', quokkaFan, { topic: 'quokka, wombat' });
		const reply = await paper('unfollow', quokkaFan, { topic: 'Quokka' });
		expect(reply.content).toBe('Stopped following “quokka”. Still following topics “wombat”.');
		expect((await h.bot.store.follows.get(quokkaFan))?.topics).toEqual(['wombat']);
		expect((await paper('unfollow', quokkaFan, { topic: 'capybara' })).content).toBe(DigestMessages.notFollowingTopic('capybara'));
	});

	it('resumes a paused follow when the user follows again after opening DMs', async () => {
		h.emu.closeDms(closed, false);
		const reply = await paper('follow', closed);
		expect(reply.content).toContain('active again');
		await h.addPapers([makePaper('2603.50002', 'Numbat graph search', '2026-03-16', 1)]);
		await h.at('2026-03-17T09:00:00Z');
		expect(dms(closed)).toHaveLength(1);
		expect(digestPaperIds(dms(closed)[0])).toContain('2603.50002');
		// The reader unfollowed after the DMs of the 15th and 16th: nothing since.
		expect(dms(reader)).toHaveLength(2);
	});
});
