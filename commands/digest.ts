import {
	ApplicationCommandOptionType,
	ApplicationIntegrationType,
	InteractionContextType,
	type APIApplicationCommandChannelOption,
	type ApplicationCommandOptionAllowedChannelType,
} from 'discord-api-types/v10';
import {
	ChannelFlags,
	ChannelType,
	PermissionFlagsBits,
	type AutocompleteInteraction,
	type ChatInputCommandInteraction,
	type GuildBasedChannel,
	type PermissionsBitField,
} from 'discord.js';
import { formatTimeZoneChoices } from '../src/cards/autocomplete.js';
import { DiscordLimits, EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { FREQUENCIES, WEEKDAY_CHOICES } from '../src/digests/cadence.js';
import { FilterLimits } from '../src/digests/filters.js';
import { tagsNamedLike } from '../src/digests/forum-posts.js';
import { DigestLimits, parseTopics } from '../src/digests/inputs.js';
import { DigestNameLimits, digestNameOf, parseDigestName } from '../src/digests/names.js';
import { previewDigest } from '../src/digests/preview.js';
import { nextRunAt } from '../src/digests/schedule.js';
import { suggestTimeZones } from '../src/digests/time-zones.js';
import {
	checkDigestRoomIn,
	getSubscription,
	listChannelSubscriptions,
	listGuildSubscriptions,
	resumeSubscription,
	subscribeChannel,
	unsubscribeChannel,
	validateSubscribeInput,
	type SubscribeInput,
} from '../src/digests/subscriptions.js';
import type { CommandData, SlashCommand } from '../src/discord/command.js';
import type { BotContext } from '../src/discord/context.js';
import { DigestReplies, formatSubscriptionLine, formatSubscriptionList } from '../src/discord/digest-replies.js';
import { replyEphemeral } from '../src/discord/dispatcher.js';
import { toReplyOptions } from '../src/discord/payload.js';
import { UserError } from '../src/errors.js';
import { StoreMessages } from '../src/store/messages.js';
import type { Subscription } from '../src/store/records.js';

const { Subcommand: SUBCOMMAND, String: STRING, Integer: INTEGER, Channel: CHANNEL, Boolean: BOOLEAN } = ApplicationCommandOptionType;
const SNOWFLAKE = /^\d{17,20}$/;
/** Text and announcement channels (one message a digest) and forums (one post a paper): where a digest can be read. */
const POSTABLE_CHANNEL_TYPES: ApplicationCommandOptionAllowedChannelType[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum];

const channelOption = (description: string): APIApplicationCommandChannelOption => ({
	type: CHANNEL,
	name: 'channel',
	description,
	channel_types: POSTABLE_CHANNEL_TYPES,
});

const nameOption = (description: string) => ({ type: STRING, name: 'name', description, max_length: DigestNameLimits.length, autocomplete: true }) as const;

export const data = {
	name: 'digest',
	description: 'Paper digests posted in this server’s channels',
	// Manage Server by default; server settings can widen it, so every handler checks again at run time.
	default_member_permissions: String(PermissionFlagsBits.ManageGuild),
	contexts: [InteractionContextType.Guild],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{
			type: SUBCOMMAND,
			name: 'subscribe',
			description: 'Post a digest of new papers in a channel (the same name again updates it)',
			options: [
				channelOption('Where to post: a text channel, or a forum for one post per paper (default: here)'),
				nameOption(`A name, to have up to ${DigestNameLimits.perChannel} digests in a channel (default: default)`),
				{ type: STRING, name: 'time', description: '24-hour HH:MM, e.g. 09:00 (default 09:00)' },
				{ type: STRING, name: 'timezone', description: 'Time zone: start typing a city, e.g. London (default UTC)', autocomplete: true },
				{ type: STRING, name: 'topics', description: 'Comma-separated topics, e.g. diffusion, LLM agents (default: every new paper)' },
				{
					type: INTEGER,
					name: 'max_papers',
					description: `Most papers per digest (1–${DigestLimits.maxPapers}, default 10)`,
					min_value: DigestLimits.minPapers,
					max_value: DigestLimits.maxPapers,
				},
				{
					type: STRING,
					name: 'frequency',
					description: 'How often (default daily)',
					choices: FREQUENCIES.map((frequency) => ({ name: frequency, value: frequency })),
				},
				{ type: STRING, name: 'day', description: 'The day of a weekly digest (default Monday)', choices: WEEKDAY_CHOICES.map((day) => ({ ...day })) },
				{
					type: STRING,
					name: 'include',
					description: 'Only papers with one of these comma-separated words or phrases (none: clear)',
					max_length: FilterLimits.phrases * (FilterLimits.phraseLength + 1),
				},
				{
					type: STRING,
					name: 'exclude',
					description: 'Drop papers with any of these comma-separated words or phrases (none: clear)',
					max_length: FilterLimits.phrases * (FilterLimits.phraseLength + 1),
				},
				{ type: STRING, name: 'authors', description: 'Also follow these comma-separated authors, by full name (none: clear)' },
				{ type: BOOLEAN, name: 'thread', description: 'Text channels: open a discussion thread on each digest' },
			],
		},
		{
			type: SUBCOMMAND,
			name: 'unsubscribe',
			description: 'Stop one of a channel’s digests',
			options: [
				channelOption('Which channel (default: this one)'),
				nameOption('Which of its digests (default: default)'),
				// A deleted channel can no longer be picked in a channel option, so its digest is named by id.
				{ type: STRING, name: 'channel_id', description: 'Or the id of a deleted channel, as /digest list shows it' },
			],
		},
		{ type: SUBCOMMAND, name: 'list', description: 'This server’s digests: names, schedule, topics, next run, last delivery, pauses' },
		{
			type: SUBCOMMAND,
			name: 'preview',
			description: 'See what this channel’s digest would post right now (only you see it)',
			options: [{ type: STRING, name: 'topics', description: 'Try other comma-separated topics' }, nameOption('Which of its digests (default: default)')],
		},
		{
			type: SUBCOMMAND,
			name: 'resume',
			description: 'Restart a paused digest after fixing the bot’s permissions',
			options: [channelOption('Which channel (default: this one)'), nameOption('Which of its digests (default: default)')],
		},
	],
} satisfies CommandData;

type Requirement = readonly [bigint, string];

const TEXT_PERMISSIONS: readonly Requirement[] = [
	[PermissionFlagsBits.ViewChannel, 'View Channel'],
	[PermissionFlagsBits.SendMessages, 'Send Messages'],
	[PermissionFlagsBits.EmbedLinks, 'Embed Links'],
];
/** In a forum, Send Messages is what Discord's settings call Create Posts. */
const FORUM_PERMISSIONS: readonly Requirement[] = [
	[PermissionFlagsBits.ViewChannel, 'View Channel'],
	[PermissionFlagsBits.SendMessages, 'Create Posts'],
	[PermissionFlagsBits.EmbedLinks, 'Embed Links'],
];
const THREAD_PERMISSIONS: readonly Requirement[] = [
	[PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
	[PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
];

/** What a digest of this kind needs from the bot in its channel. */
function requiredPermissions(kind: 'text' | 'forum', thread: boolean): readonly Requirement[] {
	if (kind === 'forum') return FORUM_PERMISSIONS;
	return thread ? [...TEXT_PERMISSIONS, ...THREAD_PERMISSIONS] : TEXT_PERMISSIONS;
}

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	const guildId = requireManager(interaction);
	switch (interaction.options.getSubcommand()) {
		case 'subscribe':
			return subscribe(interaction, context, guildId);
		case 'unsubscribe': {
			const channelId = unsubscribeTarget(interaction);
			const name = parseDigestName(interaction.options.getString('name'));
			await unsubscribeChannel(context.store, guildId, channelId, name);
			context.schedulesChanged();
			return replyEphemeral(
				interaction,
				channelGone(interaction, channelId) ? DigestReplies.unsubscribedGone(channelId) : DigestReplies.unsubscribed(channelId, name),
			);
		}
		case 'list':
			return list(interaction, context, guildId);
		case 'preview':
			return preview(interaction, context, guildId);
		case 'resume': {
			const channelId = targetChannelId(interaction);
			const name = parseDigestName(interaction.options.getString('name'));
			const stored = await getSubscription(context.store, guildId, channelId, name);
			if (stored) checkBotCanPost(interaction, channelId, stored.channelKind === 'forum' ? 'forum' : 'text', stored.thread === true);
			const resumed = await resumeSubscription(context.store, guildId, channelId, context.clock(), name);
			context.schedulesChanged();
			return replyEphemeral(interaction, DigestReplies.resumed(resumed, nextRunAt(resumed, context.clock())));
		}
		default:
			throw new UserError('Unknown /digest subcommand. Commands may be updating; try again in a minute.');
	}
}

async function subscribe(interaction: ChatInputCommandInteraction, context: BotContext, guildId: string): Promise<void> {
	const channelId = targetChannelId(interaction);
	const { options } = interaction;
	const kind = channelKindOf(interaction, channelId);
	const optional = <T>(value: T | null): T | undefined => value ?? undefined;
	const input: SubscribeInput = {
		guildId,
		channelId,
		userId: interaction.user.id,
		name: optional(options.getString('name')),
		time: optional(options.getString('time')),
		timezone: optional(options.getString('timezone')),
		topics: optional(options.getString('topics')),
		maxPapers: optional(options.getInteger('max_papers')),
		frequency: optional(options.getString('frequency')),
		day: optional(options.getString('day')),
		include: optional(options.getString('include')),
		exclude: optional(options.getString('exclude')),
		authors: optional(options.getString('authors')),
		thread: optional(options.getBoolean('thread')),
		channelKind: kind,
	};
	// Bad input is reported before a permission problem: it is the one the admin just typed.
	validateSubscribeInput(input);
	// One read for both: the digest being changed, if any, and whether there is room for a new one.
	const name = parseDigestName(input.name);
	const guildDigests = await listGuildSubscriptions(context.store, guildId);
	const existing = guildDigests.find((digest) => digest.channelId === channelId && digestNameOf(digest) === name);
	checkBotCanPost(interaction, channelId, kind, input.thread ?? existing?.thread === true);
	const topics = input.topics === undefined ? (existing?.topics ?? []) : parseTopics(input.topics);
	const forumTags = kind === 'forum' ? checkForumTags(interaction, channelId, topics) : undefined;
	checkDigestRoomIn(guildDigests, channelId, input.name);
	const now = context.clock();
	const { subscription, created, defaultedWeekday } = await subscribeChannel(context.store, input, now, { existing });
	context.schedulesChanged();
	context.logger.info('digest subscribed', {
		guildId,
		channelId,
		name: digestNameOf(subscription),
		created,
		time: subscription.time,
		timezone: subscription.timezone,
		frequency: subscription.frequency ?? 'daily',
		topics: subscription.topics.length,
		kind,
	});
	const readsHistory = botPermissionsIn(interaction, channelId).has(PermissionFlagsBits.ReadMessageHistory, true);
	const reply = DigestReplies.subscribed(subscription, nextRunAt(subscription, now), created, { defaultedWeekday, ...(forumTags ? { forumTags } : {}) });
	await replyEphemeral(interaction, readsHistory ? reply : `${reply}\n${DigestReplies.noHistoryWarning(channelId)}`);
}

/**
 * A forum's tags named like the digest's topics (applied to matching posts). A forum that requires a tag on every post
 * and has none named like a topic would refuse every post: refused here instead, naming its tags.
 */
function checkForumTags(interaction: ChatInputCommandInteraction, channelId: string, topics: readonly string[]): string[] {
	const channel = interaction.guild?.channels.cache.get(channelId);
	if (!channel || channel.type !== ChannelType.GuildForum) return [];
	const available = channel.availableTags.map((tag) => ({ id: tag.id, name: tag.name, moderated: tag.moderated }));
	const named = tagsNamedLike(topics, available).map((tag) => tag.name);
	if (named.length === 0 && channel.flags.has(ChannelFlags.RequireTag)) {
		throw new UserError(
			DigestReplies.forumNeedsTag(
				channelId,
				available.filter((tag) => !tag.moderated).map((tag) => tag.name),
			),
		);
	}
	return named;
}

async function list(interaction: ChatInputCommandInteraction, context: BotContext, guildId: string): Promise<void> {
	const subscriptions = await listGuildSubscriptions(context.store, guildId);
	const storeWarning = StoreMessages.healthWarning(context.store.health());
	if (subscriptions.length === 0) return replyEphemeral(interaction, [storeWarning, DigestReplies.noSubscriptions].filter(Boolean).join('\n'));
	const now = context.clock();
	const perChannel = new Map<string, number>();
	for (const subscription of subscriptions) perChannel.set(subscription.channelId, (perChannel.get(subscription.channelId) ?? 0) + 1);
	const lines = subscriptions.map((subscription) => {
		const gone = channelGone(interaction, subscription.channelId);
		// A channel's only digest needs no name; with several, each line says which one it is.
		const showName = (perChannel.get(subscription.channelId) ?? 0) > 1 || subscription.name !== undefined;
		return formatSubscriptionLine(subscription, nextRunAt(subscription, now), gone, gone ? [] : deliveryNotes(interaction, subscription), showName);
	});
	await interaction.reply(toReplyOptions(formatSubscriptionList(lines, storeWarning)));
}

async function preview(interaction: ChatInputCommandInteraction, context: BotContext, guildId: string): Promise<void> {
	const channelId = interaction.channelId;
	const topics = interaction.options.getString('topics') ?? undefined;
	const name = parseDigestName(interaction.options.getString('name'));
	const result = await previewDigest({
		store: context.store,
		papers: context.index.all(),
		guildId,
		channelId,
		name,
		...(topics === undefined ? {} : { topics }),
		now: context.clock(),
		matchTopics: context.matchTopics,
	});
	if (!result.payload) return replyEphemeral(interaction, DigestReplies.previewNothing(channelId, result.day));
	await interaction.reply(toReplyOptions({ ...result.payload, content: DigestReplies.previewNote(channelId), flags: EPHEMERAL_FLAG }));
}

/** Guild only, and Manage Server checked here too: a server may have opened the command to everyone. */
function requireManager(interaction: ChatInputCommandInteraction): string {
	if (!interaction.inGuild()) throw new UserError(DigestReplies.guildOnly);
	if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw new UserError(DigestReplies.needsManageServer);
	return interaction.guildId;
}

/**
 * The channel option's id, read from the raw value: resolved channel data is not always present, and its
 * `permissions` are the invoking member's anyway, not the bot's.
 */
function targetChannelId(interaction: ChatInputCommandInteraction): string {
	const value = interaction.options.get('channel')?.value;
	return typeof value === 'string' && value ? value : interaction.channelId;
}

/** `channel_id` (a deleted channel's digest) or the channel option; both at once is ambiguous. */
function unsubscribeTarget(interaction: ChatInputCommandInteraction): string {
	const typed = interaction.options.getString('channel_id');
	if (typed === null) return targetChannelId(interaction);
	if (interaction.options.get('channel')) throw new UserError(DigestReplies.channelAndChannelId);
	const id = /^\s*(?:<#(\d+)>|(\d+))\s*$/.exec(typed);
	const channelId = id?.[1] ?? id?.[2];
	if (!channelId || !SNOWFLAKE.test(channelId)) throw new UserError(DigestReplies.badChannelId(typed));
	return channelId;
}

/**
 * A channel of this server that no longer exists. The gateway cache holds every channel of a cached guild (the
 * Guilds intent), so a miss there means deleted; an uncached guild says nothing, so nothing is marked.
 */
function channelGone(interaction: ChatInputCommandInteraction, channelId: string): boolean {
	const channels = interaction.guild?.channels.cache;
	return channels !== undefined && !channels.has(channelId);
}

/** What `/digest list` adds under a channel's line: a digest that could not be confirmed, and a missing Read Message History. */
function deliveryNotes(interaction: ChatInputCommandInteraction, subscription: Subscription): string[] {
	const notes: string[] = [];
	if (subscription.unconfirmed) notes.push(DigestReplies.unconfirmedNote(subscription.unconfirmed.day, subscription.unconfirmed.reason));
	const channel = interaction.guild?.channels.cache.get(subscription.channelId);
	const permissions = channel && 'permissionsFor' in channel ? channel.permissionsFor(interaction.client.user) : null;
	if (permissions && !permissions.has(PermissionFlagsBits.ReadMessageHistory, true)) notes.push(DigestReplies.noHistoryNote);
	return notes;
}

/** Names every permission the bot lacks in the channel; a subscription it could never deliver is refused up front. */
function checkBotCanPost(interaction: ChatInputCommandInteraction, channelId: string, kind: 'text' | 'forum', thread: boolean): void {
	const permissions = botPermissionsIn(interaction, channelId);
	const missing = requiredPermissions(kind, thread)
		.filter(([flag]) => !permissions.has(flag, true))
		.map(([, name]) => name);
	if (missing.length > 0) throw new UserError(DigestReplies.botMissing(channelId, missing));
}

/** A forum gets a post per paper; anything else that can be picked is a text-like channel. */
function channelKindOf(interaction: ChatInputCommandInteraction, channelId: string): 'text' | 'forum' {
	return channelTypeOf(interaction, channelId) === ChannelType.GuildForum ? 'forum' : 'text';
}

function channelTypeOf(interaction: ChatInputCommandInteraction, channelId: string): ChannelType | undefined {
	if (channelId === interaction.channelId && interaction.channel) return interaction.channel.type;
	return interaction.guild?.channels.cache.get(channelId)?.type;
}

function botPermissionsIn(interaction: ChatInputCommandInteraction, channelId: string): Readonly<PermissionsBitField> {
	// In the invoking channel Discord tells us the bot's own permissions with the interaction.
	if (channelId === interaction.channelId && interaction.appPermissions) return interaction.appPermissions;
	// Elsewhere, compute them from the gateway cache (the Guilds intent keeps channels, roles and overwrites current).
	const channel = interaction.guild?.channels.cache.get(channelId);
	if (!channel) throw new UserError(DigestReplies.cannotSeeChannel(channelId));
	if (!isPostable(channel)) throw new UserError(DigestReplies.notTextChannel(channelId));
	const permissions = channel.permissionsFor(interaction.client.user);
	if (!permissions) throw new UserError(DigestReplies.cannotSeeChannel(channelId));
	return permissions;
}

function isPostable(channel: GuildBasedChannel): boolean {
	return channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement || channel.type === ChannelType.GuildForum;
}

/** The time zone, and the digest names of the channel being named (for unsubscribe, resume, preview and updates). */
export async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
	const focused = interaction.options.getFocused(true);
	if (focused.name === 'timezone') return interaction.respond(formatTimeZoneChoices(suggestTimeZones(String(focused.value))));
	if (focused.name !== 'name' || !interaction.inGuild() || !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return interaction.respond([]);
	const value = interaction.options.get('channel')?.value;
	const channelId = typeof value === 'string' && value ? value : interaction.channelId;
	const typed = String(focused.value).trim().toLowerCase();
	const digests = await listChannelSubscriptions(context.store, interaction.guildId, channelId);
	await interaction.respond(
		digests
			.filter((subscription) => digestNameOf(subscription).startsWith(typed))
			.slice(0, DiscordLimits.autocompleteChoices)
			.map((subscription) => ({ name: DigestReplies.digestChoice(subscription).slice(0, DiscordLimits.choiceName), value: digestNameOf(subscription) })),
	);
}

export const digestCommand: SlashCommand = { data, execute, autocomplete };
