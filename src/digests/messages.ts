import { quoteInput } from '../cards/escape.js';
/** Every user-facing text of the digest domain, in one place. */
export const DigestMessages = Object.freeze({
	timeFormat: (raw: string) => `"${quote(raw)}" is not a time: use 24-hour HH:MM, e.g. 09:00 or 18:30.`,
	timeHours: (raw: string) => `"${quote(raw)}" is not a time: hours go from 00 to 23 (24-hour HH:MM, e.g. 09:00).`,
	timeMinutes: (raw: string) => `"${quote(raw)}" is not a time: minutes go from 00 to 59 (24-hour HH:MM, e.g. 09:30).`,
	unknownTimeZone: (raw: string, suggestions: readonly string[] = []) =>
		`"${quote(raw)}" is an unknown time zone: ` +
		`${suggestions.length > 0 ? `did you mean ${suggestions.join(', ')}?` : 'use an IANA name such as Europe/London, America/New_York, Asia/Tokyo or UTC.'} ` +
		`Start typing a city to pick one.`,
	timeZoneAbbreviation: (raw: string, zone: string, note?: string) =>
		`"${quote(raw)}" is an abbreviation, not a time zone: it has no daylight saving rules, so digests would drift ` +
		`an hour for half the year. Did you mean ${zone}?${note ? ` (${note}.)` : ''}`,
	timeZoneAlias: (raw: string, zone: string) => `"${quote(raw)}" is an old alias; use the city name ${zone} instead.`,
	tooManyTopics: (count: number, max: number) => `That is ${count} topics; a digest can follow at most ${max}. Separate topics with commas.`,
	topicTooLong: (length: number, max: number) => `A topic can be at most ${max} characters; one of yours has ${length}. Separate topics with commas.`,
	maxPapersRange: (min: number, max: number) => `max_papers must be a whole number from ${min} to ${max} (a digest is one message with one button per paper).`,
	notSubscribed: (channelId: string) => `<#${channelId}> has no digest subscription.`,
	unknownDigestName: (channelId: string, name: string, names: readonly string[]) =>
		`<#${channelId}> has no digest named "${quote(name, 40)}". ` +
		(names.length > 0 ? `Its digests: ${names.map((known) => `"${quote(known, 40)}"`).join(', ')}.` : 'It has no digest yet.'),
	nameTooLong: (length: number, max: number) => `A digest name can be at most ${max} characters; that one has ${length}.`,
	nameCharacters: (raw: string) => `"${quote(raw, 40)}" is not a digest name: use letters, digits, - and _ (e.g. weekly-rlhf); spaces become -.`,
	tooManyInChannel: (channelId: string, max: number) =>
		`<#${channelId}> already has ${max} digests, the most a channel can have. Update one (same name) or unsubscribe one first.`,
	tooManyInGuild: (max: number) => `This server already has ${max} digests, the most a server can have. Unsubscribe one first.`,
	unknownFrequency: (raw: string, known: readonly string[]) => `"${quote(raw, 20)}" is not a frequency: use ${known.join(', ')}.`,
	unknownWeekday: (raw: string) => `"${quote(raw, 20)}" is not a day of the week: use mon, tue, wed, thu, fri, sat or sun.`,
	threadInForum: 'thread: is for text channels: a forum digest already posts one thread per paper.',
	dayNeedsWeekly: 'day: only applies to a weekly digest. Add frequency:weekly, or leave day out.',
	tooManyPhrases: (option: string, count: number, max: number) => `That is ${count} ${option} words or phrases; a digest can have at most ${max}.`,
	phraseTooLong: (option: string, length: number, max: number) => `An ${option} word or phrase can be at most ${max} characters; one of yours has ${length}.`,
	tooManyAuthors: (count: number, max: number) => `That is ${count} authors; a digest can follow at most ${max}. Separate names with commas.`,
	authorTooLong: (length: number, max: number) => `An author name can be at most ${max} characters; one of yours has ${length}.`,
	authorNoLetters: (raw: string) => `"${quote(raw, 40)}" is not an author name: it has no letters.`,
	notFollowingAuthor: (author: string) => `You are not following the author "${quote(author)}".`,
	notFollowingForYou: 'You have no "For you" follow. Start one with /paper follow foryou:true.',
	forYouTagWithoutForYou: 'tag: picks the library tag of a "For you" follow; add foryou:true.',
	forYouWithTopics: 'A "For you" follow sends your recommendations, not topics: follow topics or authors in a separate /paper follow.',
	notPaused: (channelId: string) => `The digest for <#${channelId}> is not paused.`,
	notFollowing: 'You are not following anything. Use /paper follow to get a daily DM.',
	notFollowingTopic: (topic: string) => `You are not following "${quote(topic)}".`,
	followPaused: 'Your follow is paused because Discord refused the DM; open your DMs to the bot and follow again.',
	pauseMissingAccess: 'Paused: the bot cannot see this channel (Missing Access). Fix its permissions, then run /digest resume.',
	pauseMissingPermissions:
		'Paused: the bot lacks permission to post here (Missing Permissions: View Channel, Send Messages, Embed Links). Fix it, then run /digest resume.',
	pauseUnknownChannel: 'Paused: the channel no longer exists (Unknown Channel). Unsubscribe, or subscribe another channel.',
	pauseForbidden: (code: number | undefined) =>
		`Paused: Discord refused the digest (403${code ? `, code ${code}` : ''}). Fix the bot's permissions, then run /digest resume.`,
	pauseUnknownUser: 'Paused: Discord no longer knows this user (Unknown User), so there is no one to DM.',
	pauseDmClosed: 'Paused: Discord does not let the bot DM you (DMs closed or no shared server). Open your DMs and run /paper follow again.',
	unverifiableNoHistory: 'the bot lacks Read Message History in that channel, so it cannot check whether a digest was posted',
	unverifiableForbidden: 'the bot cannot read that channel (Missing Access)',
	unverifiableUncached: 'the channel is not in the bot’s cache, so its permissions are unknown',
	unverifiableTooManyMessages: 'too many messages were posted after the attempt to find it',
	channelDigestTitle: 'Daily papers',
	followDigestTitle: 'Your daily papers',
	weeklyDigestTitle: 'Weekly papers',
	forYouDigestTitle: (tag: string | undefined) => (tag ? `For you · ${quote(tag, 32)}` : 'For you'),
	forYouDigestFooter: (shown: number, total: number) =>
		shown < total ? `Your top ${shown} of ${total} picks among the new papers, closest to your saved papers first` : 'Closest to your saved papers first',
	authorLabel: (author: string) => `author ${author}`,
	/** Empty when there is nothing to add to the list's own header. */
	digestFooter: (shown: number, total: number, topics: readonly string[], byUpvotes: boolean) =>
		[
			shown < total ? `Top ${shown} of ${total} new papers${byUpvotes ? ', by upvotes' : ', newest first'}` : '',
			topics.length > 0 ? `Topics: ${quote(topics.join(', '), 200)}` : '',
		]
			.filter(Boolean)
			.join(' · '),
});

function quote(text: string, max = 60): string {
	return quoteInput(text, max);
}
