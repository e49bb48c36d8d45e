import { describe, expect, it } from 'vitest';
import {
	getSubscription,
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
