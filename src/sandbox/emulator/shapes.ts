import { ChannelType, type EmuChannel, type EmuGuild, type EmuMember, type EmuRole, type EmuThreadState, type EmuUser, type World } from './world.js';

/** Discord's JSON shapes for the world's objects, as the API and gateway send them. */

export type Json = Record<string, unknown>;

export function toApiUser(user: EmuUser): Json {
	return {
		id: user.id,
		username: user.username,
		global_name: user.globalName,
		discriminator: '0',
		avatar: null,
		bot: user.bot,
		system: false,
		public_flags: 0,
		flags: 0,
		banner: null,
		accent_color: null,
		avatar_decoration_data: null,
		primary_guild: null,
	};
}

export function toApiRole(role: EmuRole): Json {
	return {
		id: role.id,
		name: role.name,
		description: null,
		color: 0,
		colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
		hoist: false,
		icon: null,
		unicode_emoji: null,
		position: role.position,
		permissions: role.permissions.toString(),
		managed: role.managed,
		mentionable: false,
		flags: 0,
	};
}

export function toApiMember(world: World, member: EmuMember, permissions?: bigint): Json {
	return {
		user: toApiUser(world.requireUser(member.userId)),
		nick: null,
		avatar: null,
		banner: null,
		roles: member.roleIds,
		joined_at: member.joinedAt,
		premium_since: null,
		deaf: false,
		mute: false,
		pending: false,
		flags: 0,
		communication_disabled_until: null,
		...(permissions === undefined ? {} : { permissions: permissions.toString() }),
	};
}

export function toApiChannel(world: World, channel: EmuChannel): Json {
	if (channel.type === ChannelType.DM) {
		const recipient = channel.recipientId ? world.users.get(channel.recipientId) : undefined;
		return {
			id: channel.id,
			type: ChannelType.DM,
			last_message_id: channel.lastMessageId,
			flags: 0,
			recipients: recipient ? [toApiUser(recipient)] : [],
		};
	}
	if (channel.thread) return toApiThread(channel, channel.thread);
	return {
		...(channel.type === ChannelType.GuildForum ? forumFields(channel) : {}),
		id: channel.id,
		type: channel.type,
		guild_id: channel.guildId,
		name: channel.name,
		position: channel.position,
		parent_id: null,
		topic: channel.topic,
		nsfw: false,
		last_message_id: channel.lastMessageId,
		rate_limit_per_user: 0,
		flags: channel.flags,
		permission_overwrites: channel.overwrites.map((o) => ({
			id: o.id,
			type: o.type,
			allow: o.allow.toString(),
			deny: o.deny.toString(),
		})),
	};
}

/** What a forum channel adds (ForumChannel in discord.js reads every one of these). */
function forumFields(channel: EmuChannel): Json {
	return {
		available_tags: channel.availableTags.map((tag) => ({ id: tag.id, name: tag.name, moderated: tag.moderated, emoji_id: null, emoji_name: tag.emojiName })),
		default_reaction_emoji: null,
		default_thread_rate_limit_per_user: 0,
		default_sort_order: null,
		default_forum_layout: 0,
		default_auto_archive_duration: 4320,
	};
}

/** A thread (a forum post, or a thread on a message) as Discord's ThreadResponse has it. */
export function toApiThread(channel: EmuChannel, thread: EmuThreadState): Json {
	return {
		id: channel.id,
		type: channel.type,
		guild_id: channel.guildId,
		name: channel.name,
		parent_id: channel.parentId,
		owner_id: thread.ownerId,
		last_message_id: channel.lastMessageId,
		rate_limit_per_user: 0,
		flags: channel.flags,
		message_count: thread.messageCount,
		member_count: 1,
		total_message_sent: thread.messageCount,
		applied_tags: thread.appliedTags,
		thread_metadata: {
			archived: thread.archived,
			auto_archive_duration: thread.autoArchiveDuration,
			archive_timestamp: thread.archiveTimestamp,
			locked: thread.locked,
			create_timestamp: thread.createdAt,
		},
	};
}

/** The GUILD_CREATE payload: full guild with roles, channels and members, as a bot with the Guilds intent gets it. */
export function toGuildCreate(world: World, guild: EmuGuild): Json {
	const members = [...guild.members.values()];
	const botMember = guild.members.get(world.bot.id);
	return {
		id: guild.id,
		name: guild.name,
		icon: null,
		icon_hash: null,
		splash: null,
		discovery_splash: null,
		owner_id: guild.ownerId,
		region: 'deprecated',
		afk_channel_id: null,
		afk_timeout: 300,
		widget_enabled: false,
		widget_channel_id: null,
		verification_level: 0,
		default_message_notifications: 0,
		explicit_content_filter: 0,
		roles: guild.roles.map(toApiRole),
		emojis: [],
		stickers: [],
		features: [],
		mfa_level: 0,
		application_id: null,
		system_channel_id: guild.channelIds[0] ?? null,
		system_channel_flags: 0,
		rules_channel_id: null,
		max_presences: null,
		max_members: 500000,
		vanity_url_code: null,
		description: null,
		banner: null,
		premium_tier: 0,
		premium_subscription_count: 0,
		preferred_locale: guild.locale,
		public_updates_channel_id: null,
		max_video_channel_users: 25,
		max_stage_video_channel_users: 50,
		nsfw_level: 0,
		nsfw: false,
		premium_progress_bar_enabled: false,
		safety_alerts_channel_id: null,
		incidents_data: null,
		joined_at: botMember?.joinedAt ?? new Date(0).toISOString(),
		large: false,
		unavailable: false,
		member_count: members.length,
		lazy: true,
		voice_states: [],
		members: members.map((member) => toApiMember(world, member)),
		channels: guild.channelIds.map((id) => toApiChannel(world, world.requireChannel(id))),
		// Active threads come with the guild, as Discord sends them; archived ones are fetched on demand.
		threads: [...world.channels.values()]
			.filter((channel) => channel.guildId === guild.id && channel.thread && !channel.thread.archived)
			.map((channel) => toApiChannel(world, channel)),
		presences: [],
		stage_instances: [],
		guild_scheduled_events: [],
		soundboard_sounds: [],
		embedded_activities: [],
		activity_instances: [],
		application_command_counts: {},
		version: 0,
	};
}
