import {
	ApplicationCommandOptionType,
	ApplicationIntegrationType,
	InteractionContextType,
	type APIApplicationCommandChannelOption,
	type ApplicationCommandOptionAllowedChannelType,
} from 'discord-api-types/v10';
import { ChannelType, PermissionFlagsBits, type AutocompleteInteraction, type ChatInputCommandInteraction, type PermissionsBitField } from 'discord.js';
import { formatTimeZoneChoices } from '../src/cards/autocomplete.js';
import { EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { parseDigestTime, parseMaxPapers, parseTimeZone, parseTopics, DigestLimits } from '../src/digests/inputs.js';
import { previewDigest } from '../src/digests/preview.js';
import { nextRunAt } from '../src/digests/schedule.js';
import { suggestTimeZones } from '../src/digests/time-zones.js';
import { listGuildSubscriptions, resumeSubscription, subscribeChannel, unsubscribeChannel } from '../src/digests/subscriptions.js';
import type { CommandData, SlashCommand } from '../src/discord/command.js';
import type { BotContext } from '../src/discord/context.js';
import { DigestReplies, formatSubscriptionLine, formatSubscriptionList } from '../src/discord/digest-replies.js';
import { replyEphemeral } from '../src/discord/dispatcher.js';
import { toReplyOptions } from '../src/discord/payload.js';
import { UserError } from '../src/errors.js';
import { StoreMessages } from '../src/store/messages.js';
import type { Subscription } from '../src/store/records.js';

const { Subcommand: SUBCOMMAND, String: STRING, Integer: INTEGER, Channel: CHANNEL } = ApplicationCommandOptionType;
const SNOWFLAKE = /^\d{17,20}$/;
/** Text and announcement channels: where a digest can be read. */
const POSTABLE_CHANNEL_TYPES: ApplicationCommandOptionAllowedChannelType[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];

const channelOption = (description: string): APIApplicationCommandChannelOption => ({
	type: CHANNEL,
	name: 'channel',
	description,
	channel_types: POSTABLE_CHANNEL_TYPES,
});

export const data = {
	name: 'digest',
	description: 'Daily paper digests posted in this server’s channels',
	// Manage Server by default; server settings can widen it, so every handler checks again at run time.
	default_member_permissions: String(PermissionFlagsBits.ManageGuild),
	contexts: [InteractionContextType.Guild],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{
			type: SUBCOMMAND,
			name: 'subscribe',
			description: 'Post a daily digest of new papers in a channel (subscribing again updates it)',
			options: [
				channelOption('Where to post (default: this channel)'),
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
			],
		},
		{
			type: SUBCOMMAND,
			name: 'unsubscribe',
			description: 'Stop a channel’s digest',
			options: [
				channelOption('Which channel (default: this one)'),
				// A deleted channel can no longer be picked in a channel option, so its digest is named by id.
				{ type: STRING, name: 'channel_id', description: 'Or the id of a deleted channel, as /digest list shows it' },
			],
		},
		{ type: SUBCOMMAND, name: 'list', description: 'This server’s digests: schedule, topics, next run, last delivery, pauses' },
		{
			type: SUBCOMMAND,
			name: 'preview',
			description: 'See what this channel’s digest would post right now (only you see it)',
			options: [{ type: STRING, name: 'topics', description: 'Try other comma-separated topics' }],
		},
		{
			type: SUBCOMMAND,
			name: 'resume',
			description: 'Restart a paused digest after fixing the bot’s permissions',
			options: [channelOption('Which channel (default: this one)')],
		},
	],
} satisfies CommandData;

const REQUIRED_PERMISSIONS = [
	[PermissionFlagsBits.ViewChannel, 'View Channel'],
	[PermissionFlagsBits.SendMessages, 'Send Messages'],
	[PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	const guildId = requireManager(interaction);
	switch (interaction.options.getSubcommand()) {
		case 'subscribe':
			return subscribe(interaction, context, guildId);
		case 'unsubscribe': {
			const channelId = unsubscribeTarget(interaction);
			await unsubscribeChannel(context.store, guildId, channelId);
			context.schedulesChanged();
			return replyEphemeral(
				interaction,
				channelGone(interaction, channelId) ? DigestReplies.unsubscribedGone(channelId) : DigestReplies.unsubscribed(channelId),
			);
		}
		case 'list':
			return list(interaction, context, guildId);
		case 'preview':
			return preview(interaction, context, guildId);
		case 'resume': {
			const channelId = targetChannelId(interaction);
			checkBotCanPost(interaction, channelId);
			const resumed = await resumeSubscription(context.store, guildId, channelId, context.clock());
			context.schedulesChanged();
			return replyEphemeral(interaction, DigestReplies.resumed(resumed, nextRunAt(resumed, context.clock())));
		}
		default:
			throw new UserError('Unknown /digest subcommand. Commands may be updating; try again in a minute.');
	}
}

async function subscribe(interaction: ChatInputCommandInteraction, context: BotContext, guildId: string): Promise<void> {
	const channelId = targetChannelId(interaction);
	const input = {
		guildId,
		channelId,
		userId: interaction.user.id,
		time: interaction.options.getString('time') ?? undefined,
		timezone: interaction.options.getString('timezone') ?? undefined,
		topics: interaction.options.getString('topics') ?? undefined,
		maxPapers: interaction.options.getInteger('max_papers') ?? undefined,
	};
	// Bad input is reported before a permission problem: it is the one the admin just typed.
	if (input.time !== undefined) parseDigestTime(input.time);
	if (input.timezone !== undefined) parseTimeZone(input.timezone);
	if (input.topics !== undefined) parseTopics(input.topics);
	if (input.maxPapers !== undefined) parseMaxPapers(input.maxPapers);
	checkBotCanPost(interaction, channelId);
	const now = context.clock();
	const { subscription, created } = await subscribeChannel(context.store, input, now);
	context.schedulesChanged();
	context.logger.info('digest subscribed', {
		guildId,
		channelId,
		created,
		time: subscription.time,
		timezone: subscription.timezone,
		topics: subscription.topics.length,
	});
	const readsHistory = botPermissionsIn(interaction, channelId).has(PermissionFlagsBits.ReadMessageHistory, true);
	const reply = DigestReplies.subscribed(subscription, nextRunAt(subscription, now), created);
	await replyEphemeral(interaction, readsHistory ? reply : `${reply}\n${DigestReplies.noHistoryWarning(channelId)}`);
}

async function list(interaction: ChatInputCommandInteraction, context: BotContext, guildId: string): Promise<void> {
	const subscriptions = await listGuildSubscriptions(context.store, guildId);
	const storeWarning = StoreMessages.healthWarning(context.store.health());
	if (subscriptions.length === 0) return replyEphemeral(interaction, [storeWarning, DigestReplies.noSubscriptions].filter(Boolean).join('\n'));
	const now = context.clock();
	const lines = subscriptions.map((subscription) => {
		const gone = channelGone(interaction, subscription.channelId);
		return formatSubscriptionLine(subscription, nextRunAt(subscription, now), gone, gone ? [] : deliveryNotes(interaction, subscription));
	});
	await interaction.reply(toReplyOptions(formatSubscriptionList(lines, storeWarning)));
}

async function preview(interaction: ChatInputCommandInteraction, context: BotContext, guildId: string): Promise<void> {
	const channelId = interaction.channelId;
	const topics = interaction.options.getString('topics') ?? undefined;
	const result = await previewDigest({
		store: context.store,
		papers: context.index.all(),
		guildId,
		channelId,
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
function checkBotCanPost(interaction: ChatInputCommandInteraction, channelId: string): void {
	const permissions = botPermissionsIn(interaction, channelId);
	const missing = REQUIRED_PERMISSIONS.filter(([flag]) => !permissions.has(flag, true)).map(([, name]) => name);
	if (missing.length > 0) throw new UserError(DigestReplies.botMissing(channelId, missing));
}

function botPermissionsIn(interaction: ChatInputCommandInteraction, channelId: string): Readonly<PermissionsBitField> {
	// In the invoking channel Discord tells us the bot's own permissions with the interaction.
	if (channelId === interaction.channelId && interaction.appPermissions) return interaction.appPermissions;
	// Elsewhere, compute them from the gateway cache (the Guilds intent keeps channels, roles and overwrites current).
	const channel = interaction.guild?.channels.cache.get(channelId);
	if (!channel) throw new UserError(DigestReplies.cannotSeeChannel(channelId));
	if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) throw new UserError(DigestReplies.notTextChannel(channelId));
	const permissions = channel.permissionsFor(interaction.client.user);
	if (!permissions) throw new UserError(DigestReplies.cannotSeeChannel(channelId));
	return permissions;
}

/** Only the time zone autocompletes here. */
export async function autocomplete(interaction: AutocompleteInteraction): Promise<void> {
	const focused = interaction.options.getFocused(true);
	await interaction.respond(focused.name === 'timezone' ? formatTimeZoneChoices(suggestTimeZones(String(focused.value))) : []);
}

export const digestCommand: SlashCommand = { data, execute, autocomplete };
