import { UserError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Subscription } from '../store/records.js';
import { parseDigestTime, parseMaxPapers, parseTimeZone, parseTopics } from './inputs.js';
import { DigestMessages } from './messages.js';

type SubscriptionStore = Pick<Store, 'subscriptions'>;

/** Raw command options; everything is validated here so every entry point gets the same errors. */
export interface SubscribeInput {
	guildId: string;
	channelId: string;
	userId: string;
	time?: string;
	timezone?: string;
	/** Comma-separated. */
	topics?: string;
	maxPapers?: number;
}

export function subscriptionKey(guildId: string, channelId: string): string {
	return `${guildId}:${channelId}`;
}

/**
 * Creates the channel's subscription, or updates it: options left out keep their current values, and
 * subscribing again clears a pause (the admin is acting on the channel). Delivery history is kept, so
 * a re-subscribed channel is never sent a paper twice.
 */
export async function subscribeChannel(store: SubscriptionStore, input: SubscribeInput, now: Date): Promise<{ subscription: Subscription; created: boolean }> {
	const time = input.time === undefined ? undefined : parseDigestTime(input.time);
	const timezone = input.timezone === undefined ? undefined : parseTimeZone(input.timezone);
	const topics = input.topics === undefined ? undefined : parseTopics(input.topics);
	const maxPapers = input.maxPapers === undefined ? undefined : parseMaxPapers(input.maxPapers);
	const key = subscriptionKey(input.guildId, input.channelId);
	const existing = await store.subscriptions.get(key);
	const at = now.toISOString();
	const subscription: Subscription = existing
		? { ...existing, time: time ?? existing.time, timezone: timezone ?? existing.timezone, topics: topics ?? existing.topics, maxPapers: maxPapers ?? existing.maxPapers, updatedAt: at }
		: {
				guildId: input.guildId,
				channelId: input.channelId,
				time: time ?? parseDigestTime(undefined),
				timezone: timezone ?? parseTimeZone(undefined),
				topics: topics ?? [],
				maxPapers: maxPapers ?? parseMaxPapers(undefined),
				createdBy: input.userId,
				createdAt: at,
			};
	delete subscription.paused;
	await store.subscriptions.set(key, subscription);
	return { subscription, created: !existing };
}

export async function getSubscription(store: SubscriptionStore, guildId: string, channelId: string): Promise<Subscription | undefined> {
	return store.subscriptions.get(subscriptionKey(guildId, channelId));
}

/** Removes the subscription only; what was sent stays recorded so a later re-subscribe never repeats a paper. */
export async function unsubscribeChannel(store: SubscriptionStore, guildId: string, channelId: string): Promise<Subscription> {
	const key = subscriptionKey(guildId, channelId);
	const existing = await store.subscriptions.get(key);
	if (!existing) throw new UserError(DigestMessages.notSubscribed(channelId));
	await store.subscriptions.delete(key);
	return existing;
}

export async function listGuildSubscriptions(store: SubscriptionStore, guildId: string): Promise<Subscription[]> {
	return store.subscriptions.values(`${guildId}:`);
}

export async function listSubscriptions(store: SubscriptionStore): Promise<Subscription[]> {
	return store.subscriptions.values();
}

/** After the admin fixed permissions: clears the pause; the next tick delivers today's digest if its time has come. */
export async function resumeSubscription(store: SubscriptionStore, guildId: string, channelId: string, now: Date): Promise<Subscription> {
	const key = subscriptionKey(guildId, channelId);
	const existing = await store.subscriptions.get(key);
	if (!existing) throw new UserError(DigestMessages.notSubscribed(channelId));
	if (!existing.paused) throw new UserError(DigestMessages.notPaused(channelId));
	const { paused: _cleared, ...rest } = existing;
	const resumed: Subscription = { ...rest, updatedAt: now.toISOString() };
	await store.subscriptions.set(key, resumed);
	return resumed;
}
