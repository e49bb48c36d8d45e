import { toSafeMarkdown } from '../cards/escape.js';
import { CardBudget, DiscordLimits, EPHEMERAL_FLAG } from '../cards/limits.js';
import type { Embed, MessagePayload } from '../cards/types.js';
import { CARD_COLOR } from '../cards/paper-text.js';
import { localClock } from '../digests/local-time.js';
import type { DigestSchedule, Follow, Subscription } from '../store/records.js';

/**
 * The Discord-facing texts of /digest and /paper follow (the domain's own errors live in DigestMessages).
 * Times are Discord timestamps (`<t:…>`): every reader sees them in their own zone.
 */
export const DigestReplies = Object.freeze({
	guildOnly: '/digest works in a server channel, not in DMs.',
	needsManageServer: 'Only members with the Manage Server permission can change or inspect this server’s digests.',
	notTextChannel: (channelId: string) => `<#${channelId}> is not a text channel of this server; pick one where people read.`,
	cannotSeeChannel: (channelId: string) => `I cannot see <#${channelId}>. Give Paperboy View Channel there, or pick another channel.`,
	botMissing: (channelId: string, missing: readonly string[]) =>
		`I cannot post the digest in <#${channelId}>: I am missing ${listWords(missing)} there. Give Paperboy ` +
		`${missing.length > 1 ? 'these permissions' : 'that permission'} in the channel (or its category), then run the ` +
		`command again.`,
	subscribed: (subscription: Subscription, next: Date | undefined, created: boolean) =>
		[
			`${created ? 'Subscribed' : 'Updated the digest for'} <#${subscription.channelId}>: ` +
				`${describeSchedule(subscription)}, up to ${subscription.maxPapers} papers.`,
			next ? `Next digest: ${stamp(next, subscription.timezone)}.` : '',
			'Each paper is posted once; days with nothing new post nothing.',
		]
			.filter(Boolean)
			.join('\n'),
	unsubscribed: (channelId: string) => `Unsubscribed <#${channelId}>. What was already posted is remembered, so subscribing again never repeats a paper.`,
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
		`Resumed the digest for <#${subscription.channelId}>.${next ? ` Next digest: ${stamp(next, subscription.timezone)}.` : ''}`,
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
				`${follow.topics.length === 0 ? 'every new paper' : `the new papers about ${describeTopics(follow.topics)}`}, ` +
				`at ${follow.time} ${follow.timezone}.`,
			next ? `Next DM: ${stamp(next, follow.timezone)}.` : '',
			'Keep DMs from this server open; every DM has an Unfollow button.',
		]
			.filter(Boolean)
			.join('\n'),
	unfollowedAll: 'You no longer follow anything; no more digest DMs.',
	unfollowedTopics: (removed: readonly string[], remaining: Follow) =>
		`Stopped following ${listWords(removed.map((topic) => `“${safe(topic)}”`))}. Still following ${describeTopics(remaining.topics)}.`,
	following: (follow: Follow, next: Date | undefined) =>
		[
			`You follow ${describeTopics(follow.topics)}; one DM a day at ${follow.time} ${follow.timezone}.`,
			follow.paused ? `⏸ ${follow.paused.reason}` : next ? `Next DM: ${stamp(next, follow.timezone)}.` : '',
			follow.lastDelivery ? `Last DM: ${describeLast(follow)}.` : '',
		]
			.filter(Boolean)
			.join('\n'),
	unfollowGone: 'That Unfollow button no longer matches what you follow. Use /paper following to see it.',
});

/**
 * One line of `/digest list`: where, when, what, what happened last, and why it is paused. A deleted channel's
 * line says so and how to remove it (its id, since a deleted channel can no longer be picked as a channel option).
 */
export function formatSubscriptionLine(subscription: Subscription, next: Date | undefined, channelGone = false, notes: readonly string[] = []): string {
	const parts = [
		channelGone ? `<#${subscription.channelId}> (channel ${subscription.channelId})` : `<#${subscription.channelId}>`,
		describeSchedule(subscription),
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
	return `daily at ${schedule.time} ${schedule.timezone}, ${describeTopics(schedule.topics)}`;
}

function describeTopics(topics: readonly string[]): string {
	if (topics.length === 0) return 'every new paper';
	return `topics ${safe(topics.map((topic) => `“${topic}”`).join(', '), CardBudget.listHeader)}`;
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
