import { ChannelType } from 'discord-api-types/v10';
import { REQUIRE_TAG_FLAG } from '../../cards/limits.js';
import type { EmulatorCore } from './core.js';
import { DiscordErrors } from './errors.js';
import { Permission } from './permissions.js';
import type { RouteDef } from './router.js';
import { requireContent } from './routes-interactions.js';
import { toApiChannel, type Json } from './shapes.js';
import { validateBody } from './validation.js';
import type { EmuChannel } from './world.js';

/**
 * Threads as a digest uses them: a forum post (a thread with its first message, tags applied), a thread started on a
 * message, and the two listings a bot reads back (the guild's active threads, a channel's archived public ones).
 * Bodies are checked against discord-api-spec (thread name 1–100 characters, at most 5 applied tags, the message's own
 * limits), tags against the forum's `available_tags`, permissions as Discord checks them.
 */
export function threadRoutes(core: EmulatorCore): RouteDef[] {
	return [
		{
			method: 'POST',
			template: '/channels/{channel_id}/threads',
			auth: 'bot',
			messageBucket: 'channel_id',
			handle: (ctx) => {
				const forum = requireVisible(core, ctx.params.channel_id);
				if (forum.type !== ChannelType.GuildForum && forum.type !== ChannelType.GuildMedia) throw DiscordErrors.wrongChannelType();
				validateBody('forumThreadCreate', ctx.body);
				const body = ctx.body as Json;
				const message = body.message as Json;
				requireContent(message);
				const permissions = core.world.permissionsIn(core.world.bot.id, forum.id);
				// Create Posts is the Send Messages bit in a forum.
				if (!(permissions & Permission.SendMessages)) throw DiscordErrors.missingPermissions();
				if (Array.isArray(message.embeds) && message.embeds.length > 0 && !(permissions & Permission.EmbedLinks)) throw DiscordErrors.missingPermissions();
				const appliedTags = checkAppliedTags(forum, body.applied_tags, permissions);
				const id = core.nextId();
				const thread = core.world.addThread({
					id,
					parentId: forum.id,
					name: String(body.name),
					ownerId: core.world.bot.id,
					appliedTags,
					...(typeof body.auto_archive_duration === 'number' ? { autoArchiveDuration: body.auto_archive_duration } : {}),
				});
				core.emit('thread', toApiChannel(core.world, thread));
				const starter = core.messages.create(thread.id, message, { id });
				forum.lastMessageId = thread.id;
				const channel = toApiChannel(core.world, thread);
				core.dispatch('THREAD_CREATE', { ...channel, newly_created: true }, thread.guildId);
				return { status: 201, body: { ...channel, message: starter } };
			},
		},
		{
			method: 'POST',
			template: '/channels/{channel_id}/messages/{message_id}/threads',
			auth: 'bot',
			handle: (ctx) => {
				const channel = requireVisible(core, ctx.params.channel_id);
				if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) throw DiscordErrors.wrongChannelType();
				validateBody('threadFromMessage', ctx.body);
				const message = core.messages.get(channel.id, ctx.params.message_id ?? '');
				if (!message) throw DiscordErrors.unknownMessage();
				if (!(core.world.permissionsIn(core.world.bot.id, channel.id) & Permission.CreatePublicThreads)) throw DiscordErrors.missingPermissions();
				// One thread per message, and it takes the message's id.
				if (core.world.channels.has(message.id)) throw DiscordErrors.threadAlreadyCreated();
				const body = ctx.body as Json;
				const thread = core.world.addThread({
					id: message.id,
					parentId: channel.id,
					name: String(body.name),
					ownerId: core.world.bot.id,
					type: channel.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread,
					...(typeof body.auto_archive_duration === 'number' ? { autoArchiveDuration: body.auto_archive_duration } : {}),
				});
				const shown = toApiChannel(core.world, thread);
				core.messages.markThread(channel.id, message.id, shown);
				core.emit('thread', shown);
				core.dispatch('THREAD_CREATE', { ...shown, newly_created: true }, thread.guildId);
				return { status: 201, body: shown };
			},
		},
		{
			method: 'GET',
			template: '/guilds/{guild_id}/threads/active',
			auth: 'bot',
			handle: (ctx) => {
				const guild = core.world.guilds.get(ctx.params.guild_id ?? '');
				if (!guild?.members.has(core.world.bot.id)) throw DiscordErrors.unknownGuild();
				const threads = [...core.world.channels.values()].filter(
					(channel) => channel.guildId === guild.id && channel.thread && !channel.thread.archived && canView(core, channel),
				);
				return { status: 200, body: { threads: threads.map((thread) => toApiChannel(core.world, thread)), members: [] } };
			},
		},
		{
			method: 'GET',
			template: '/channels/{channel_id}/threads/archived/public',
			auth: 'bot',
			handle: (ctx) => {
				const channel = requireVisible(core, ctx.params.channel_id);
				if (!(core.world.permissionsIn(core.world.bot.id, channel.id) & Permission.ReadMessageHistory)) throw DiscordErrors.missingAccess();
				const archived = core.world
					.threadsOf(channel.id)
					.filter((thread) => thread.thread?.archived && thread.type !== ChannelType.PrivateThread)
					.sort((a, b) => ((b.thread?.archiveTimestamp ?? '') > (a.thread?.archiveTimestamp ?? '') ? 1 : -1));
				return { status: 200, body: { threads: archived.map((thread) => toApiChannel(core.world, thread)), members: [], has_more: false } };
			},
		},
	];
}

/** 10003 for a channel that does not exist, 50001 for one the bot cannot see. */
function requireVisible(core: EmulatorCore, channelId: string | undefined): EmuChannel {
	const channel = core.world.channels.get(channelId ?? '');
	if (!channel) throw DiscordErrors.unknownChannel();
	if (!canView(core, channel)) throw DiscordErrors.missingAccess();
	return channel;
}

function canView(core: EmulatorCore, channel: EmuChannel): boolean {
	return channel.guildId === null || (core.world.permissionsIn(core.world.bot.id, channel.id) & Permission.ViewChannel) !== 0n;
}

/**
 * Every applied tag must be one of the forum's (the schema already caps them at 5); a moderated one needs Manage
 * Threads; a forum with REQUIRE_TAG refuses a post without one, as Discord does.
 */
function checkAppliedTags(forum: EmuChannel, raw: unknown, permissions: bigint): string[] {
	const tags = Array.isArray(raw) ? raw.map(String) : [];
	for (const [index, id] of tags.entries()) {
		const tag = forum.availableTags.find((candidate) => candidate.id === id);
		if (!tag) {
			throw DiscordErrors.invalidFormBody({
				applied_tags: { [index]: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value "${id}" is not a tag of this channel.` }] } },
			});
		}
		if (tag.moderated && !(permissions & Permission.ManageThreads)) throw DiscordErrors.missingPermissions();
	}
	if (tags.length === 0 && (forum.flags & REQUIRE_TAG_FLAG) !== 0) throw DiscordErrors.tagRequired();
	return [...new Set(tags)];
}
