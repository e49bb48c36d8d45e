import { REST, Routes } from 'discord.js';
import type { SlashCommand } from './command.js';

export interface DeployResult {
	scope: 'guild' | 'global';
	count: number;
	names: string[];
}

/**
 * Registers the same command list the router uses: to one guild when given (instant, for development),
 * else globally. A bulk overwrite, so commands removed from the list disappear from Discord too.
 */
export async function deployCommands(rest: REST, commands: readonly SlashCommand[], guildId?: string): Promise<DeployResult> {
	const application = (await rest.get(Routes.currentApplication())) as { id: string };
	const body = commands.map((command) => command.data);
	const route = guildId ? Routes.applicationGuildCommands(application.id, guildId) : Routes.applicationCommands(application.id);
	const registered = (await rest.put(route, { body })) as { name: string }[];
	return { scope: guildId ? 'guild' : 'global', count: registered.length, names: registered.map((command) => command.name) };
}

export function createRest(apiUrl: string, token: string): REST {
	return new REST({ api: apiUrl }).setToken(token);
}
