import { Client, GatewayIntentBits, Partials } from 'discord.js';

/**
 * The only thing that differs between production and the sandbox is `apiUrl` (and the token).
 * Guilds is the only intent needed: interactions arrive regardless of intents.
 */
export function createDiscordClient(apiUrl: string): Client {
	return new Client({
		intents: [GatewayIntentBits.Guilds],
		partials: [Partials.Channel],
		rest: { api: apiUrl },
		allowedMentions: { parse: [] },
	});
}
