import { PermissionFlagsBits } from 'discord-api-types/v10';
/** Discord's permission bits, from discord-api-types (the same table discord.js checks against). */
export const Permission = PermissionFlagsBits;

export type PermissionName = keyof typeof Permission;

/** Every bit Discord currently defines (up to bit 51), granted to owners and administrators. */
export const ALL_PERMISSIONS = (1n << 52n) - 1n;

/** What @everyone can do in a freshly created server. */
export const DEFAULT_EVERYONE_PERMISSIONS =
	Permission.CreateInstantInvite |
	Permission.AddReactions |
	Permission.ViewChannel |
	Permission.SendMessages |
	Permission.EmbedLinks |
	Permission.AttachFiles |
	Permission.ReadMessageHistory |
	Permission.UseExternalEmojis |
	Permission.ChangeNickname |
	Permission.UseApplicationCommands |
	Permission.CreatePublicThreads |
	Permission.CreatePrivateThreads |
	Permission.SendMessagesInThreads;

export type PermissionInput = bigint | readonly PermissionName[];

export function resolvePermissions(input: PermissionInput | undefined): bigint {
	if (input === undefined) return 0n;
	if (typeof input === 'bigint') return input;
	return input.reduce((bits, name) => bits | Permission[name], 0n);
}

export interface Overwrite {
	id: string;
	/** 0 = role, 1 = member. */
	type: 0 | 1;
	allow: bigint;
	deny: bigint;
}

/** Discord's channel permission algorithm: base from roles, then @everyone, role and member overwrites. */
export function computeChannelPermissions(input: {
	guildId: string;
	isOwner: boolean;
	everyone: bigint;
	memberRoles: { id: string; permissions: bigint }[];
	overwrites: readonly Overwrite[];
	memberId: string;
}): bigint {
	if (input.isOwner) return ALL_PERMISSIONS;
	let base = input.everyone;
	for (const role of input.memberRoles) base |= role.permissions;
	if (base & Permission.Administrator) return ALL_PERMISSIONS;

	const everyoneOverwrite = input.overwrites.find((o) => o.type === 0 && o.id === input.guildId);
	if (everyoneOverwrite) base = (base & ~everyoneOverwrite.deny) | everyoneOverwrite.allow;
	let allow = 0n;
	let deny = 0n;
	const roleIds = new Set(input.memberRoles.map((role) => role.id));
	for (const o of input.overwrites) {
		if (o.type === 0 && roleIds.has(o.id)) {
			allow |= o.allow;
			deny |= o.deny;
		}
	}
	base = (base & ~deny) | allow;
	const memberOverwrite = input.overwrites.find((o) => o.type === 1 && o.id === input.memberId);
	if (memberOverwrite) base = (base & ~memberOverwrite.deny) | memberOverwrite.allow;
	return base;
}
