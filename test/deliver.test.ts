import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessagePayload } from '../src/cards/types.js';
import type { DigestPaper } from '../src/digests/compose.js';
import { classifyDeliveryError, deliverDigests, type DeliveryLookup, type DigestSender } from '../src/digests/deliver.js';
import { DeliveryError } from '../src/digests/errors.js';
import { followTopic } from '../src/digests/follows.js';
import { subscribeChannel } from '../src/digests/subscriptions.js';
import { channelTarget, digestNonce, followTarget, type DueDigest } from '../src/digests/targets.js';
import { silentLogger } from '../src/log.js';
import { openStore, type Store } from '../src/store/store.js';

/**
 * A stand-in for Discord behind our DigestSender port: keeps messages, honours enforce_nonce only inside its
 * window (as Discord does: "a few minutes"), reads channels back, fails on demand.
 */
class FakeDiscord implements DigestSender {
	static readonly nonceWindowMs = 5 * 60_000;
	messages: Array<{ id: string; channelId: string; payload: MessagePayload; nonce: string; at: number }> = [];
	dmOpens: string[] = [];
	lookups: string[] = [];
	failures = new Map<string, DeliveryError>();
	dmFailures = new Map<string, DeliveryError>();
	/** Channels whose send is accepted by Discord but never answered: the process "dies" right after. */
	hangAfterSend = new Set<string>();
	/** Channels whose send is posted but answered with this error (a timeout after Discord accepted it). */
	failAfterSend = new Map<string, DeliveryError>();
	/** Channels whose history the bot may not read (no Read Message History). */
	unreadable = new Set<string>();
	inFlight = 0;
	maxInFlight = 0;
	now = 0;

	async sendToChannel(channelId: string, payload: MessagePayload, nonce: string): Promise<{ messageId: string }> {
		this.inFlight += 1;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			await new Promise((resolve) => setImmediate(resolve));
			const failure = this.failures.get(channelId);
			if (failure) throw failure;
			const existing = this.messages.find(
				(message) => message.channelId === channelId && message.nonce === nonce && this.now - message.at < FakeDiscord.nonceWindowMs,
			);
			if (existing) return { messageId: existing.id };
			const id = `m${this.messages.length + 1}`;
			this.messages.push({ id, channelId, payload, nonce, at: this.now });
			if (this.hangAfterSend.has(channelId)) return await new Promise<never>(() => {});
			const late = this.failAfterSend.get(channelId);
			if (late) throw late;
			return { messageId: id };
		} finally {
			this.inFlight -= 1;
		}
	}

	async openDm(userId: string): Promise<{ channelId: string }> {
		this.dmOpens.push(userId);
		const failure = this.dmFailures.get(userId);
		if (failure) throw failure;
		return { channelId: `dm-${userId}` };
	}

	async findDelivery({ channelId, reference, since }: { channelId: string; reference: string; since: Date }): Promise<DeliveryLookup> {
		this.lookups.push(channelId);
		if (this.unreadable.has(channelId)) return { kind: 'unverifiable', reason: 'no Read Message History' };
		const found = this.messages.find(
			(message) => message.channelId === channelId && message.at >= since.getTime() && JSON.stringify(message.payload).includes(`ref ${reference}`),
		);
		return found ? { kind: 'posted', messageId: found.id } : { kind: 'absent' };
	}

	in(channelId: string) {
		return this.messages.filter((message) => message.channelId === channelId);
	}
}

let dir: string;
let store: Store;
const extraStores: Store[] = [];
const file = () => join(dir, 'paperboy.sqlite');
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-deliver-'));
	store = await openStore(`sqlite://${file()}`, silentLogger);
});
afterEach(async () => {
	await Promise.all([store, ...extraStores.splice(0)].map((entry) => entry.close()));
	rmSync(dir, { recursive: true, force: true });
});

const DAY1 = '2026-03-15';
const DAY2 = '2026-03-16';
const AT1 = new Date('2026-03-15T09:00:00.000Z');
const AT2 = new Date('2026-03-16T09:00:00.000Z');
const CREATED = new Date('2026-03-10T00:00:00.000Z');

function paper(id: string, fields: Partial<DigestPaper> = {}): DigestPaper {
	return {
		id,
		title: `Paper ${id}`,
		abstract: 'About models.',
		authors: [],
		listedOn: '2026-03-14',
		source: 'hf-daily',
		firstSeenAt: '2026-03-14T10:00:00.000Z',
		...fields,
	};
}
const DAY1_PAPERS = [paper('2603.00001', { upvotes: 5 }), paper('2603.00002', { upvotes: 9, title: 'Language models that reason' })];
const DAY2_PAPERS = [...DAY1_PAPERS, paper('2603.00003', { listedOn: '2026-03-15', firstSeenAt: '2026-03-15T12:00:00.000Z' })];

async function subscribe(channelId: string, topics?: string) {
	return (await subscribeChannel(store, { guildId: 'g', channelId, userId: 'admin', ...(topics ? { topics } : {}) }, CREATED)).subscription;
}
async function dueChannels(day: string, ...channelIds: string[]): Promise<DueDigest[]> {
	const subscriptions = await Promise.all(channelIds.map((channelId) => store.subscriptions.get(`g:${channelId}`)));
	return subscriptions.map((subscription) => ({ target: channelTarget(subscription!), day }));
}
const run = (due: DueDigest[], sender: DigestSender, papers: readonly DigestPaper[], now: Date, on: Store = store) => {
	if (sender instanceof FakeDiscord) sender.now = now.getTime();
	return deliverDigests(due, { sender, store: on, papers, now, logger: silentLogger });
};

/** Day 1's digest to c1 is posted, then the process "dies" before recording it; a new store opens the same file. */
async function crashAfterSendAndRestart(discord: FakeDiscord) {
	await subscribe('c1');
	discord.hangAfterSend.add('c1');
	void run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1);
	await expect.poll(() => discord.messages.length).toBe(1);
	discord.hangAfterSend.clear();
	const restarted = await openStore(`sqlite://${file()}`, silentLogger);
	extraStores.push(restarted);
	const subscription = await restarted.subscriptions.get('g:c1');
	if (!subscription) throw new Error('the subscription did not survive the restart');
	return { restarted, subscription };
}

describe('deliverDigests', () => {
	it('posts one digest per channel and records it', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		await subscribe('c2');
		const report = await run(await dueChannels(DAY1, 'c1', 'c2'), discord, DAY1_PAPERS, AT1);
		expect(report.counts.sent).toBe(2);
		expect(discord.in('c1')).toHaveLength(1);
		expect(discord.in('c1')[0]?.nonce).toBe(digestNonce('channel:c1', DAY1));
		const subscription = await store.subscriptions.get('g:c1');
		expect(subscription?.lastDelivery).toMatchObject({ day: DAY1, outcome: 'sent', paperCount: 2, messageId: discord.in('c1')[0]?.id });
		const record = await store.deliveries.get('channel:c1');
		expect(Object.keys(record?.sent ?? {}).sort()).toEqual(['2603.00001', '2603.00002']);
		expect(record?.pending).toBeUndefined();
	});

	it('never posts twice for the same day, even from a stale list of due digests', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		const due = await dueChannels(DAY1, 'c1');
		await run(due, discord, DAY1_PAPERS, AT1);
		const again = await run(due, discord, DAY1_PAPERS, AT1);
		expect(again.counts.skipped).toBe(1);
		expect(discord.messages).toHaveLength(1);
	});

	it('sends only new papers the next day', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1);
		await run(await dueChannels(DAY2, 'c1'), discord, DAY2_PAPERS, AT2);
		expect(discord.in('c1')).toHaveLength(2);
		const [, second] = discord.in('c1');
		expect(JSON.stringify(second?.payload)).toContain('2603.00003');
		expect(JSON.stringify(second?.payload)).not.toContain('2603.00001');
	});

	it('records an empty day without posting, so it is not retried', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1', 'quantum gravity');
		const report = await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1);
		expect(report.counts.empty).toBe(1);
		expect(discord.messages).toEqual([]);
		expect((await store.subscriptions.get('g:c1'))?.lastDelivery).toMatchObject({ day: DAY1, outcome: 'empty', paperCount: 0 });
	});

	it('filters by topic', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1', 'language model');
		await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1);
		const text = JSON.stringify(discord.in('c1')[0]?.payload);
		expect(text).toContain('2603.00002');
		expect(text).not.toContain('2603.00001');
	});

	it('heals a crash between send and record by reading the channel back: found, recorded, nothing re-sent', async () => {
		const discord = new FakeDiscord();
		// "Restart": a new process opens the same database; a paper arrived meanwhile.
		const { restarted, subscription } = await crashAfterSendAndRestart(discord);
		const late = paper('2603.00009', { upvotes: 100, firstSeenAt: '2026-03-15T08:59:00.000Z' });
		const report = await run([{ target: channelTarget(subscription), day: DAY1 }], discord, [...DAY1_PAPERS, late], AT1, restarted);
		expect(report.counts.confirmed).toBe(1);
		expect(discord.lookups).toEqual(['c1']);
		expect(discord.messages).toHaveLength(1);
		const record = await restarted.deliveries.get('channel:c1');
		expect(Object.keys(record?.sent ?? {}).sort()).toEqual(['2603.00001', '2603.00002']);
		expect((await restarted.subscriptions.get('g:c1'))?.lastDelivery?.messageId).toBe('m1');
	});

	it('heals a crash after the record but before the subscription update without resending', async () => {
		const discord = new FakeDiscord();
		const subscription = await subscribe('c1');
		await store.deliveries.set('channel:c1', {
			target: 'channel:c1',
			sent: { '2603.00001': '2026-03-14' },
			lastDay: DAY1,
			lastOutcome: { day: DAY1, at: AT1.toISOString(), outcome: 'sent', paperCount: 1, messageId: 'm0' },
		});
		const report = await run([{ target: channelTarget(subscription), day: DAY1 }], discord, DAY1_PAPERS, AT1);
		expect(report.counts.skipped).toBe(1);
		expect(discord.messages).toEqual([]);
		expect((await store.subscriptions.get('g:c1'))?.lastDelivery?.messageId).toBe('m0');
	});

	it('pauses only the channel Discord refuses (403 Missing Permissions / Missing Access, 404 Unknown Channel)', async () => {
		const discord = new FakeDiscord();
		for (const channel of ['ok', 'perm', 'access', 'gone']) await subscribe(channel);
		discord.failures.set('perm', new DeliveryError('Missing Permissions', { status: 403, code: 50013 }));
		discord.failures.set('access', new DeliveryError('Missing Access', { status: 403, code: 50001 }));
		discord.failures.set('gone', new DeliveryError('Unknown Channel', { status: 404, code: 10003 }));
		const report = await run(await dueChannels(DAY1, 'ok', 'perm', 'access', 'gone'), discord, DAY1_PAPERS, AT1);
		expect(report.counts).toMatchObject({ sent: 1, paused: 3 });
		expect(discord.in('ok')).toHaveLength(1);
		expect((await store.subscriptions.get('g:perm'))?.paused).toMatchObject({ code: 50013, reason: expect.stringMatching(/Missing Permissions/) });
		expect((await store.subscriptions.get('g:access'))?.paused).toMatchObject({ code: 50001, reason: expect.stringMatching(/Missing Access/) });
		expect((await store.subscriptions.get('g:gone'))?.paused).toMatchObject({ code: 10003, reason: expect.stringMatching(/Unknown Channel/) });
		// Nothing is deleted, and the papers were not marked sent.
		expect(await store.subscriptions.values()).toHaveLength(4);
		expect((await store.deliveries.get('channel:perm'))?.sent).toEqual({});
	});

	it('retries 429, 5xx and network failures without marking the day delivered', async () => {
		const discord = new FakeDiscord();
		for (const channel of ['limited', 'broken', 'offline']) await subscribe(channel);
		discord.failures.set('limited', new DeliveryError('rate limited', { status: 429, retryAfterMs: 1000 }));
		discord.failures.set('broken', new DeliveryError('Internal Server Error', { status: 502 }));
		discord.failures.set('offline', new DeliveryError('ECONNRESET', { status: 0 }));
		const first = await run(await dueChannels(DAY1, 'limited', 'broken', 'offline'), discord, DAY1_PAPERS, AT1);
		expect(first.counts.retry).toBe(3);
		const limited = await store.subscriptions.get('g:limited');
		expect(limited?.lastDelivery).toBeUndefined();
		expect(limited?.paused).toBeUndefined();
		expect(limited?.lastFailure).toMatchObject({ day: DAY1, error: expect.stringMatching(/429/) });
		discord.failures.clear();
		const second = await run(await dueChannels(DAY1, 'limited', 'broken', 'offline'), discord, DAY1_PAPERS, AT1);
		expect(second.counts.sent).toBe(3);
		expect(discord.messages).toHaveLength(3);
		expect((await store.subscriptions.get('g:limited'))?.lastFailure).toBeUndefined();
	});

	it('records a payload Discord rejects as failed for the day, leaving its papers for the next digest', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		discord.failures.set('c1', new DeliveryError('Invalid Form Body', { status: 400, code: 50035 }));
		const report = await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1);
		expect(report.counts.failed).toBe(1);
		expect((await store.subscriptions.get('g:c1'))?.lastDelivery?.outcome).toBe('failed');
		expect((await store.deliveries.get('channel:c1'))?.sent).toEqual({});
	});

	it('keeps at most `concurrency` sends in flight', async () => {
		const discord = new FakeDiscord();
		const channels = Array.from({ length: 20 }, (_, index) => `c${index}`);
		for (const channel of channels) await subscribe(channel);
		await deliverDigests(await dueChannels(DAY1, ...channels), { sender: discord, store, papers: DAY1_PAPERS, now: AT1, logger: silentLogger, concurrency: 4 });
		expect(discord.messages).toHaveLength(20);
		expect(discord.maxInFlight).toBeLessThanOrEqual(4);
		expect(discord.maxInFlight).toBeGreaterThan(1);
	});
});

describe('deliverDigests to followers', () => {
	it('opens the DM once and remembers it', async () => {
		const discord = new FakeDiscord();
		await followTopic(store, { userId: 'u1' }, CREATED);
		await run([{ target: followTarget((await store.follows.get('u1'))!), day: DAY1 }], discord, DAY1_PAPERS, AT1);
		await run([{ target: followTarget((await store.follows.get('u1'))!), day: DAY2 }], discord, DAY2_PAPERS, AT2);
		expect(discord.dmOpens).toEqual(['u1']);
		expect(discord.in('dm-u1')).toHaveLength(2);
		expect((await store.follows.get('u1'))?.dmChannelId).toBe('dm-u1');
	});

	it('pauses the follow when the user closed their DMs (50007)', async () => {
		const discord = new FakeDiscord();
		await followTopic(store, { userId: 'u1' }, CREATED);
		await followTopic(store, { userId: 'u2' }, CREATED);
		discord.failures.set('dm-u1', new DeliveryError('Cannot send messages to this user', { status: 403, code: 50007 }));
		const due = await Promise.all(['u1', 'u2'].map(async (userId) => ({ target: followTarget((await store.follows.get(userId))!), day: DAY1 })));
		const report = await run(due, discord, DAY1_PAPERS, AT1);
		expect(report.counts).toMatchObject({ paused: 1, sent: 1 });
		expect((await store.follows.get('u1'))?.paused).toMatchObject({ code: 50007 });
		expect((await store.follows.get('u2'))?.paused).toBeUndefined();
	});

	it('pauses the follow of a user Discord no longer knows (10013) instead of failing every day', async () => {
		const discord = new FakeDiscord();
		await followTopic(store, { userId: 'gone' }, CREATED);
		discord.dmFailures.set('gone', new DeliveryError('Unknown User', { status: 404, code: 10013 }));
		const report = await run([{ target: followTarget((await store.follows.get('gone'))!), day: DAY1 }], discord, DAY1_PAPERS, AT1);
		expect(report.counts.paused).toBe(1);
		expect((await store.follows.get('gone'))?.paused).toMatchObject({ code: 10013, reason: expect.stringMatching(/Unknown User/) });
	});

	it('pauses the follow when opening the DM is refused', async () => {
		const discord = new FakeDiscord();
		await followTopic(store, { userId: 'u1' }, CREATED);
		discord.dmFailures.set('u1', new DeliveryError('Cannot send messages to this user', { status: 403, code: 50007 }));
		await run([{ target: followTarget((await store.follows.get('u1'))!), day: DAY1 }], discord, DAY1_PAPERS, AT1);
		expect((await store.follows.get('u1'))?.paused?.code).toBe(50007);
	});

	it('forgets a DM channel Discord no longer knows and reopens it next time', async () => {
		const discord = new FakeDiscord();
		const { follow } = await followTopic(store, { userId: 'u1' }, CREATED);
		await store.follows.set('u1', { ...follow, dmChannelId: 'stale' });
		discord.failures.set('stale', new DeliveryError('Unknown Channel', { status: 404, code: 10003 }));
		const first = await run([{ target: followTarget((await store.follows.get('u1'))!), day: DAY1 }], discord, DAY1_PAPERS, AT1);
		expect(first.counts.retry).toBe(1);
		expect((await store.follows.get('u1'))?.dmChannelId).toBeUndefined();
		await run([{ target: followTarget((await store.follows.get('u1'))!), day: DAY1 }], discord, DAY1_PAPERS, AT1);
		expect(discord.in('dm-u1')).toHaveLength(1);
	});
});

describe('classifyDeliveryError', () => {
	it('retries anything not known to be permanent', () => {
		expect(classifyDeliveryError(new Error('socket hang up'), 'channel')).toEqual({ kind: 'retry' });
		expect(classifyDeliveryError(new DeliveryError('x', { status: 503 }), 'follow')).toEqual({ kind: 'retry' });
		expect(classifyDeliveryError(new DeliveryError('x', { status: 403, code: 50013 }), 'channel').kind).toBe('pause');
	});
});

const MINUTES_15 = 15 * 60_000;
const later = (at: Date, ms: number) => new Date(at.getTime() + ms);

describe('deliverDigests after an attempt of unknown outcome', () => {
	it('restarted 15 minutes later, past the nonce window: reads back, finds the digest, posts nothing', async () => {
		const discord = new FakeDiscord();
		const { restarted, subscription } = await crashAfterSendAndRestart(discord);
		const report = await run([{ target: channelTarget(subscription), day: DAY1 }], discord, DAY1_PAPERS, later(AT1, MINUTES_15), restarted);
		expect(report.counts.confirmed).toBe(1);
		expect(discord.in('c1')).toHaveLength(1);
		expect((await restarted.subscriptions.get('g:c1'))?.lastDelivery).toMatchObject({ outcome: 'sent', messageId: 'm1' });
	});

	it('a crash before Discord saw the send: the read-back finds nothing and the same papers are sent once', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		// The pending promise was written, then the process died before the request left.
		await store.deliveries.set('channel:c1', {
			target: 'channel:c1',
			sent: {},
			pending: { day: DAY1, nonce: digestNonce('channel:c1', DAY1), paperIds: ['2603.00001'], at: AT1.toISOString() },
		});
		const report = await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, later(AT1, MINUTES_15));
		expect(report.counts.sent).toBe(1);
		expect(discord.in('c1')).toHaveLength(1);
		expect(JSON.stringify(discord.in('c1')[0]?.payload)).toContain('2603.00001');
		expect(JSON.stringify(discord.in('c1')[0]?.payload)).not.toContain('2603.00002');
	});

	it('a digest that never reached Discord, found the next day: its papers come in the next digest, none marked sent unseen', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		await store.deliveries.set('channel:c1', {
			target: 'channel:c1',
			sent: {},
			pending: { day: DAY1, nonce: digestNonce('channel:c1', DAY1), paperIds: ['2603.00001', '2603.00002'], at: AT1.toISOString() },
		});
		const report = await run(await dueChannels(DAY2, 'c1'), discord, DAY2_PAPERS, AT2);
		expect(report.counts.sent).toBe(1);
		const text = JSON.stringify(discord.in('c1')[0]?.payload);
		for (const id of ['2603.00001', '2603.00002', '2603.00003']) expect(text).toContain(id);
	});

	it('a request that timed out after Discord posted it: the next pass finds it instead of posting again', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		discord.failAfterSend.set('c1', new DeliveryError('request timed out', { status: 0 }));
		const first = await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1);
		expect(first.counts.retry).toBe(1);
		expect((await store.deliveries.get('channel:c1'))?.pending?.failedAt).toBeUndefined();
		discord.failAfterSend.clear();
		const second = await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, later(AT1, MINUTES_15));
		expect(second.counts.confirmed).toBe(1);
		expect(discord.in('c1')).toHaveLength(1);
		expect(Object.keys((await store.deliveries.get('channel:c1'))?.sent ?? {}).sort()).toEqual(['2603.00001', '2603.00002']);
	});

	it('a store failure right after a successful send: the next pass records it from the channel, never re-posts', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		let failNextRecord = true;
		const deliveries = store.deliveries;
		const flaky: Store = {
			...store,
			deliveries: {
				...deliveries,
				update: (key, change) => {
					// The first write after the send (the record) fails, as a full disk would.
					if (failNextRecord && discord.messages.length > 0) {
						failNextRecord = false;
						return Promise.reject(Object.assign(new Error('SQLITE_FULL: database or disk is full'), { name: 'StoreError' }));
					}
					return deliveries.update(key, change);
				},
			},
		};
		const first = await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1, flaky);
		expect(first.counts.error).toBe(1);
		for (const minutes of [1, 10, 30]) await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, later(AT1, minutes * 60_000));
		expect(discord.in('c1')).toHaveLength(1);
		expect((await store.subscriptions.get('g:c1'))?.lastDelivery).toMatchObject({ outcome: 'sent', messageId: 'm1' });
	});

	it('a 429 is a known "not posted": retried without a read-back', async () => {
		const discord = new FakeDiscord();
		await subscribe('c1');
		discord.failures.set('c1', new DeliveryError('rate limited', { status: 429 }));
		await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, AT1);
		expect((await store.deliveries.get('channel:c1'))?.pending?.failedAt).toBe(AT1.toISOString());
		discord.failures.clear();
		const report = await run(await dueChannels(DAY1, 'c1'), discord, DAY1_PAPERS, later(AT1, 60_000));
		expect(report.counts.sent).toBe(1);
		expect(discord.lookups).toEqual([]);
	});

	it('without Read Message History, inside the nonce window: re-sent with the same nonce, one message', async () => {
		const discord = new FakeDiscord();
		discord.unreadable.add('c1');
		const { restarted, subscription } = await crashAfterSendAndRestart(discord);
		const report = await run([{ target: channelTarget(subscription), day: DAY1 }], discord, DAY1_PAPERS, later(AT1, 20_000), restarted);
		expect(report.counts.sent).toBe(1);
		expect(discord.in('c1')).toHaveLength(1);
	});

	it('without Read Message History, past the window: not re-sent, counted as sent and reported as unconfirmed', async () => {
		const discord = new FakeDiscord();
		discord.unreadable.add('c1');
		const { restarted, subscription } = await crashAfterSendAndRestart(discord);
		const report = await run([{ target: channelTarget(subscription), day: DAY1 }], discord, DAY1_PAPERS, later(AT1, MINUTES_15), restarted);
		expect(report.counts.unconfirmed).toBe(1);
		expect(discord.in('c1')).toHaveLength(1);
		const updated = await restarted.subscriptions.get('g:c1');
		expect(updated?.lastDelivery?.outcome).toBe('unconfirmed');
		expect(updated?.unconfirmed).toMatchObject({ day: DAY1, reason: 'no Read Message History' });
		const next = await run([{ target: channelTarget(updated!), day: DAY2 }], discord, DAY2_PAPERS, AT2, restarted);
		expect(next.counts.sent).toBe(1);
		expect(JSON.stringify(discord.in('c1')[1]?.payload)).not.toContain('2603.00001');
	});
});

describe('deliverDigests after a crash that outlived the day', () => {
	it('does not resend the papers of a digest that may have been posted', async () => {
		const discord = new FakeDiscord();
		const { restarted, subscription } = await crashAfterSendAndRestart(discord);
		await run([{ target: channelTarget(subscription), day: DAY2 }], discord, DAY2_PAPERS, AT2, restarted);
		const second = JSON.stringify(discord.in('c1')[1]?.payload);
		expect(second).toContain('2603.00003');
		expect(second).not.toContain('2603.00001');
	});
});
