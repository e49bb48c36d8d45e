import { UserError } from '../errors.js';
import type { Follow } from '../store/records.js';
import type { Store } from '../store/store.js';
import { DigestLimits, parseDigestTime, parseTimeZone, parseTopics } from './inputs.js';
import { DigestMessages } from './messages.js';

type FollowStore = Pick<Store, 'follows'>;

export interface FollowInput {
	userId: string;
	/** Comma-separated; absent or blank = every new paper. */
	topic?: string;
	time?: string;
	timezone?: string;
}

/** `created`: new follow; `added`: topics added; `all`: now follows every paper; `unchanged`: nothing new. */
export type FollowChange = 'created' | 'added' | 'all' | 'unchanged';

/**
 * Adds topics to the user's follow (or, with no topic, follows every new paper). A topic added to an
 * every-paper follow narrows it to that topic. Following again clears a pause: the user acted after
 * reopening their DMs, and a fresh DM channel is opened.
 */
export async function followTopic(store: FollowStore, input: FollowInput, now: Date): Promise<{ follow: Follow; change: FollowChange; resumed: boolean }> {
	const topics = parseTopics(input.topic);
	const time = input.time === undefined ? undefined : parseDigestTime(input.time);
	const timezone = input.timezone === undefined ? undefined : parseTimeZone(input.timezone);
	const at = now.toISOString();
	let change: FollowChange = 'unchanged';
	let resumed = false;
	// Applied to the latest record under its lock, so a delivery recording meanwhile never loses these topics.
	const follow = (await store.follows.update(input.userId, (existing) => {
		let nextTopics: string[];
		if (topics.length === 0) {
			change = existing ? (existing.topics.length === 0 ? 'unchanged' : 'all') : 'created';
			nextTopics = [];
		} else {
			const current = existing?.topics ?? [];
			const known = new Set(current.map((topic) => topic.toLowerCase()));
			const added = topics.filter((topic) => !known.has(topic.toLowerCase()));
			nextTopics = [...current, ...added];
			if (nextTopics.length > DigestLimits.topics) throw new UserError(DigestMessages.tooManyTopics(nextTopics.length, DigestLimits.topics));
			change = existing ? (added.length > 0 ? 'added' : 'unchanged') : 'created';
		}
		const next: Follow = existing
			? { ...existing, topics: nextTopics, time: time ?? existing.time, timezone: timezone ?? existing.timezone, updatedAt: at }
			: { userId: input.userId, topics: nextTopics, time: time ?? parseDigestTime(undefined), timezone: timezone ?? parseTimeZone(undefined), createdAt: at };
		resumed = next.paused !== undefined;
		if (resumed) {
			delete next.paused;
			delete next.dmChannelId;
		}
		return next;
	})) as Follow;
	return { follow, change, resumed };
}

/**
 * Without a topic: stops following entirely. With one: removes it, and removing the last topic ends the
 * follow (an empty list would otherwise mean "every paper", the opposite of what the user asked).
 */
export async function unfollowTopic(
	store: FollowStore,
	userId: string,
	topic: string | undefined,
	now: Date,
): Promise<{ follow: Follow | undefined; removed: string[] }> {
	const wanted = topic?.trim() ? parseTopics(topic) : [];
	let removed: string[] = [];
	const follow = await store.follows.update(userId, (existing) => {
		if (!existing) throw new UserError(DigestMessages.notFollowing);
		if (wanted.length === 0) {
			removed = existing.topics;
			return undefined;
		}
		const lowered = new Set(wanted.map((entry) => entry.toLowerCase()));
		removed = existing.topics.filter((entry) => lowered.has(entry.toLowerCase()));
		if (removed.length === 0) throw new UserError(DigestMessages.notFollowingTopic(wanted.join(', ')));
		const remaining = existing.topics.filter((entry) => !lowered.has(entry.toLowerCase()));
		// Removing the last topic ends the follow: an empty list would mean "every paper".
		return remaining.length === 0 ? undefined : { ...existing, topics: remaining, updatedAt: now.toISOString() };
	});
	return { follow, removed };
}

export async function getFollow(store: FollowStore, userId: string): Promise<Follow | undefined> {
	return store.follows.get(userId);
}

export async function listFollows(store: FollowStore): Promise<Follow[]> {
	return store.follows.values();
}
