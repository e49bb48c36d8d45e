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
	const at = now.toISOString();
	let created = false;
	// Applied to the latest record under its lock: a delivery recording meanwhile keeps its fields, and so does this change.
	const subscription = (await store.subscriptions.update(key, (existing) => {
		created = !existing;
		const next: Subscription = existing
			? {
					...existing,
					time: time ?? existing.time,
					timezone: timezone ?? existing.timezone,
					topics: topics ?? existing.topics,
					maxPapers: maxPapers ?? existing.maxPapers,
					updatedAt: at,
				}
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
		delete next.paused;
		return next;
	})) as Subscription;
	return { subscription, created };
}

export async function getSubscription(store: SubscriptionStore, guildId: string, channelId: string): Promise<Subscription | undefined> {
	return store.subscriptions.get(subscriptionKey(guildId, channelId));
}

/** Removes the subscription only; what was sent stays recorded so a later re-subscribe never repeats a paper. */
export async function unsubscribeChannel(store: SubscriptionStore, guildId: string, channelId: string): Promise<Subscription> {
	let removed: Subscription | undefined;
	await store.subscriptions.update(subscriptionKey(guildId, channelId), (existing) => {
		if (!existing) throw new UserError(DigestMessages.notSubscribed(channelId));
		removed = existing;
		return undefined;
	});
	return removed as Subscription;
}

export async function listGuildSubscriptions(store: SubscriptionStore, guildId: string): Promise<Subscription[]> {
	return store.subscriptions.values(`${guildId}:`);
}

export async function listSubscriptions(store: SubscriptionStore): Promise<Subscription[]> {
	return store.subscriptions.values();
}

/** After the admin fixed permissions: clears the pause; the next tick delivers today's digest if its time has come. */
export async function resumeSubscription(store: SubscriptionStore, guildId: string, channelId: string, now: Date): Promise<Subscription> {
	const resumed = await store.subscriptions.update(subscriptionKey(guildId, channelId), (existing) => {
		if (!existing) throw new UserError(DigestMessages.notSubscribed(channelId));
		if (!existing.paused) throw new UserError(DigestMessages.notPaused(channelId));
		const { paused: _cleared, ...rest } = existing;
		return { ...rest, updatedAt: now.toISOString() };
	});
	return resumed as Subscription;
}
