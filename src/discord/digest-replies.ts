import { toSafeMarkdown } from '../cards/escape.js';
import { CardBudget, DiscordLimits, EPHEMERAL_FLAG } from '../cards/limits.js';
import type { Embed, MessagePayload } from '../cards/types.js';
import { CARD_COLOR } from '../cards/paper-text.js';
import { localClock } from '../digests/local-time.js';
import type { DigestSchedule, Follow, Subscription } from '../store/records.js';
import { describeCadence } from '../digests/cadence.js';
import { followsSomething } from '../digests/filters.js';
import { DEFAULT_DIGEST_NAME, digestNameOf, isDefaultName } from '../digests/names.js';

/**
 * The Discord-facing texts of /digest and /paper follow (the domain's own errors live in DigestMessages).
 * Times are Discord timestamps (`<t:…>`): every reader sees them in their own zone.
 */
export const DigestReplies = Object.freeze({
	guildOnly: '/digest works in a server channel, not in DMs.',
	needsManageServer: 'Only members with the Manage Server permission can change or inspect this server’s digests.',
	notTextChannel: (channelId: string) => `<#${channelId}> is not a text or forum channel of this server; pick one where people read.`,
	forumNeedsTag: (channelId: string, tags: readonly string[]) =>
		`<#${channelId}> requires a tag on every post, and none of its tags (${safe(tags.join(', ') || 'none', 300)}) is named like a topic of this ` +
		`digest. Add a topic with one of those names (topics:…), or let the forum take posts without a tag.`,
	cannotSeeChannel: (channelId: string) => `I cannot see <#${channelId}>. Give Paperboy View Channel there, or pick another channel.`,
	botMissing: (channelId: string, missing: readonly string[]) =>
		`I cannot post the digest in <#${channelId}>: I am missing ${listWords(missing)} there. Give Paperboy ` +
		`${missing.length > 1 ? 'these permissions' : 'that permission'} in the channel (or its category), then run the ` +
		`command again.`,
	subscribed: (subscription: Subscription, next: Date | undefined, created: boolean, notes: SubscribeNotes = {}) =>
		[
			`${created ? 'Subscribed' : 'Updated the digest for'} <#${subscription.channelId}>${namePart(subscription)}: ` +
				`${describeSchedule(subscription)}, up to ${subscription.maxPapers} papers.`,
			notes.defaultedWeekday ? 'Weekly digests go out on Monday unless you pick a day (day:fri).' : '',
			describeFormat(subscription, notes.forumTags),
			next ? `Next digest: ${stamp(next, subscription.timezone)}.` : '',
			'Each paper is posted once; days with nothing new post nothing.',
		]
			.filter(Boolean)
			.join('\n'),
	unsubscribed: (channelId: string, name = DEFAULT_DIGEST_NAME) =>
		isDefaultName(name)
			? `Unsubscribed <#${channelId}>. What was already posted is remembered, so subscribing again never repeats a paper.`
			: `Unsubscribed the “${safe(name, 40)}” digest of <#${channelId}>. What it posted is remembered, so subscribing it again never repeats a paper.`,
	unsubscribedGone: (channelId: string) => `Unsubscribed the deleted channel ${channelId}: its digest is gone from /digest list.`,
	channelAndChannelId: 'Give channel or channel_id, not both: channel_id is for a deleted channel’s digest.',
	badChannelId: (raw: string) => `“${safe(raw, 40)}” is not a channel id: copy the number /digest list shows next to a deleted channel (17 to 20 digits).`,
	channelGone: (channelId: string) => `⚠ This channel no longer exists. Remove its digest with /digest unsubscribe channel_id:${channelId}`,
	noHistoryNote:
		'⚠ Paperboy lacks Read Message History here: after a crash it cannot check whether a digest was posted, so it ' +
		'will not re-send it (a digest may then be missed). Grant it to be safe both ways.',
	noHistoryWarning: (channelId: string) =>
		`Note: give Paperboy Read Message History in <#${channelId}> too. After a crash it reads the channel back to ` +
		`see whether the digest was posted; without it, an unconfirmed digest is not re-sent.`,
	unconfirmedNote: (day: string, reason: string) =>
		`⚠ The ${day} digest could not be confirmed after a restart (${safe(reason, 160)}); its papers were not sent again.`,
	resumed: (subscription: Subscription, next: Date | undefined) =>
		`Resumed the digest for <#${subscription.channelId}>${namePart(subscription)}.${next ? ` Next digest: ${stamp(next, subscription.timezone)}.` : ''}`,
	noSubscriptions: 'This server has no digest subscriptions yet. Use /digest subscribe in the channel that should get one.',
	listTitle: (count: number) => `Digest subscriptions (${count})`,
	listMore: (count: number) => `…and ${count} more.`,
	previewNothing: (channelId: string, day: string) =>
		`Nothing new would be posted in <#${channelId}> for ${day}: no new papers match. Days like that post nothing.`,
	previewNote: (channelId: string) => `Preview: what <#${channelId}> would get if its digest ran now (nothing is recorded).`,
	followed: (follow: Follow, change: string, resumed: boolean, next: Date | undefined) =>
		[
			resumed ? 'Your follow is active again.' : change === 'unchanged' ? 'You already follow that.' : 'Followed.',
			`You get one DM a day with ` +
				`${followsSomething(follow) ? `the new papers about ${describeTopics(follow.topics, follow.authors)}` : 'every new paper'}, ` +
				`at ${follow.time} ${follow.timezone}.`,
			next ? `Next DM: ${stamp(next, follow.timezone)}.` : '',
			'Keep DMs from this server open; every DM has an Unfollow button.',
		]
			.filter(Boolean)
			.join('\n'),
	unfollowedAll: 'You no longer follow anything; no more digest DMs.',
	unfollowedTopics: (removed: readonly string[], remaining: Follow) =>
		`Stopped following ${listWords(removed.map((topic) => `“${safe(topic)}”`))}. Still following ${describeTopics(remaining.topics, remaining.authors)}.`,
	following: (follow: Follow, next: Date | undefined) =>
		[
			`You follow ${describeTopics(follow.topics, follow.authors)}; one DM a day at ${follow.time} ${follow.timezone}.`,
			follow.paused ? `⏸ ${follow.paused.reason}` : next ? `Next DM: ${stamp(next, follow.timezone)}.` : '',
			follow.lastDelivery ? `Last DM: ${describeLast(follow)}.` : '',
		]
			.filter(Boolean)
			.join('\n'),
	unfollowGone: 'That Unfollow button no longer matches what you follow. Use /paper following to see it.',
	followedForYou: (follow: Follow, created: boolean, resumed: boolean, next: Date | undefined, saved: number) =>
		[
			resumed ? 'Your “For you” follow is active again.' : created ? 'Followed “For you”.' : 'Updated your “For you” follow.',
			`You get one DM a day with the new papers closest to your saved papers${forYouTag(follow)}, at ${follow.time} ${follow.timezone}.`,
			saved === 0 ? 'Your library is empty: save papers (the Save button, or /paper save) and the DMs start with them.' : '',
			next ? `Next DM: ${stamp(next, follow.timezone)}.` : '',
			'Keep DMs from this server open; every DM has a Stop button.',
		]
			.filter(Boolean)
			.join('\n'),
	followingForYou: (follow: Follow, next: Date | undefined) =>
		[
			`“For you”: one DM a day at ${follow.time} ${follow.timezone} with the new papers closest to your saved papers${forYouTag(follow)}.`,
			follow.paused ? `⏸ ${follow.paused.reason}` : next ? `Next DM: ${stamp(next, follow.timezone)}.` : '',
			follow.lastDelivery ? `Last DM: ${describeLast(follow)}.` : '',
		]
			.filter(Boolean)
			.join('\n'),
	unfollowedForYou: 'Stopped your “For you” DMs. Your library is untouched.',
	digestChoice: (subscription: Subscription) =>
		`${digestNameOf(subscription)} — ${describeCadence(subscription)} at ${subscription.time} ${subscription.timezone}`,
});

export interface SubscribeNotes {
	/** A weekly digest subscribed without a day: it runs on Monday. */
	defaultedWeekday?: boolean;
	/** A forum digest: the forum's tags named like one of its topics (they are applied to matching posts). */
	forumTags?: readonly string[];
}

/** ` (“rlhf”)` after a channel for a named digest; nothing for the default one, whose replies read as they always did. */
function namePart(subscription: Subscription): string {
	const name = digestNameOf(subscription);
	return isDefaultName(name) ? '' : ` (“${safe(name, 40)}”)`;
}

/** How the digest is posted, when it is not one plain message. */
function describeFormat(subscription: Subscription, forumTags: readonly string[] | undefined): string {
	if (subscription.channelKind === 'forum') {
		const tags = forumTags ?? [];
		return tags.length > 0
			? `One post per paper, tagged ${listWords(tags.map((tag) => `“${safe(tag, 40)}”`))} where the paper matches that topic.`
			: 'One post per paper (no forum tag is named like a topic, so posts go untagged).';
	}
	return subscription.thread ? 'Each digest gets a discussion thread, named by its day and topics.' : '';
}

function forYouTag(follow: Follow): string {
	return follow.forYou?.tag ? ` tagged “${safe(follow.forYou.tag, 40)}”` : '';
}

/**
 * One line of `/digest list`: where, which digest (named ones always; the default one when its channel has others too),
 * when, what, what happened last, and why it is paused. A deleted channel's
 * line says so and how to remove it (its id, since a deleted channel can no longer be picked as a channel option).
 */
export function formatSubscriptionLine(
	subscription: Subscription,
	next: Date | undefined,
	channelGone = false,
	notes: readonly string[] = [],
	showName = !isDefaultName(digestNameOf(subscription)),
): string {
	const parts = [
		channelGone ? `<#${subscription.channelId}> (channel ${subscription.channelId})` : `<#${subscription.channelId}>`,
		showName ? `“${safe(digestNameOf(subscription), 40)}”` : '',
		describeSchedule(subscription),
		subscription.channelKind === 'forum' ? 'a post per paper' : subscription.thread ? 'with a thread' : '',
		`max ${subscription.maxPapers}`,
		subscription.paused || channelGone ? '' : next ? `next ${stamp(next, subscription.timezone)}` : '',
		subscription.lastDelivery ? `last ${describeLast(subscription)}` : 'nothing delivered yet',
		subscription.lastFailure ? `retrying after: ${safe(subscription.lastFailure.error, 120)}` : '',
	].filter(Boolean);
	const line = [`• ${parts.join(' · ')}`, ...notes.map((note) => `  ${note}`)].join('\n');
	if (channelGone) return `${line}\n  ${DigestReplies.channelGone(subscription.channelId)}`;
	return subscription.paused ? `${line}\n  ⏸ ${safe(subscription.paused.reason, 300)}` : line;
}

/** `/digest list` as one ephemeral embed; lines past the description limit are counted, not dropped silently. */
/** `warning`: the store's health line (StoreMessages.healthWarning), shown above the list when set. */
export function formatSubscriptionList(lines: readonly string[], warning?: string): MessagePayload {
	const budget = DiscordLimits.embedDescription - 40 - (warning ? warning.length + 1 : 0);
	const shown: string[] = warning ? [warning] : [];
	let used = 0;
	for (const line of lines) {
		if (used + line.length + 1 > budget) break;
		shown.push(line);
		used += line.length + 1;
	}
	const hidden = lines.length - (shown.length - (warning ? 1 : 0));
	const embed: Embed = {
		title: DigestReplies.listTitle(lines.length),
		description: [...shown, hidden > 0 ? DigestReplies.listMore(hidden) : ''].filter(Boolean).join('\n'),
		color: CARD_COLOR,
	};
	return { embeds: [embed], allowed_mentions: { parse: [] }, flags: EPHEMERAL_FLAG };
}

function describeSchedule(schedule: DigestSchedule): string {
	return [
		`${describeCadence(schedule)} at ${schedule.time} ${schedule.timezone}, ${describeTopics(schedule.topics, schedule.authors)}`,
		describeFilters(schedule),
	]
		.filter(Boolean)
		.join(', ');
}

function describeTopics(topics: readonly string[], authors: readonly string[] = []): string {
	if (topics.length === 0 && authors.length === 0) return 'every new paper';
	return [topics.length > 0 ? `topics ${quoted(topics)}` : '', authors.length > 0 ? `${authors.length === 1 ? 'author' : 'authors'} ${quoted(authors)}` : '']
		.filter(Boolean)
		.join(' and ');
}

/** `only with “video”, without “audio”`. */
function describeFilters(schedule: DigestSchedule): string {
	return [
		schedule.include?.length ? `only with ${quoted(schedule.include, ' or ')}` : '',
		schedule.exclude?.length ? `without ${quoted(schedule.exclude)}` : '',
	]
		.filter(Boolean)
		.join(', ');
}

function quoted(items: readonly string[], separator = ', '): string {
	return safe(items.map((item) => `“${item}”`).join(separator), CardBudget.listHeader);
}

function describeLast(schedule: DigestSchedule): string {
	const last = schedule.lastDelivery;
	if (!last) return '';
	const papers = `${last.paperCount} paper${last.paperCount === 1 ? '' : 's'}`;
	const what =
		last.outcome === 'sent'
			? `sent ${papers}`
			: last.outcome === 'empty'
				? 'nothing new'
				: last.outcome === 'unconfirmed'
					? `${papers}, arrival unconfirmed (not re-sent)`
					: 'rejected by Discord';
	return `${last.day}: ${what}`;
}

/** The schedule's own wall time (what the admin typed), plus `<t:…:R>`, which Discord shows as "in 3 hours". */
function stamp(date: Date, timeZone: string): string {
	const local = localClock(date, timeZone);
	const time = `${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:${String(local.minutes % 60).padStart(2, '0')}`;
	return `${local.day} ${time} ${timeZone} (<t:${Math.floor(date.getTime() / 1000)}:R>)`;
}

function safe(text: string, max = 100): string {
	return toSafeMarkdown(text, max);
}

function listWords(words: readonly string[]): string {
	if (words.length <= 1) return words.join('');
	return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
