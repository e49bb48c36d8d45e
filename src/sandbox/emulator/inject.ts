import { ApplicationCommandOptionType as OptionType } from 'discord-api-types/v10';
import { DiscordLimits } from '../../cards/limits.js';
import type { ApiCommand } from './commands.js';
import type { ApiMessage } from './messages.js';
import { toApiChannel, toApiMember, toApiUser, type Json } from './shapes.js';
import { ChannelType, type World } from './world.js';

export type OptionValue = string | number | boolean;
/** Options as a name → value map (types come from the registered command, else from the JS value) or raw Discord options. */
export type InjectOptions = Record<string, OptionValue> | Json[];

export interface InjectTarget {
	/** Default: the sandbox's ordinary user. */
	userId?: string;
	/** Default: the channel's guild, else the sandbox guild. */
	guildId?: string;
	/** Default: the guild's first text channel (`#papers`). A DM channel id makes it a DM interaction. */
	channelId?: string;
	/** Shortcut for a DM interaction with `userId`. */
	dm?: boolean;
	locale?: string;
}

export interface InjectCommandInput extends InjectTarget {
	name: string;
	subcommandGroup?: string;
	subcommand?: string;
	options?: InjectOptions;
}

export interface InjectAutocompleteInput extends InjectCommandInput {
	/** The option being typed; default: the last one given. */
	focused?: string;
}

export interface ResolvedTarget {
	guildId: string | null;
	channelId: string;
	userId: string;
}

export function resolveTarget(world: World, defaults: { guildId: string; userId: string }, input: InjectTarget): ResolvedTarget {
	const userId = input.userId ?? defaults.userId;
	world.requireUser(userId);
	if (input.dm) return { guildId: null, channelId: world.openDm(userId).id, userId };
	if (input.channelId) {
		const channel = world.requireChannel(input.channelId);
		return { guildId: channel.guildId, channelId: channel.id, userId };
	}
	const guild = world.requireGuild(input.guildId ?? defaults.guildId);
	const channelId = guild.channelIds.find((id) => world.channels.get(id)?.type === ChannelType.GuildText);
	if (!channelId) throw new Error(`emulator: guild ${guild.id} has no text channel`);
	return { guildId: guild.id, channelId, userId };
}

/** `data` of a chat-input or autocomplete interaction, shaped like Discord's (subcommands nest the options). */
export function buildCommandData(
	command: ApiCommand | undefined,
	input: InjectAutocompleteInput,
	fallbackId: string,
	autocomplete: boolean,
): { data: Json; focusedType?: number } {
	let definitions = command?.options ?? [];
	const wrap: { name: string; type: number }[] = [];
	for (const [name, type] of [
		[input.subcommandGroup, OptionType.SubcommandGroup],
		[input.subcommand, OptionType.Subcommand],
	] as const) {
		if (name === undefined) continue;
		wrap.push({ name, type });
		definitions = (definitions.find((o) => o.name === name)?.options as Json[] | undefined) ?? [];
	}
	let focusedType: number | undefined;
	let leaf: Json[];
	if (Array.isArray(input.options)) {
		leaf = input.options;
	} else {
		const entries = Object.entries(input.options ?? {});
		const focusedName = autocomplete ? (input.focused ?? entries.at(-1)?.[0]) : undefined;
		leaf = entries.map(([name, value]) => {
			const type = (definitions.find((o) => o.name === name)?.type as number | undefined) ?? inferType(value);
			if (name !== focusedName) return { name, type, value };
			focusedType = type;
			// Discord sends what the user has typed so far, always as a string.
			return { name, type, value: String(value), focused: true };
		});
		if (autocomplete && focusedName !== undefined && !entries.some(([name]) => name === focusedName)) {
			const type = (definitions.find((o) => o.name === focusedName)?.type as number | undefined) ?? OptionType.String;
			focusedType = type;
			leaf.push({ name: focusedName, type, value: '', focused: true });
		}
	}
	const options = wrap.reduceRight<Json[]>((inner, level) => [{ name: level.name, type: level.type, options: inner }], leaf);
	const data: Json = {
		id: command?.id ?? fallbackId,
		name: input.name,
		type: 1,
		...(options.length > 0 ? { options } : {}),
		...(command?.guild_id ? { guild_id: command.guild_id } : {}),
	};
	return focusedType === undefined ? { data } : { data, focusedType };
}

/**
 * Discord only offers the server's existing channels for a CHANNEL option, so an id of a deleted or foreign
 * channel can never arrive in one; the emulator refuses to fake such an interaction rather than let the bot rely on it.
 */
export function requireChannelOptions(world: World, guildId: string | null, options: unknown): void {
	if (!Array.isArray(options)) return;
	for (const option of options as Json[]) {
		requireChannelOptions(world, guildId, option.options);
		if (option.type !== OptionType.Channel || option.focused === true) continue;
		const channel = world.channels.get(String(option.value));
		if (!channel || (guildId !== null && channel.guildId !== guildId)) {
			throw new Error(
				`emulator: option ${String(option.name)}: ${String(option.value)} is not a channel of this server (Discord only offers existing channels)`,
			);
		}
	}
}

function inferType(value: OptionValue): number {
	if (typeof value === 'boolean') return OptionType.Boolean;
	if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
	return OptionType.String;
}

/** Finds a button on a message by custom_id (or label), depth-first through rows and sections. */
export function findButton(message: ApiMessage, match: { customId?: string; label?: string }): Json | undefined {
	const visit = (components: unknown): Json | undefined => {
		if (!Array.isArray(components)) return undefined;
		for (const component of components as Json[]) {
			if (
				component.type === 2 &&
				((match.customId !== undefined && component.custom_id === match.customId) || (match.label !== undefined && component.label === match.label))
			) {
				return component;
			}
			const inner = visit(component.components) ?? (component.accessory ? visit([component.accessory]) : undefined);
			if (inner) return inner;
		}
		return undefined;
	};
	return visit(message.components);
}

/** Every field discord.js 14 reads from an INTERACTION_CREATE payload. */
export function buildInteractionPayload(
	world: World,
	input: { id: string; token: string; type: number; data: Json; target: ResolvedTarget; message?: ApiMessage; locale?: string },
): Json {
	const { target } = input;
	const user = world.requireUser(target.userId);
	const channel = world.requireChannel(target.channelId);
	const appPermissions = world.permissionsIn(world.bot.id, channel.id);
	const base: Json = {
		id: input.id,
		application_id: world.application.id,
		type: input.type,
		data: input.data,
		channel: { ...toApiChannel(world, channel), ...(channel.guildId ? { permissions: appPermissions.toString() } : {}) },
		channel_id: channel.id,
		token: input.token,
		version: 1,
		app_permissions: appPermissions.toString(),
		locale: input.locale ?? user.locale,
		entitlements: [],
		attachment_size_limit: DiscordLimits.attachmentBytes,
		...(input.message ? { message: input.message } : {}),
	};
	if (target.guildId === null) {
		return { ...base, user: toApiUser(user), context: 1, authorizing_integration_owners: { '0': world.application.id } };
	}
	const guild = world.requireGuild(target.guildId);
	const member = guild.members.get(user.id);
	if (!member) throw new Error(`emulator: user ${user.id} is not a member of guild ${guild.id}`);
	return {
		...base,
		guild_id: guild.id,
		guild: { id: guild.id, locale: guild.locale, features: [] },
		guild_locale: guild.locale,
		member: toApiMember(world, member, world.permissionsIn(user.id, channel.id)),
		context: 0,
		authorizing_integration_owners: { '0': guild.id },
	};
}
