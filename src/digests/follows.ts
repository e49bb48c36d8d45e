import { UserError } from '../errors.js';
import type { Follow } from '../store/records.js';
import type { Store } from '../store/store.js';
import { FilterLimits, parseAuthors } from './filters.js';
import { DigestLimits, parseDigestTime, parseTimeZone, parseTopics } from './inputs.js';
import { DigestMessages } from './messages.js';

type FollowStore = Pick<Store, 'follows'>;

/** The topic follow lives under the user id (as every follow stored before "For you" did), the "For you" follow beside it. */
export function followKey(userId: string, forYou = false): string {
	return forYou ? `${userId}:foryou` : userId;
}

export interface FollowInput {
	userId: string;
	/** Comma-separated; absent or blank (with no author) = every new paper. */
	topic?: string;
	/** Comma-separated author names, followed like topics (same name after normalization). */
	author?: string;
	time?: string;
	timezone?: string;
}

/** `created`: new follow; `added`: topics added; `all`: now follows every paper; `unchanged`: nothing new. */
export type FollowChange = 'created' | 'added' | 'all' | 'unchanged';

/**
 * Adds topics and authors to the user's follow (or, with neither, follows every new paper). A topic or author added
 * to an every-paper follow narrows it to that. Following again clears a pause: the user acted after reopening their
 * DMs, and a fresh DM channel is opened.
 */
export async function followTopic(store: FollowStore, input: FollowInput, now: Date): Promise<{ follow: Follow; change: FollowChange; resumed: boolean }> {
	const topics = parseTopics(input.topic);
	const authors = input.author === undefined ? [] : parseAuthors(input.author);
	const time = input.time === undefined ? undefined : parseDigestTime(input.time);
	const timezone = input.timezone === undefined ? undefined : parseTimeZone(input.timezone);
	const at = now.toISOString();
	let change: FollowChange = 'unchanged';
	let resumed = false;
	// Applied to the latest record under its lock, so a delivery recording meanwhile never loses these topics.
	const follow = (await store.follows.update(input.userId, (existing) => {
		let nextTopics: string[];
		let nextAuthors: string[];
		if (topics.length === 0 && authors.length === 0) {
			change = existing ? (existing.topics.length === 0 && !existing.authors?.length ? 'unchanged' : 'all') : 'created';
			nextTopics = [];
			nextAuthors = [];
		} else {
			const addedTopics = missingFrom(existing?.topics ?? [], topics);
			const addedAuthors = missingFrom(existing?.authors ?? [], authors);
			nextTopics = [...(existing?.topics ?? []), ...addedTopics];
			nextAuthors = [...(existing?.authors ?? []), ...addedAuthors];
			if (nextTopics.length > DigestLimits.topics) throw new UserError(DigestMessages.tooManyTopics(nextTopics.length, DigestLimits.topics));
			if (nextAuthors.length > FilterLimits.authors) throw new UserError(DigestMessages.tooManyAuthors(nextAuthors.length, FilterLimits.authors));
			change = existing ? (addedTopics.length + addedAuthors.length > 0 ? 'added' : 'unchanged') : 'created';
		}
		const next: Follow = existing
			? { ...existing, topics: nextTopics, time: time ?? existing.time, timezone: timezone ?? existing.timezone, updatedAt: at }
			: { userId: input.userId, topics: nextTopics, time: time ?? parseDigestTime(undefined), timezone: timezone ?? parseTimeZone(undefined), createdAt: at };
		if (nextAuthors.length > 0) next.authors = nextAuthors;
		else delete next.authors;
		resumed = clearPause(next);
		return next;
	})) as Follow;
	return { follow, change, resumed };
}

/** What of `wanted` is not in `current` yet, compared case-insensitively. */
function missingFrom(current: readonly string[], wanted: readonly string[]): string[] {
	const known = new Set(current.map((entry) => entry.toLowerCase()));
	return wanted.filter((entry) => !known.has(entry.toLowerCase()));
}

/** Following again after a pause: the pause goes, and so does the DM channel that was refused. */
function clearPause(follow: Follow): boolean {
	if (follow.paused === undefined) return false;
	delete follow.paused;
	delete follow.dmChannelId;
	return true;
}

/**
 * Without a topic or author: stops following entirely. With them: removes them, and removing the last one ends the
 * follow (an empty list would otherwise mean "every paper", the opposite of what the user asked).
 */
export async function unfollowTopic(
	store: FollowStore,
	userId: string,
	topic: string | undefined,
	now: Date,
	author?: string,
): Promise<{ follow: Follow | undefined; removed: string[] }> {
	const wanted = topic?.trim() ? parseTopics(topic) : [];
	const wantedAuthors = author?.trim() ? parseAuthors(author) : [];
	let removed: string[] = [];
	const follow = await store.follows.update(userId, (existing) => {
		if (!existing) throw new UserError(DigestMessages.notFollowing);
		if (wanted.length === 0 && wantedAuthors.length === 0) {
			removed = [...existing.topics, ...(existing.authors ?? [])];
			return undefined;
		}
		const topics = splitOff(existing.topics, wanted);
		const authors = splitOff(existing.authors ?? [], wantedAuthors);
		if (wanted.length > 0 && topics.removed.length === 0) throw new UserError(DigestMessages.notFollowingTopic(wanted.join(', ')));
		if (wantedAuthors.length > 0 && authors.removed.length === 0) throw new UserError(DigestMessages.notFollowingAuthor(wantedAuthors.join(', ')));
		removed = [...topics.removed, ...authors.removed];
		// Removing the last topic and author ends the follow: empty lists would mean "every paper".
		if (topics.kept.length === 0 && authors.kept.length === 0) return undefined;
		const next: Follow = { ...existing, topics: topics.kept, updatedAt: now.toISOString() };
		if (authors.kept.length > 0) next.authors = authors.kept;
		else delete next.authors;
		return next;
	});
	return { follow, removed };
}

function splitOff(current: readonly string[], wanted: readonly string[]): { kept: string[]; removed: string[] } {
	const lowered = new Set(wanted.map((entry) => entry.toLowerCase()));
	return {
		kept: current.filter((entry) => !lowered.has(entry.toLowerCase())),
		removed: current.filter((entry) => lowered.has(entry.toLowerCase())),
	};
}

export async function getFollow(store: FollowStore, userId: string): Promise<Follow | undefined> {
	return store.follows.get(userId);
}

export async function listFollows(store: FollowStore): Promise<Follow[]> {
	return store.follows.values();
}

export interface ForYouInput {
	userId: string;
	/** A library tag (already normalized): recommendations from that tag's saves only. */
	tag?: string;
	time?: string;
	timezone?: string;
}

/**
 * The "For you" follow: one DM a day with the user's recommendations among the new papers. Following again updates
 * the tag (absent: the whole library), time and zone, and clears a pause.
 */
export async function followForYou(store: FollowStore, input: ForYouInput, now: Date): Promise<{ follow: Follow; created: boolean; resumed: boolean }> {
	const time = input.time === undefined ? undefined : parseDigestTime(input.time);
	const timezone = input.timezone === undefined ? undefined : parseTimeZone(input.timezone);
	const at = now.toISOString();
	let created = false;
	let resumed = false;
	const forYou = input.tag === undefined ? {} : { tag: input.tag };
	const follow = (await store.follows.update(followKey(input.userId, true), (existing) => {
		created = !existing;
		const next: Follow = existing
			? { ...existing, forYou, time: time ?? existing.time, timezone: timezone ?? existing.timezone, updatedAt: at }
			: { userId: input.userId, topics: [], forYou, time: time ?? parseDigestTime(undefined), timezone: timezone ?? parseTimeZone(undefined), createdAt: at };
		resumed = clearPause(next);
		return next;
	})) as Follow;
	return { follow, created, resumed };
}

export async function getForYouFollow(store: FollowStore, userId: string): Promise<Follow | undefined> {
	return store.follows.get(followKey(userId, true));
}

/** Ends the "For you" follow; what it sent stays recorded, so following again never repeats a paper. */
export async function unfollowForYou(store: FollowStore, userId: string): Promise<Follow> {
	let removed: Follow | undefined;
	await store.follows.update(followKey(userId, true), (existing) => {
		if (!existing) throw new UserError(DigestMessages.notFollowingForYou);
		removed = existing;
		return undefined;
	});
	return removed as Follow;
}
