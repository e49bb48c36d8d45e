import { ChannelType } from 'discord-api-types/v10';
import { DiscordLimits } from '../../cards/limits.js';
import {
	DEFAULT_EVERYONE_PERMISSIONS,
	Permission,
	computeChannelPermissions,
	resolvePermissions,
	type Overwrite,
	type PermissionInput,
} from './permissions.js';

export interface EmuUser {
	id: string;
	username: string;
	globalName: string | null;
	bot: boolean;
	/** A user who closed DMs from server members: the bot can open the DM but sending fails with 50007. */
	dmsClosed: boolean;
	locale: string;
}

export interface EmuRole {
	id: string;
	name: string;
	permissions: bigint;
	position: number;
	managed: boolean;
}

export interface EmuMember {
	userId: string;
	roleIds: string[];
	joinedAt: string;
}

export interface EmuGuild {
	id: string;
	name: string;
	ownerId: string;
	locale: string;
	roles: EmuRole[];
	members: Map<string, EmuMember>;
	channelIds: string[];
}

export { ChannelType } from 'discord-api-types/v10';

export interface EmuChannel {
	id: string;
	type: number;
	name: string | null;
	guildId: string | null;
	position: number;
	topic: string | null;
	overwrites: Overwrite[];
	/** For DM channels: the user on the other side. */
	recipientId: string | null;
	lastMessageId: string | null;
	/** A thread's channel (a forum post's forum); null otherwise. */
	parentId: string | null;
	/** Channel flags (a forum's REQUIRE_TAG is 1 << 4). */
	flags: number;
	/** A forum's tags; empty for other channels. */
	availableTags: EmuForumTag[];
	/** Set on threads (and forum posts). */
	thread?: EmuThreadState;
}

export interface EmuForumTag {
	id: string;
	name: string;
	moderated: boolean;
	emojiName: string | null;
}

export interface EmuThreadState {
	ownerId: string;
	appliedTags: string[];
	archived: boolean;
	locked: boolean;
	/** Minutes: 60, 1440, 4320 or 10080. */
	autoArchiveDuration: number;
	archiveTimestamp: string;
	createdAt: string;
	messageCount: number;
}

/** Thread channel types: announcement thread, public thread, private thread. */
export const THREAD_TYPES: ReadonlySet<number> = new Set([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread]);

export function isThreadChannel(channel: Pick<EmuChannel, 'type'>): boolean {
	return THREAD_TYPES.has(channel.type);
}

export interface WorldOptions {
	botName?: string;
	/** Reuse a bot user id (and so an application id) from an earlier world. */
	botId?: string;
}

export interface EmuApplication {
	id: string;
	name: string;
	/** GATEWAY_GUILD_MEMBERS_LIMITED | APPLICATION_COMMAND_BADGE, what a small verified-less bot has. */
	flags: number;
}

/** The fake Discord's state: users, guilds, channels, permissions. Commands and messages live elsewhere. */
export class World {
	readonly users = new Map<string, EmuUser>();
	readonly guilds = new Map<string, EmuGuild>();
	readonly channels = new Map<string, EmuChannel>();
	readonly application: EmuApplication;
	readonly bot: EmuUser;
	readonly #nextId: () => string;
	readonly #now: () => string;
	/** Every id handed out, given or generated: a world rebuilt from saved ids must never mint one of them again. */
	readonly #taken = new Set<string>();

	constructor(nextId: () => string, now: () => string, options: WorldOptions = {}) {
		this.#nextId = nextId;
		this.#now = now;
		const botName = options.botName ?? 'Paperboy';
		this.bot = this.addUser({ username: botName.toLowerCase(), globalName: null, bot: true, id: options.botId });
		// Applications created since 2016 share their id with their bot user.
		this.application = { id: this.bot.id, name: botName, flags: (1 << 15) | (1 << 23) };
	}

	addUser(input: { username: string; globalName?: string | null; bot?: boolean; id?: string; locale?: string }): EmuUser {
		const user: EmuUser = {
			id: this.#claim(input.id),
			username: input.username,
			globalName: input.globalName === undefined ? input.username : input.globalName,
			bot: input.bot ?? false,
			dmsClosed: false,
			locale: input.locale ?? 'en-US',
		};
		this.users.set(user.id, user);
		return user;
	}

	/** A guild with its @everyone role (id = guild id), the bot's managed role and the bot as a member. */
	addGuild(input: { name: string; ownerId: string; id?: string; botRoleId?: string; locale?: string }): EmuGuild {
		const id = this.#claim(input.id);
		const guild: EmuGuild = {
			id,
			name: input.name,
			ownerId: input.ownerId,
			locale: input.locale ?? 'en-US',
			roles: [{ id, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS, position: 0, managed: false }],
			members: new Map(),
			channelIds: [],
		};
		this.guilds.set(id, guild);
		const botRole = this.addRole(id, {
			name: this.application?.name ?? 'Paperboy',
			permissions: DEFAULT_EVERYONE_PERMISSIONS,
			managed: true,
			id: input.botRoleId,
		});
		this.addMember(id, this.bot.id, [botRole.id]);
		if (input.ownerId !== this.bot.id) this.addMember(id, input.ownerId);
		return guild;
	}

	addRole(guildId: string, input: { name: string; permissions?: PermissionInput; managed?: boolean; id?: string }): EmuRole {
		const guild = this.requireGuild(guildId);
		const role: EmuRole = {
			id: this.#claim(input.id),
			name: input.name,
			permissions: resolvePermissions(input.permissions),
			position: guild.roles.length,
			managed: input.managed ?? false,
		};
		guild.roles.push(role);
		return role;
	}

	addMember(guildId: string, userId: string, roleIds: string[] = []): EmuMember {
		const guild = this.requireGuild(guildId);
		this.requireUser(userId);
		const member: EmuMember = { userId, roleIds, joinedAt: this.#now() };
		guild.members.set(userId, member);
		return member;
	}

	/** A guild channel; a forum (type 15) takes `availableTags` (at most 20, as Discord allows) and `flags`. */
	addChannel(input: {
		guildId: string;
		name: string;
		type?: number;
		topic?: string | null;
		id?: string;
		availableTags?: readonly { name: string; moderated?: boolean; emojiName?: string }[];
		flags?: number;
	}): EmuChannel {
		const guild = this.requireGuild(input.guildId);
		if ((input.availableTags?.length ?? 0) > DiscordLimits.forumTags) throw new Error(`emulator: a forum has at most ${DiscordLimits.forumTags} tags`);
		const channel: EmuChannel = {
			id: this.#claim(input.id),
			type: input.type ?? ChannelType.GuildText,
			name: input.name,
			guildId: guild.id,
			position: guild.channelIds.length,
			topic: input.topic ?? null,
			overwrites: [],
			recipientId: null,
			lastMessageId: null,
			parentId: null,
			flags: input.flags ?? 0,
			availableTags: (input.availableTags ?? []).map((tag) => ({
				id: this.#claim(undefined),
				name: tag.name,
				moderated: tag.moderated ?? false,
				emojiName: tag.emojiName ?? null,
			})),
		};
		guild.channelIds.push(channel.id);
		this.channels.set(channel.id, channel);
		return channel;
	}

	/** The bot's DM channel with a user; the same one every time, as on Discord. `id` rebuilds one from an earlier world. */
	openDm(userId: string, id?: string): EmuChannel {
		this.requireUser(userId);
		for (const channel of this.channels.values()) {
			if (channel.type === ChannelType.DM && channel.recipientId === userId) return channel;
		}
		const channel: EmuChannel = {
			id: this.#claim(id),
			type: ChannelType.DM,
			name: null,
			guildId: null,
			position: 0,
			topic: null,
			overwrites: [],
			recipientId: userId,
			lastMessageId: null,
			parentId: null,
			flags: 0,
			availableTags: [],
		};
		this.channels.set(channel.id, channel);
		return channel;
	}

	/**
	 * A thread in a guild channel: a forum post (type 11 in a forum), or a thread started on a message (its id is the
	 * message's, as on Discord). Threads are not in the guild's channel list; they live under their parent.
	 */
	addThread(input: {
		parentId: string;
		name: string;
		ownerId: string;
		type?: number;
		id?: string;
		appliedTags?: readonly string[];
		autoArchiveDuration?: number;
	}): EmuChannel {
		const parent = this.requireChannel(input.parentId);
		if (!parent.guildId || isThreadChannel(parent)) throw new Error(`emulator: ${parent.id} cannot hold threads`);
		const now = this.#now();
		const channel: EmuChannel = {
			id: this.#claim(input.id),
			type: input.type ?? ChannelType.PublicThread,
			name: input.name,
			guildId: parent.guildId,
			position: 0,
			topic: null,
			overwrites: [],
			recipientId: null,
			lastMessageId: null,
			parentId: parent.id,
			flags: 0,
			availableTags: [],
			thread: {
				ownerId: input.ownerId,
				appliedTags: [...(input.appliedTags ?? [])],
				archived: false,
				locked: false,
				autoArchiveDuration: input.autoArchiveDuration ?? 4320,
				archiveTimestamp: now,
				createdAt: now,
				messageCount: 0,
			},
		};
		this.channels.set(channel.id, channel);
		return channel;
	}

	/** The threads under a channel (a forum's posts), oldest first. */
	threadsOf(parentId: string): EmuChannel[] {
		return [...this.channels.values()].filter((channel) => channel.parentId === parentId && isThreadChannel(channel));
	}

	/** A guild channel deleted: its id answers 10003 Unknown Channel from now on, as on Discord. */
	deleteChannel(channelId: string): EmuChannel {
		const channel = this.requireChannel(channelId);
		if (!channel.guildId) throw new Error(`emulator: ${channelId} is a DM channel; DM channels cannot be deleted`);
		const guild = this.requireGuild(channel.guildId);
		guild.channelIds = guild.channelIds.filter((id) => id !== channelId);
		this.channels.delete(channelId);
		return channel;
	}

	/** Replaces the member-level overwrite for `memberId` (the bot by default) on a channel. */
	setMemberOverwrite(channelId: string, memberId: string, input: { allow?: PermissionInput; deny?: PermissionInput }): void {
		const channel = this.requireChannel(channelId);
		channel.overwrites = channel.overwrites.filter((o) => !(o.type === 1 && o.id === memberId));
		const allow = resolvePermissions(input.allow);
		const deny = resolvePermissions(input.deny);
		if (allow !== 0n || deny !== 0n) channel.overwrites.push({ id: memberId, type: 1, allow, deny });
	}

	/** A user's permissions in a channel; in DMs everything a DM allows; in a thread, its parent's (threads have no overwrites). */
	permissionsIn(userId: string, channelId: string): bigint {
		const own = this.requireChannel(channelId);
		const channel = isThreadChannel(own) && own.parentId ? this.requireChannel(own.parentId) : own;
		if (channel.guildId === null) {
			return (
				Permission.ViewChannel |
				Permission.SendMessages |
				Permission.EmbedLinks |
				Permission.AttachFiles |
				Permission.ReadMessageHistory |
				Permission.AddReactions |
				Permission.UseApplicationCommands
			);
		}
		const guild = this.requireGuild(channel.guildId);
		const member = guild.members.get(userId);
		if (!member) return 0n;
		return computeChannelPermissions({
			guildId: guild.id,
			isOwner: guild.ownerId === userId,
			everyone: guild.roles[0]?.permissions ?? 0n,
			memberRoles: guild.roles.filter((role) => member.roleIds.includes(role.id)),
			overwrites: channel.overwrites,
			memberId: userId,
		});
	}

	#claim(given: string | undefined): string {
		if (given !== undefined) {
			if (this.#taken.has(given)) throw new Error(`emulator: id ${given} is already used in this world`);
			this.#taken.add(given);
			return given;
		}
		let id = this.#nextId();
		while (this.#taken.has(id)) id = this.#nextId();
		this.#taken.add(id);
		return id;
	}

	requireGuild(id: string): EmuGuild {
		const guild = this.guilds.get(id);
		if (!guild) throw new Error(`emulator: unknown guild ${id}`);
		return guild;
	}

	requireUser(id: string): EmuUser {
		const user = this.users.get(id);
		if (!user) throw new Error(`emulator: unknown user ${id}`);
		return user;
	}

	requireChannel(id: string): EmuChannel {
		const channel = this.channels.get(id);
		if (!channel) throw new Error(`emulator: unknown channel ${id}`);
		return channel;
	}
}

export interface DefaultWorldIds {
	applicationId: string;
	botId: string;
	guildId: string;
	channelId: string;
	/** `#paper-talk`, a forum with a tag per common topic: where a forum digest can be tried. */
	forumChannelId: string;
	/** An ordinary member without Manage Server. */
	userId: string;
	/** A member whose role grants Manage Server (not the owner, so permission checks are real). */
	adminId: string;
	ownerId: string;
}

/**
 * Every id of the default world, plus the DM channels opened so far: what a sandbox saves so the next run
 * rebuilds the same server, and the ids its database refers to keep meaning the same things.
 */
export interface WorldIdentity extends Omit<DefaultWorldIds, 'forumChannelId'> {
	/** Absent in a world saved before the sandbox had a forum: one is added with a new id. */
	forumChannelId?: string;
	botRoleId: string;
	adminRoleId: string;
	dmChannels: { userId: string; channelId: string }[];
}

/** The sandbox forum's tags: topics the shipped seed corpus has papers on. */
export const SANDBOX_FORUM_TAGS = ['RLHF', 'diffusion', 'LLM', 'agents', 'quantization'] as const;

/**
 * The sandbox world: "Paperboy Sandbox" with #papers, a reader, an admin and an owner. Ids are minted
 * fresh, or taken from `identity` (the bot's own ids go to the World constructor).
 */
export function populateDefaultWorld(world: World, identity?: WorldIdentity): DefaultWorldIds {
	const owner = world.addUser({ username: 'owner', globalName: 'Server Owner', id: identity?.ownerId });
	const reader = world.addUser({ username: 'reader', globalName: 'Reader', id: identity?.userId });
	const admin = world.addUser({ username: 'admin', globalName: 'Admin', id: identity?.adminId });
	const guild = world.addGuild({ name: 'Paperboy Sandbox', ownerId: owner.id, id: identity?.guildId, botRoleId: identity?.botRoleId });
	const adminRole = world.addRole(guild.id, {
		name: 'Moderators',
		permissions: ['ManageGuild', 'ManageMessages', 'ManageChannels'],
		id: identity?.adminRoleId,
	});
	world.addMember(guild.id, reader.id);
	world.addMember(guild.id, admin.id, [adminRole.id]);
	const papers = world.addChannel({ guildId: guild.id, name: 'papers', topic: 'Research papers, delivered.', id: identity?.channelId });
	for (const dm of identity?.dmChannels ?? []) world.openDm(dm.userId, dm.channelId);
	// Last: its tags' ids are minted, never saved, so every saved id must be claimed before them.
	const forum = world.addChannel({
		guildId: guild.id,
		name: 'paper-talk',
		type: ChannelType.GuildForum,
		topic: 'One post per paper, to discuss it.',
		id: identity?.forumChannelId,
		availableTags: SANDBOX_FORUM_TAGS.map((name) => ({ name })),
	});
	return {
		applicationId: world.application.id,
		botId: world.bot.id,
		guildId: guild.id,
		channelId: papers.id,
		forumChannelId: forum.id,
		userId: reader.id,
		adminId: admin.id,
		ownerId: owner.id,
	};
}

/** The identity of a world built by populateDefaultWorld, as it stands now (DM channels included). */
export function readWorldIdentity(world: World, ids: DefaultWorldIds): WorldIdentity {
	const guild = world.requireGuild(ids.guildId);
	const role = (predicate: (role: EmuRole) => boolean) => guild.roles.find(predicate)?.id ?? '';
	const people = new Set([ids.userId, ids.adminId, ids.ownerId]);
	const dmChannels = [...world.channels.values()]
		.filter((channel) => channel.type === ChannelType.DM && channel.recipientId !== null && people.has(channel.recipientId))
		.map((channel) => ({ userId: channel.recipientId as string, channelId: channel.id }));
	return {
		...ids,
		botRoleId: role((candidate) => candidate.managed),
		adminRoleId: role((candidate) => candidate.name === 'Moderators'),
		dmChannels,
	};
}
