import { REST } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { MessagePayload } from '../src/cards/types.js';
import { DeliveryError } from '../src/digests/errors.js';
import { createDigestSender, toDeliveryError } from '../src/discord/digest-sender.js';
import type { DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { useStartedEmulator } from './support/emulator-client.js';

/** The DigestSender over real @discordjs/rest against the emulator: what Discord answers, as the digest domain sees it. */

let emu: DiscordEmulator;
let apiUrl: string;
let token: string;

useStartedEmulator((started) => {
	({ emu, apiUrl, token } = started);
});

const payload: MessagePayload = { embeds: [{ title: 'Daily papers', description: '**1.** A paper' }], allowed_mentions: { parse: [] } };

function sender(options: ConstructorParameters<typeof REST>[0] = {}) {
	return createDigestSender(new REST({ api: apiUrl, retries: 0, ...options }).setToken(token), { botUserId: emu.world.bot.id, canReadHistory: () => true });
}

async function failure(work: Promise<unknown>): Promise<DeliveryError> {
	const error = await work.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(DeliveryError);
	return error as DeliveryError;
}

describe('createDigestSender', () => {
	it('posts with the nonce enforced, so a repeat returns the first message instead of a second', async () => {
		const channel = emu.addChannel({ name: 'nonce' });
		const first = await sender().sendToChannel(channel.id, payload, 'pb-nonce-1');
		const again = await sender().sendToChannel(channel.id, payload, 'pb-nonce-1');
		expect(again.messageId).toBe(first.messageId);
		expect(emu.messages(channel.id)).toHaveLength(1);
		const [request] = emu.requests({ method: 'POST', route: '/channels/{channel_id}/messages' });
		expect(request?.body).toMatchObject({ nonce: 'pb-nonce-1', enforce_nonce: true, allowed_mentions: { parse: [] } });
	});

	it('opens a DM channel, the same one each time', async () => {
		const user = emu.addUser({ username: 'dm-user' });
		const one = await sender().openDm(user.id);
		expect((await sender().openDm(user.id)).channelId).toBe(one.channelId);
		await sender().sendToChannel(one.channelId, payload, 'pb-dm');
		expect(emu.messages(one.channelId)).toHaveLength(1);
	});

	it.each([
		['SendMessages', 403, 50013],
		['ViewChannel', 403, 50001],
	] as const)('maps a channel denying %s to %i / %i', async (permission, status, code) => {
		const channel = emu.addChannel({ name: `deny-${permission}` });
		emu.setBotPermissions(channel.id, { deny: [permission] });
		expect(await failure(sender().sendToChannel(channel.id, payload, 'pb-x'))).toMatchObject({ status, code });
	});

	it('maps an unknown channel to 404 / 10003 and closed DMs to 403 / 50007', async () => {
		expect(await failure(sender().sendToChannel('123456789012345678', payload, 'pb-x'))).toMatchObject({ status: 404, code: 10003 });
		const user = emu.addUser({ username: 'closed-dms' });
		emu.closeDms(user.id);
		const { channelId } = await sender().openDm(user.id);
		expect(await failure(sender().sendToChannel(channelId, payload, 'pb-x'))).toMatchObject({ status: 403, code: 50007 });
	});

	it('maps a 5xx, a rejected rate limit and no answer at all to retryable statuses', async () => {
		const channel = emu.addChannel({ name: 'flaky' });
		emu.faults.serverError({ status: 503, match: 'POST /channels/{channel_id}/messages' });
		expect(await failure(sender().sendToChannel(channel.id, payload, 'pb-5xx'))).toMatchObject({ status: 503, code: undefined });

		emu.faults.rateLimit({ retryAfter: 2, match: 'POST /channels/{channel_id}/messages' });
		const limited = await failure(sender({ rejectOnRateLimit: () => true }).sendToChannel(channel.id, payload, 'pb-429'));
		expect(limited.status).toBe(429);
		expect(limited.retryAfterMs).toBeGreaterThan(0);

		const offline = createDigestSender(new REST({ api: 'http://127.0.0.1:9/api', retries: 0 }).setToken(token), {
			botUserId: emu.world.bot.id,
			canReadHistory: () => true,
		});
		expect(await failure(offline.openDm('123'))).toMatchObject({ status: 0 });
		expect(emu.messages(channel.id)).toHaveLength(0);
	});
});

describe('DigestSender.findDelivery', () => {
	const digest = (reference: string): MessagePayload => ({
		embeds: [{ title: 'Daily papers', description: '**1.** A paper', footer: { text: `Top 1 · ref ${reference}` } }],
		allowed_mentions: { parse: [] },
	});
	const since = () => new Date(Date.now() - 60_000);

	it('finds the bot’s own digest by the key in its footer, and nothing for another key', async () => {
		const channel = emu.addChannel({ name: 'read-back' });
		const { messageId } = await sender().sendToChannel(channel.id, digest('pbkey1'), 'pbkey1');
		await sender().sendToChannel(channel.id, digest('pbkey2'), 'pbkey2');
		expect(await sender().findDelivery({ channelId: channel.id, direct: false, reference: 'pbkey1', since: since() })).toEqual({ kind: 'posted', messageId });
		expect(await sender().findDelivery({ channelId: channel.id, direct: false, reference: 'pbkey9', since: since() })).toEqual({ kind: 'absent' });
		const [request] = emu.requests({ method: 'GET', route: '/channels/{channel_id}/messages' });
		expect(request?.status).toBe(200);
	});

	it('does not count a digest posted before the attempt', async () => {
		const channel = emu.addChannel({ name: 'read-back-old' });
		await sender().sendToChannel(channel.id, digest('pbold'), 'pbold');
		expect(await sender().findDelivery({ channelId: channel.id, direct: false, reference: 'pbold', since: new Date(Date.now() + 60_000) })).toEqual({
			kind: 'absent',
		});
	});

	it('pages past a busy channel to find the digest', async () => {
		const channel = emu.addChannel({ name: 'read-back-busy' });
		for (let index = 0; index < 150; index++) await sender().sendToChannel(channel.id, payload, `pbnoise${index}`);
		const { messageId } = await sender().sendToChannel(channel.id, digest('pbbusy'), 'pbbusy');
		expect(await sender().findDelivery({ channelId: channel.id, direct: false, reference: 'pbbusy', since: since() })).toEqual({ kind: 'posted', messageId });
		expect(emu.requests({ method: 'GET', route: '/channels/{channel_id}/messages' }).length).toBeGreaterThanOrEqual(2);
	});

	it('answers unverifiable, without asking Discord, where the bot lacks Read Message History or the channel is unknown to it', async () => {
		const channel = emu.addChannel({ name: 'no-history' });
		const before = emu.requests({ method: 'GET' }).length;
		const blind = createDigestSender(new REST({ api: apiUrl, retries: 0 }).setToken(token), { botUserId: emu.world.bot.id, canReadHistory: () => false });
		expect(await blind.findDelivery({ channelId: channel.id, direct: false, reference: 'pbx', since: since() })).toMatchObject({
			kind: 'unverifiable',
			reason: expect.stringMatching(/Read Message History/),
		});
		const uncached = createDigestSender(new REST({ api: apiUrl, retries: 0 }).setToken(token), {
			botUserId: emu.world.bot.id,
			canReadHistory: () => undefined,
		});
		expect(await uncached.findDelivery({ channelId: channel.id, direct: false, reference: 'pbx', since: since() })).toMatchObject({ kind: 'unverifiable' });
		expect(emu.requests({ method: 'GET' }).length).toBe(before);
	});

	it('reads a DM channel back without a permission check', async () => {
		const user = emu.addUser({ username: 'dm-read-back' });
		const { channelId } = await sender().openDm(user.id);
		const { messageId } = await sender().sendToChannel(channelId, digest('pbdm'), 'pbdm');
		const blind = createDigestSender(new REST({ api: apiUrl, retries: 0 }).setToken(token), { botUserId: emu.world.bot.id, canReadHistory: () => false });
		expect(await blind.findDelivery({ channelId, direct: true, reference: 'pbdm', since: since() })).toEqual({ kind: 'posted', messageId });
	});

	it('maps a channel the bot cannot see to 403 for the domain to classify', async () => {
		const channel = emu.addChannel({ name: 'hidden-read-back' });
		emu.setBotPermissions(channel.id, { deny: ['ViewChannel'] });
		expect(await failure(sender().findDelivery({ channelId: channel.id, direct: false, reference: 'pbx', since: since() }))).toMatchObject({
			status: 403,
			code: 50001,
		});
	});
});

describe('toDeliveryError', () => {
	it('keeps a DeliveryError and turns anything else into a no-answer error', () => {
		const original = new DeliveryError('x', { status: 500 });
		expect(toDeliveryError(original)).toBe(original);
		expect(toDeliveryError(new Error('socket hang up'))).toMatchObject({ status: 0, message: 'no answer from Discord: socket hang up' });
	});
});
