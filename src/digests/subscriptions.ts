import { UserError } from '../errors.js';
import { noRow, unchanged } from '../store/collection.js';
import type { Store } from '../store/store.js';
import type { Subscription } from '../store/records.js';
import { DEFAULT_WEEKDAY, frequencyOf, parseFrequency, parseWeekday } from './cadence.js';
import { parseAuthors, parsePhrases } from './filters.js';
import { parseDigestTime, parseMaxPapers, parseTimeZone, parseTopics } from './inputs.js';
import { DigestMessages } from './messages.js';
import { DEFAULT_DIGEST_NAME, DigestNameLimits, digestNameOf, isDefaultName, parseDigestName } from './names.js';

type SubscriptionStore = Pick<Store, 'subscriptions'>;

/** Raw command options; everything is validated here so every entry point gets the same errors. */
export interface SubscribeInput {
	guildId: string;
	channelId: string;
	userId: string;
	/** Which of the channel's digests; absent or blank: the default one. */
	name?: string;
	time?: string;
	timezone?: string;
	/** Comma-separated. */
	topics?: string;
	maxPapers?: number;
	/** `daily`, `weekdays` or `weekly`. */
	frequency?: string;
	/** `mon`…`sun`: only with a weekly digest. */
	day?: string;
	/** Comma-separated words or phrases; `none` clears. */
	include?: string;
	exclude?: string;
	/** Comma-separated author names; `none` clears. */
	authors?: string;
	/** What kind of channel it is, as the edge sees it: forums get one post per paper. */
	channelKind?: 'text' | 'forum';
	/** Text channels only: a discussion thread on each digest message. */
	thread?: boolean;
}

export interface SubscribeResult {
	subscription: Subscription;
	created: boolean;
	/** A weekly digest was asked for without a day, so it runs on Monday (the reply says so). */
	defaultedWeekday: boolean;
}

/** `<guild>:<channel>` for the default digest (the key every subscription had before names), `<guild>:<channel>:<name>` otherwise. */
export function subscriptionKey(guildId: string, channelId: string, name: string = DEFAULT_DIGEST_NAME): string {
	return isDefaultName(name) ? `${guildId}:${channelId}` : `${guildId}:${channelId}:${name}`;
}

/** Every option given is checked, so an admin hears about a mistake before anything (a permission, a cap) else. */
export function validateSubscribeInput(input: Omit<SubscribeInput, 'guildId' | 'channelId' | 'userId'>): void {
	parseDigestName(input.name);
	if (input.time !== undefined) parseDigestTime(input.time);
	if (input.timezone !== undefined) parseTimeZone(input.timezone);
	if (input.topics !== undefined) parseTopics(input.topics);
	if (input.maxPapers !== undefined) parseMaxPapers(input.maxPapers);
	const frequency = input.frequency === undefined ? undefined : parseFrequency(input.frequency);
	if (input.day !== undefined) parseWeekday(input.day);
	if (input.day !== undefined && frequency !== undefined && frequency !== 'weekly') throw new UserError(DigestMessages.dayNeedsWeekly);
	if (input.include !== undefined) parsePhrases(input.include, 'include');
	if (input.exclude !== undefined) parsePhrases(input.exclude, 'exclude');
	if (input.authors !== undefined) parseAuthors(input.authors);
	if (input.thread === true && input.channelKind === 'forum') throw new UserError(DigestMessages.threadInForum);
}

/**
 * Creates the channel's digest of that name, or updates it: options left out keep their current values, and
 * subscribing again clears a pause (the admin is acting on the channel). Delivery history is kept, so
 * a re-subscribed channel is never sent a paper twice.
 */
/** `seen`: the digest as the caller just read it (`existing` undefined: there was none); saves reading it again while that holds. */
export async function subscribeChannel(
	store: SubscriptionStore,
	input: SubscribeInput,
	now: Date,
	seen?: { existing: Subscription | undefined },
): Promise<SubscribeResult> {
	validateSubscribeInput(input);
	const name = parseDigestName(input.name);
	const time = input.time === undefined ? undefined : parseDigestTime(input.time);
	const timezone = input.timezone === undefined ? undefined : parseTimeZone(input.timezone);
	const topics = input.topics === undefined ? undefined : parseTopics(input.topics);
	const maxPapers = input.maxPapers === undefined ? undefined : parseMaxPapers(input.maxPapers);
	const key = subscriptionKey(input.guildId, input.channelId, name);
	const at = now.toISOString();
	let created = false;
	let defaultedWeekday = false;
	// Applied to the latest record under its lock: a delivery recording meanwhile keeps its fields, and so does this change.
	const subscription = (await store.subscriptions.update(
		key,
		(existing) => {
			created = !existing;
			const base: Subscription = existing
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
						...(isDefaultName(name) ? {} : { name }),
						time: time ?? parseDigestTime(undefined),
						timezone: timezone ?? parseTimeZone(undefined),
						topics: topics ?? [],
						maxPapers: maxPapers ?? parseMaxPapers(undefined),
						createdBy: input.userId,
						createdAt: at,
					};
			const next = applyCadence(base, input);
			defaultedWeekday = input.frequency !== undefined && next.frequency === 'weekly' && input.day === undefined && existing?.weekday === undefined;
			applyFilters(next, input);
			applyChannelKind(next, input);
			delete next.paused;
			return next;
		},
		seen && (seen.existing ?? noRow),
	)) as Subscription;
	return { subscription, created, defaultedWeekday };
}

/** frequency and day on top of what is stored; `day` needs the resulting digest to be weekly. */
function applyCadence(subscription: Subscription, input: SubscribeInput): Subscription {
	const next = { ...subscription };
	if (input.frequency !== undefined) {
		const frequency = parseFrequency(input.frequency);
		// Daily is what an absent field means: old rows and new ones read the same.
		if (frequency === 'daily') delete next.frequency;
		else next.frequency = frequency;
		if (frequency !== 'weekly') delete next.weekday;
	}
	if (input.day !== undefined) {
		if (frequencyOf(next) !== 'weekly') throw new UserError(DigestMessages.dayNeedsWeekly);
		next.weekday = parseWeekday(input.day);
	}
	if (frequencyOf(next) === 'weekly' && next.weekday === undefined) next.weekday = DEFAULT_WEEKDAY;
	return next;
}

/** include, exclude and authors: a given option replaces its list, `none` removes it. */
function applyFilters(next: Subscription, input: SubscribeInput): void {
	const lists = [
		['include', input.include === undefined ? undefined : parsePhrases(input.include, 'include')],
		['exclude', input.exclude === undefined ? undefined : parsePhrases(input.exclude, 'exclude')],
		['authors', input.authors === undefined ? undefined : parseAuthors(input.authors)],
	] as const;
	for (const [field, values] of lists) {
		if (values === undefined) continue;
		if (values.length === 0) delete next[field];
		else next[field] = values;
	}
}

function applyChannelKind(next: Subscription, input: SubscribeInput): void {
	if (input.channelKind === 'forum') {
		next.channelKind = 'forum';
		delete next.thread;
		return;
	}
	if (input.channelKind === 'text') delete next.channelKind;
	if (input.thread === true) next.thread = true;
	else if (input.thread === false) delete next.thread;
}

/**
 * Refuses a new digest past the per-channel or per-server cap; updating an existing one always works. Checked
 * before the write, so two admins creating at the same instant could pass one over: a cap, not an invariant.
 * `existing`: the server's digests, as the caller read them.
 */
export function checkDigestRoomIn(existing: readonly Subscription[], channelId: string, rawName: string | undefined): void {
	const name = parseDigestName(rawName);
	if (existing.some((subscription) => subscription.channelId === channelId && digestNameOf(subscription) === name)) return;
	if (existing.filter((subscription) => subscription.channelId === channelId).length >= DigestNameLimits.perChannel) {
		throw new UserError(DigestMessages.tooManyInChannel(channelId, DigestNameLimits.perChannel));
	}
	if (existing.length >= DigestNameLimits.perGuild) throw new UserError(DigestMessages.tooManyInGuild(DigestNameLimits.perGuild));
}

export async function getSubscription(
	store: SubscriptionStore,
	guildId: string,
	channelId: string,
	name: string = DEFAULT_DIGEST_NAME,
): Promise<Subscription | undefined> {
	return store.subscriptions.get(subscriptionKey(guildId, channelId, name));
}

/** The channel's digests, default first, then by name. */
export async function listChannelSubscriptions(store: SubscriptionStore, guildId: string, channelId: string): Promise<Subscription[]> {
	return (await listGuildSubscriptions(store, guildId)).filter((subscription) => subscription.channelId === channelId);
}

/** Removes the subscription only; what was sent stays recorded so a later re-subscribe never repeats a paper. */
export async function unsubscribeChannel(
	store: SubscriptionStore,
	guildId: string,
	channelId: string,
	name: string = DEFAULT_DIGEST_NAME,
): Promise<Subscription> {
	let removed: Subscription | undefined;
	let missing = false;
	await store.subscriptions.update(subscriptionKey(guildId, channelId, name), (existing) => {
		if (!existing) {
			missing = true;
			return unchanged;
		}
		removed = existing;
		return undefined;
	});
	if (missing) throw await notSubscribed(store, guildId, channelId, name);
	return removed as Subscription;
}

export async function listGuildSubscriptions(store: SubscriptionStore, guildId: string): Promise<Subscription[]> {
	return store.subscriptions.values(`${guildId}:`);
}

export async function listSubscriptions(store: SubscriptionStore): Promise<Subscription[]> {
	return store.subscriptions.values();
}

/** After the admin fixed permissions: clears the pause; the next tick delivers today's digest if its time has come. */
export async function resumeSubscription(
	store: SubscriptionStore,
	guildId: string,
	channelId: string,
	now: Date,
	name: string = DEFAULT_DIGEST_NAME,
): Promise<Subscription> {
	let missing = false;
	const resumed = await store.subscriptions.update(subscriptionKey(guildId, channelId, name), (existing) => {
		if (!existing) {
			missing = true;
			return unchanged;
		}
		if (!existing.paused) throw new UserError(DigestMessages.notPaused(channelId));
		const { paused: _cleared, ...rest } = existing;
		return { ...rest, updatedAt: now.toISOString() };
	});
	if (missing) throw await notSubscribed(store, guildId, channelId, name);
	return resumed as Subscription;
}

/** No digest of that name: the default one's old message, or the channel's names when it has others. */
async function notSubscribed(store: SubscriptionStore, guildId: string, channelId: string, name: string): Promise<UserError> {
	const names = (await listChannelSubscriptions(store, guildId, channelId)).map(digestNameOf);
	if (isDefaultName(name) && names.length === 0) return new UserError(DigestMessages.notSubscribed(channelId));
	return new UserError(DigestMessages.unknownDigestName(channelId, name, names));
}
