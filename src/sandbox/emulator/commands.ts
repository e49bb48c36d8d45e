import type { Json } from './shapes.js';

export type ApiCommand = Json & { id: string; name: string; type: number; options?: Json[]; guild_id?: string };

/** Registered application commands, global and per guild, as PUT/GET /applications/{app}/commands see them. */
export class CommandRegistry {
	#global: ApiCommand[] = [];
	readonly #guild = new Map<string, ApiCommand[]>();

	constructor(
		private readonly applicationId: string,
		private readonly nextId: () => string,
	) {}

	list(guildId?: string): ApiCommand[] {
		return guildId === undefined ? this.#global : (this.#guild.get(guildId) ?? []);
	}

	/** Bulk overwrite: commands keep their id when name and type match an existing one, as on Discord. */
	overwrite(bodies: Json[], guildId?: string): ApiCommand[] {
		const existing = this.list(guildId);
		const commands = bodies.map((body) => {
			const type = typeof body.type === 'number' ? body.type : 1;
			const previous = existing.find((c) => c.name === body.name && c.type === type);
			return this.#toCommand(body, type, previous?.id ?? this.nextId(), guildId);
		});
		if (guildId === undefined) this.#global = commands;
		else this.#guild.set(guildId, commands);
		return commands;
	}

	/** Create-or-replace one command by name and type. */
	upsert(body: Json, guildId?: string): ApiCommand {
		const type = typeof body.type === 'number' ? body.type : 1;
		const others = this.list(guildId).filter((c) => !(c.name === body.name && c.type === type));
		const previous = this.list(guildId).find((c) => c.name === body.name && c.type === type);
		const command = this.#toCommand(body, type, previous?.id ?? this.nextId(), guildId);
		if (guildId === undefined) this.#global = [...others, command];
		else this.#guild.set(guildId, [...others, command]);
		return command;
	}

	/** The command an interaction in `guildId` named `name` would resolve to: guild commands shadow global ones. */
	find(name: string, guildId: string | null, type = 1): ApiCommand | undefined {
		const inGuild = guildId ? this.#guild.get(guildId)?.find((c) => c.name === name && c.type === type) : undefined;
		return inGuild ?? this.#global.find((c) => c.name === name && c.type === type);
	}

	#toCommand(body: Json, type: number, id: string, guildId?: string): ApiCommand {
		const permissions = body.default_member_permissions;
		return {
			id,
			application_id: this.applicationId,
			version: this.nextId(),
			type,
			name: String(body.name),
			name_localizations: body.name_localizations ?? null,
			description: typeof body.description === 'string' ? body.description : '',
			description_localizations: body.description_localizations ?? null,
			options: Array.isArray(body.options) ? (body.options as Json[]) : [],
			default_member_permissions: permissions === undefined || permissions === null ? null : String(permissions),
			dm_permission: body.dm_permission ?? true,
			contexts: body.contexts ?? null,
			integration_types: body.integration_types ?? [0],
			nsfw: body.nsfw ?? false,
			...(guildId === undefined ? {} : { guild_id: guildId }),
		};
	}
}
