import { describe, expect, it } from 'vitest';
import {
	checkDigestRoomIn,
	getSubscription,
	listChannelSubscriptions,
	listGuildSubscriptions,
	listSubscriptions,
	resumeSubscription,
	subscribeChannel,
	unsubscribeChannel,
} from '../src/digests/subscriptions.js';
import { UserError } from '../src/errors.js';
import type { Store } from '../src/store/store.js';
import { useTempStore } from './support/temp-store.js';

let store: Store;
useTempStore('subs', (opened) => {
	store = opened;
});

const NOW = new Date('2026-03-14T12:00:00.000Z');
const LATER = new Date('2026-03-15T12:00:00.000Z');
const base = { guildId: 'g1', channelId: 'c1', userId: 'admin' };

describe('subscribeChannel', () => {
	it('creates a subscription with the defaults', async () => {
		const { subscription, created } = await subscribeChannel(store, base, NOW);
		expect(created).toBe(true);
		expect(subscription).toEqual({
			guildId: 'g1',
			channelId: 'c1',
			time: '09:00',
			timezone: 'UTC',
			topics: [],
			maxPapers: 10,
			createdBy: 'admin',
			createdAt: NOW.toISOString(),
		});
		expect(await getSubscription(store, 'g1', 'c1')).toEqual(subscription);
	});

	it('applies the change to the stored digest when the copy the caller saw is out of date', async () => {
		await subscribeChannel(store, { ...base, topics: 'llm' }, NOW);
		// The caller's listing said there was none, and another copy is older than the stored one: both are re-read.
		const fromNothing = await subscribeChannel(store, { ...base, maxPapers: 5 }, LATER, { existing: undefined });
		expect(fromNothing.created).toBe(false);
		expect(fromNothing.subscription).toMatchObject({ topics: ['llm'], maxPapers: 5, createdAt: NOW.toISOString() });
		const stale = { ...fromNothing.subscription, topics: ['stale'], maxPapers: 10 };
		const fromStale = await subscribeChannel(store, { ...base, time: '07:00' }, LATER, { existing: stale });
		expect(fromStale.subscription).toMatchObject({ topics: ['llm'], maxPapers: 5, time: '07:00' });
		expect(await getSubscription(store, 'g1', 'c1')).toEqual(fromStale.subscription);
		const fresh = await subscribeChannel(store, { ...base, channelId: 'c2' }, LATER, { existing: undefined });
		expect(fresh.created).toBe(true);
	});

	it('updates on re-subscribe, keeping options left out and clearing a pause', async () => {
		await subscribeChannel(store, { ...base, time: '08:15', timezone: 'europe/london', topics: 'llm, agents', maxPapers: 5 }, NOW);
		const stored = await getSubscription(store, 'g1', 'c1');
		await store.subscriptions.set('g1:c1', { ...stored!, paused: { reason: 'x', at: NOW.toISOString(), code: 50013 } });
		const { subscription, created } = await subscribeChannel(store, { ...base, userId: 'other', topics: 'diffusion' }, LATER);
		expect(created).toBe(false);
		expect(subscription).toMatchObject({
			time: '08:15',
			timezone: 'Europe/London',
			topics: ['diffusion'],
			maxPapers: 5,
			createdBy: 'admin',
			createdAt: NOW.toISOString(),
			updatedAt: LATER.toISOString(),
		});
		expect(subscription.paused).toBeUndefined();
		expect(await listSubscriptions(store)).toHaveLength(1);
	});

	it('rejects every bad input with its own message and stores nothing', async () => {
		await expect(subscribeChannel(store, { ...base, time: '25:00' }, NOW)).rejects.toThrow(/hours go from 00 to 23/);
		await expect(subscribeChannel(store, { ...base, time: '9am' }, NOW)).rejects.toThrow(/24-hour HH:MM/);
		await expect(subscribeChannel(store, { ...base, timezone: 'Mars/Olympus' }, NOW)).rejects.toThrow(/unknown time zone/);
		const many = Array.from({ length: 500 }, (_, index) => `t${index}`).join(',');
		await expect(subscribeChannel(store, { ...base, topics: many }, NOW)).rejects.toThrow(/at most 25/);
		await expect(subscribeChannel(store, { ...base, topics: 'x'.repeat(6000) }, NOW)).rejects.toThrow(/at most 100 characters/);
		await expect(subscribeChannel(store, { ...base, maxPapers: 11 }, NOW)).rejects.toThrow(UserError);
		expect(await listSubscriptions(store)).toEqual([]);
	});
});

describe('unsubscribeChannel', () => {
	it('removes the subscription', async () => {
		await subscribeChannel(store, base, NOW);
		await unsubscribeChannel(store, 'g1', 'c1');
		expect(await getSubscription(store, 'g1', 'c1')).toBeUndefined();
	});

	it('says so when the channel has no subscription', async () => {
		await expect(unsubscribeChannel(store, 'g1', 'c9')).rejects.toThrow(/has no digest subscription/);
	});
});

describe('listGuildSubscriptions', () => {
	it('lists only that server', async () => {
		await subscribeChannel(store, base, NOW);
		await subscribeChannel(store, { ...base, channelId: 'c2' }, NOW);
		await subscribeChannel(store, { ...base, guildId: 'g2', channelId: 'c3' }, NOW);
		expect((await listGuildSubscriptions(store, 'g1')).map((entry) => entry.channelId)).toEqual(['c1', 'c2']);
		expect((await listGuildSubscriptions(store, 'g2')).map((entry) => entry.channelId)).toEqual(['c3']);
	});
});

describe('resumeSubscription', () => {
	it('clears a pause', async () => {
		const { subscription } = await subscribeChannel(store, base, NOW);
		await store.subscriptions.set('g1:c1', { ...subscription, paused: { reason: 'Missing Access', at: NOW.toISOString(), code: 50001 } });
		const resumed = await resumeSubscription(store, 'g1', 'c1', LATER);
		expect(resumed.paused).toBeUndefined();
		expect((await getSubscription(store, 'g1', 'c1'))?.paused).toBeUndefined();
	});

	it('refuses when not paused or not subscribed', async () => {
		await subscribeChannel(store, base, NOW);
		await expect(resumeSubscription(store, 'g1', 'c1', LATER)).rejects.toThrow(/is not paused/);
		await expect(resumeSubscription(store, 'g1', 'c9', LATER)).rejects.toThrow(/has no digest subscription/);
	});
});

describe('subscribeChannel with names, cadence and filters', () => {
	it('keeps a named digest beside the default one, under its own key, and updates each by its name', async () => {
		await subscribeChannel(store, base, NOW);
		const { subscription, created } = await subscribeChannel(store, { ...base, name: 'Weekly ML', topics: 'llm' }, NOW);
		expect(created).toBe(true);
		expect(subscription.name).toBe('weekly-ml');
		expect(await getSubscription(store, 'g1', 'c1', 'weekly-ml')).toEqual(subscription);
		expect((await getSubscription(store, 'g1', 'c1'))?.name).toBeUndefined();
		expect((await subscribeChannel(store, { ...base, name: 'weekly-ml', topics: 'agents' }, LATER)).created).toBe(false);
		expect((await listChannelSubscriptions(store, 'g1', 'c1')).map((entry) => [entry.name, entry.topics])).toEqual([
			[undefined, []],
			['weekly-ml', ['agents']],
		]);
	});

	it('stores weekly with its day (Monday by default, said so), drops the day when it stops being weekly, and refuses day without weekly', async () => {
		const weekly = await subscribeChannel(store, { ...base, frequency: 'weekly' }, NOW);
		expect(weekly).toMatchObject({ subscription: { frequency: 'weekly', weekday: 'mon' }, defaultedWeekday: true });
		const friday = await subscribeChannel(store, { ...base, day: 'fri' }, NOW);
		expect(friday).toMatchObject({ subscription: { frequency: 'weekly', weekday: 'fri' }, defaultedWeekday: false });
		const daily = await subscribeChannel(store, { ...base, frequency: 'daily' }, NOW);
		expect(daily.subscription).not.toHaveProperty('frequency');
		expect(daily.subscription).not.toHaveProperty('weekday');
		await expect(subscribeChannel(store, { ...base, day: 'fri' }, NOW)).rejects.toThrow(/only applies to a weekly digest/);
		await expect(subscribeChannel(store, { ...base, frequency: 'weekdays', day: 'fri' }, NOW)).rejects.toThrow(/only applies to a weekly digest/);
	});

	it('replaces include, exclude and authors when given, and clears them with none', async () => {
		const { subscription } = await subscribeChannel(store, { ...base, include: 'video, 3D', exclude: 'audio', authors: 'Ada Lovelace' }, NOW);
		expect(subscription).toMatchObject({ include: ['video', '3D'], exclude: ['audio'], authors: ['Ada Lovelace'] });
		const cleared = await subscribeChannel(store, { ...base, include: 'none', authors: 'NONE' }, LATER);
		expect(cleared.subscription).not.toHaveProperty('include');
		expect(cleared.subscription).not.toHaveProperty('authors');
		expect(cleared.subscription.exclude).toEqual(['audio']);
	});

	it('marks a forum digest and a threaded one, and refuses a thread in a forum', async () => {
		expect((await subscribeChannel(store, { ...base, channelKind: 'forum' }, NOW)).subscription.channelKind).toBe('forum');
		const text = await subscribeChannel(store, { ...base, channelId: 'c2', channelKind: 'text', thread: true }, NOW);
		expect(text.subscription).toMatchObject({ thread: true });
		expect(text.subscription).not.toHaveProperty('channelKind');
		await expect(subscribeChannel(store, { ...base, channelKind: 'forum', thread: true }, NOW)).rejects.toThrow(/thread: is for text channels/);
	});
});

describe('checkDigestRoomIn', () => {
	it('allows 5 digests a channel and 50 a server, always lets an existing one be updated', async () => {
		const room = async (guildId: string, channelId: string, name: string | undefined) =>
			checkDigestRoomIn(await listGuildSubscriptions(store, guildId), channelId, name);
		for (const name of ['default', 'a', 'b', 'c', 'd']) await subscribeChannel(store, { ...base, name }, NOW);
		await expect(room('g1', 'c1', 'e')).rejects.toThrow(/already has 5 digests/);
		await expect(room('g1', 'c1', 'd')).resolves.toBeUndefined();
		for (let index = 0; index < 45; index += 1) await subscribeChannel(store, { ...base, channelId: `x${index}` }, NOW);
		await expect(room('g1', 'c-new', undefined)).rejects.toThrow(/already has 50 digests/);
		await expect(room('g2', 'c1', undefined)).resolves.toBeUndefined();
	});
});

describe('unsubscribeChannel by name', () => {
	it('removes only that digest, and names the channel’s digests for an unknown name', async () => {
		await subscribeChannel(store, base, NOW);
		await subscribeChannel(store, { ...base, name: 'weekly' }, NOW);
		await expect(unsubscribeChannel(store, 'g1', 'c1', 'nope')).rejects.toThrow(/has no digest named "nope". Its digests: "default", "weekly"/);
		await unsubscribeChannel(store, 'g1', 'c1', 'weekly');
		expect((await listChannelSubscriptions(store, 'g1', 'c1')).map((entry) => entry.name)).toEqual([undefined]);
		await expect(resumeSubscription(store, 'g1', 'c1', LATER, 'weekly')).rejects.toThrow(/has no digest named "weekly"/);
	});
});
