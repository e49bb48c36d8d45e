import { PermissionFlagsBits, type GuildChannel } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { rankPapers } from '../src/digests/compose.js';
import { DigestMessages } from '../src/digests/messages.js';
import { digestPaperIds, interceptSends, makePaper, startDigestHarness, waitFor, type DigestHarness } from './support/digest-harness.js';

/**
 * Channel digests end to end: the real discord.js client and scheduler against the emulator, on a real
 * sqlite file, with the clock moved by the test. The seed corpus is listed on 2026-03-14.
 */

let harness: DigestHarness | undefined;

afterEach(async () => {
	await harness?.stop();
	harness = undefined;
});

async function subscribe(h: DigestHarness, options: Record<string, string | number> = {}) {
	return h.command({ name: 'digest', subcommand: 'subscribe', userId: h.emu.ids.adminId, options });
}

function seedTop(h: DigestHarness, count: number): string[] {
	const seeds = h.bot.context.index.all().filter((paper) => paper.listedOn === '2026-03-14');
	return rankPapers(seeds)
		.slice(0, count)
		.map((paper) => paper.id);
}

describe('channel digests while an admin changes them', () => {
	it('keeps the topics an admin set during the fan-out, and records the delivery on top of them', async () => {
		let h: DigestHarness;
		let changed = false;
		// Mid-send, the admin changes the subscription: the delivery's own record update must land on the new version.
		const subscribeMidSend = interceptSends(async (post) => {
			const result = await post();
			if (!changed) {
				changed = true;
				await subscribe(h, { topics: 'diffusion', time: '10:30' });
			}
			return result;
		});
		h = harness = await startDigestHarness('2026-03-15T08:00:00Z', { wrapDigestSender: subscribeMidSend });
		await subscribe(h);
		await h.at('2026-03-15T09:00:00Z');
		expect(changed).toBe(true);
		const stored = await h.bot.store.subscriptions.get(`${h.emu.ids.guildId}:${h.emu.ids.channelId}`);
		expect(stored).toMatchObject({ topics: ['diffusion'], time: '10:30', lastDelivery: { day: '2026-03-15', outcome: 'sent' } });
		// Delivered for the day at the old time: the new 10:30 slot does not post a second digest today.
		await h.at('2026-03-15T10:31:00Z');
		expect(h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id)).toHaveLength(1);
	});
});

describe('channel digests without Read Message History', () => {
	it('warns at subscribe, does not re-send an unconfirmable digest past the nonce window, and says so in /digest list', async () => {
		let hang = true;
		// The digest reaches Discord, then the process dies before it can record it.
		const dieAfterSend = interceptSends(async (post) => {
			const result = await post();
			return hang ? new Promise(() => {}) : result;
		});
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z', { wrapDigestSender: dieAfterSend }));
		const channel = h.emu.addChannel({ name: 'no-history' });
		h.emu.setBotPermissions(channel.id, { deny: ['ReadMessageHistory'] });
		const reply = await subscribe(h, { channel: channel.id });
		expect(reply.content).toContain('Read Message History');

		h.setTime('2026-03-15T09:00:00Z');
		void h.bot.onTimeChanged(h.now());
		await waitFor(() => h.emu.messages(channel.id).length === 1);
		await h.kill();
		hang = false;
		h.setTime('2026-03-15T09:20:00Z');
		await h.launch();
		await h.at('2026-03-15T09:21:00Z');
		expect(h.emu.messages(channel.id)).toHaveLength(1);
		const list = await h.command({ name: 'digest', subcommand: 'list', userId: h.emu.ids.adminId });
		const text = JSON.stringify(list.embeds);
		expect(text).toContain('could not be confirmed');
		expect(text).toContain('lacks Read Message History');
		expect(h.emu.rejectedRequests()).toEqual([]);
	});
});

describe('channel digests', () => {
	it('posts exactly one digest per channel at 09:00, then only new papers the next day, and nothing on an empty day', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const other = h.emu.addChannel({ name: 'ml' });
		await subscribe(h);
		await subscribe(h, { channel: other.id, max_papers: 3 });

		await h.at('2026-03-15T08:59:00Z');
		expect(h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id)).toHaveLength(0);

		await h.at('2026-03-15T09:00:00Z');
		await h.at('2026-03-15T09:01:00Z');
		await h.at('2026-03-15T15:00:00Z');
		const posted = h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id);
		expect(posted).toHaveLength(1);
		expect(digestPaperIds(posted[0])).toEqual(seedTop(h, 10));
		expect(posted[0]?.embeds[0]?.title).toBe(DigestMessages.channelDigestTitle);
		const inOther = h.emu.messages(other.id);
		expect(inOther).toHaveLength(1);
		expect(digestPaperIds(inOther[0])).toEqual(seedTop(h, 3));

		await h.addPapers([makePaper('2603.90001', 'Quokka world models', '2026-03-15', 5), makePaper('2603.90002', 'Wombat planners', '2026-03-15', 9)]);
		await h.at('2026-03-16T09:00:00Z');
		const dayTwo = h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id);
		expect(dayTwo).toHaveLength(2);
		// Only what is new since the first digest, most upvoted first: seeds that day one cut to max_papers are not "new".
		expect(digestPaperIds(dayTwo[1])).toEqual(['2603.90002', '2603.90001']);
		expect(JSON.stringify(dayTwo[1]?.embeds)).toContain('2 new papers');
		const otherDayTwo = h.emu.messages(other.id);
		expect(otherDayTwo).toHaveLength(2);
		expect(digestPaperIds(otherDayTwo[1])).toEqual(['2603.90002', '2603.90001']);

		h.setTime('2026-03-16T12:00:00Z');
		await h.addPapers([makePaper('2603.90003', 'Numbat diffusion', '2026-03-16', 1)]);
		await h.at('2026-03-17T09:00:00Z');
		const dayThree = h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id);
		expect(dayThree).toHaveLength(3);
		expect(digestPaperIds(dayThree[2])).toEqual(['2603.90003']);

		await h.at('2026-03-20T09:00:00Z');
		expect(h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id)).toHaveLength(3);
		expect(h.emu.rejectedRequests()).toEqual([]);
	});

	it('keeps exactly one message per channel when the process dies mid-fan-out and restarts', async () => {
		let sends = 0;
		let crashed = false;
		const crashAfterTwo = interceptSends(async (post) => {
			if (crashed) return new Promise(() => {});
			const result = await post();
			sends += 1;
			// The third message reached Discord, then the process died before recording it.
			if (sends === 3) crashed = true;
			return crashed ? new Promise(() => {}) : result;
		});
		// One digest at a time, so the crash leaves channels never attempted as well as one sent but unrecorded.
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z', { wrapDigestSender: crashAfterTwo, digestConcurrency: 1 }));
		const channels = [h.emu.ids.channelId, ...['a', 'b', 'c', 'd', 'e'].map((name) => h.emu.addChannel({ name }).id)];
		for (const channel of channels) await subscribe(h, { channel });

		h.setTime('2026-03-15T09:00:00Z');
		void h.bot.onTimeChanged(h.now());
		await waitFor(() => crashed);
		await h.kill();
		const beforeRestart = channels.map((channel) => h.emu.messages(channel).filter((message) => !message.webhook_id).length);
		expect(beforeRestart.reduce((sum, count) => sum + count, 0)).toBe(3);

		h.setTime('2026-03-15T09:02:00Z');
		const bot = await h.launch();
		await bot.onTimeChanged(h.now());
		for (const channel of channels) {
			const posted = h.emu.messages(channel).filter((message) => !message.webhook_id);
			expect(posted, `channel ${channel}`).toHaveLength(1);
			expect(digestPaperIds(posted[0])).toEqual(seedTop(h, 10));
		}
		await h.at('2026-03-15T10:00:00Z');
		expect(channels.map((channel) => h.emu.messages(channel).filter((message) => !message.webhook_id).length)).toEqual(channels.map(() => 1));
	});

	it('catches up a slot missed while down at start-up, but not one whose local day has ended', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const late = h.emu.addChannel({ name: 'late' });
		await subscribe(h);
		await subscribe(h, { channel: late.id, timezone: 'Asia/Tokyo', time: '08:00' });
		await h.bot.stop();

		// Down from 08:00 to 11:00 UTC: #papers' 09:00 UTC slot was missed and its day goes on. Tokyo's
		// 08:00 slot on the 15th (23:00 UTC the 14th) came before the subscription; its 16th has not reached 08:00.
		h.setTime('2026-03-15T11:00:00Z');
		await h.launch();
		await waitFor(() => h.emu.messages(h.emu.ids.channelId).some((message) => !message.webhook_id));
		expect(h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id)).toHaveLength(1);
		expect(h.emu.messages(late.id)).toHaveLength(0);
		await h.bot.stop();

		// Down for all of Tokyo's 16th (its slot was 23:00 UTC the 15th): that day has ended, so it is skipped.
		h.setTime('2026-03-16T16:00:00Z');
		await h.launch();
		await h.addPapers([makePaper('2603.60001', 'Fresh for Tokyo', '2026-03-16', 2)]);
		await h.at('2026-03-16T16:01:00Z');
		expect(h.emu.messages(late.id)).toHaveLength(0);
		await h.at('2026-03-16T23:00:00Z');
		expect(h.emu.messages(late.id)).toHaveLength(1);
	});

	it('fires at 09:00 local on both sides of a daylight-saving switch', async () => {
		const h = (harness = await startDigestHarness('2026-03-06T12:00:00Z'));
		await subscribe(h, { timezone: 'America/New_York' });
		await h.addPapers([makePaper('2603.80001', 'Before the switch', '2026-03-06', 1)]);
		const posted = () => h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id);

		await h.at('2026-03-07T13:59:00Z');
		expect(posted()).toHaveLength(0);
		await h.at('2026-03-07T14:00:00Z'); // 09:00 EST
		expect(posted()).toHaveLength(1);

		h.setTime('2026-03-07T15:00:00Z');
		await h.addPapers([makePaper('2603.80002', 'After the switch', '2026-03-07', 1)]);
		await h.at('2026-03-08T12:59:00Z'); // 08:59 EDT
		expect(posted()).toHaveLength(1);
		await h.at('2026-03-08T13:00:00Z'); // 09:00 EDT
		expect(posted()).toHaveLength(2);
		expect(digestPaperIds(posted()[1])).toEqual(['2603.80002']);
	});

	it('sends a topic-filtered channel only the papers matching its topics', async () => {
		const h = (harness = await startDigestHarness('2026-03-20T08:00:00Z'));
		const quokka = h.emu.addChannel({ name: 'quokka' });
		await subscribe(h, { channel: quokka.id, topics: 'quokka, capybara' });
		await subscribe(h);
		await h.addPapers([
			makePaper('2603.70001', 'Quokka reinforcement learning', '2026-03-20', 3),
			makePaper('2603.70002', 'Wombat graph networks', '2026-03-20', 8),
			makePaper('2603.70003', 'Capybara language models', '2026-03-19', 1),
		]);
		await h.at('2026-03-20T09:00:00Z');
		expect(digestPaperIds(h.emu.messages(quokka.id)[0])).toEqual(['2603.70001', '2603.70003']);
		expect(JSON.stringify(h.emu.messages(quokka.id)[0]?.embeds[0])).toContain('Topics: quokka, capybara');
		const everything = h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id);
		expect(digestPaperIds(everything[0])).toEqual(['2603.70002', '2603.70001', '2603.70003']);
	});

	it('pauses only the channel Discord refuses (50013, 10003), says why in /digest list, and resumes after a fix', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const denied = h.emu.addChannel({ name: 'denied' });
		const deleted = h.emu.addChannel({ name: 'deleted' });
		for (const channel of [h.emu.ids.channelId, denied.id, deleted.id]) await subscribe(h, { channel });
		h.emu.setBotPermissions(denied.id, { deny: ['SendMessages'] });
		h.emu.world.channels.delete(deleted.id);

		await h.at('2026-03-15T09:00:00Z');
		expect(h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id)).toHaveLength(1);
		expect(h.emu.messages(denied.id)).toHaveLength(0);
		const subscriptions = await h.bot.store.subscriptions.values();
		const byChannel = new Map(subscriptions.map((subscription) => [subscription.channelId, subscription]));
		expect(byChannel.get(denied.id)?.paused).toMatchObject({ code: 50013, reason: DigestMessages.pauseMissingPermissions });
		expect(byChannel.get(deleted.id)?.paused).toMatchObject({ code: 10003, reason: DigestMessages.pauseUnknownChannel });
		expect(byChannel.get(h.emu.ids.channelId)?.paused).toBeUndefined();
		expect(h.logLines.some((line) => line.includes('digest target paused'))).toBe(true);

		const list = await h.command({ name: 'digest', subcommand: 'list', userId: h.emu.ids.adminId });
		expect(list.flags & 64).toBe(64);
		expect(list.embeds[0]?.description).toContain('Missing Permissions');
		expect(list.embeds[0]?.description).toContain('Unknown Channel');

		// Resuming before the fix is refused with what is still missing.
		const early = await h.command({ name: 'digest', subcommand: 'resume', userId: h.emu.ids.adminId, options: { channel: denied.id } });
		expect(early.content).toContain('Send Messages');
		h.emu.setBotPermissions(denied.id, {});
		await waitFor(() =>
			Boolean(
				(h.bot.client.channels.cache.get(denied.id) as GuildChannel | undefined)?.permissionsFor(h.bot.client.user)?.has(PermissionFlagsBits.SendMessages),
			),
		);
		const resumed = await h.command({ name: 'digest', subcommand: 'resume', userId: h.emu.ids.adminId, options: { channel: denied.id } });
		expect(resumed.content).toContain('Resumed');
		await h.at('2026-03-15T09:05:00Z');
		expect(digestPaperIds(h.emu.messages(denied.id)[0])).toEqual(seedTop(h, 10));
		expect(h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id)).toHaveLength(1);
	});
});
