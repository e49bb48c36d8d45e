import { Client, GatewayIntentBits, Partials } from 'discord.js';
import { pacedRestOptions } from './paced-rest.js';

export interface ClientShards {
	/** The shards this process connects. */
	shards: number[];
	/** Shards across every process of the bot. */
	shardCount: number;
}

/**
 * discord.js reads these itself in the Client constructor whenever its options equal the defaults (`shardCount: 1`):
 * SHARDS as JSON (`0-3` throws) and SHARD_COUNT as a number (an empty one from .env becomes 0, also a throw).
 * Paperboy parses them in config.ts and passes the result explicitly, so they are hidden from the constructor.
 */
const SHARD_ENV = ['SHARDS', 'SHARD_COUNT'] as const;

/**
 * The only thing that differs between production and the sandbox is `apiUrl` (and the token).
 * Guilds is the only intent needed: interactions arrive regardless of intents. Shards are explicit numbers,
 * never 'auto': the bot asks GET /gateway/bot through its own REST base (see connect.ts). Requests are paced evenly
 * (paced-rest.ts), not let out a second's worth at once: straight to Discord, a one-process fan-out of 25,000 digests
 * met 40 × 429 with @discordjs/rest's fixed windows. Behind the REST proxy the proxy's pace is the one that counts.
 */
export function createDiscordClient(apiUrl: string, sharding: ClientShards = { shards: [0], shardCount: 1 }): Client {
	const hidden = SHARD_ENV.filter((name) => name in process.env).map((name) => [name, process.env[name]] as const);
	for (const [name] of hidden) delete process.env[name];
	try {
		return new Client({
			intents: [GatewayIntentBits.Guilds],
			partials: [Partials.Channel],
			rest: { api: apiUrl, ...pacedRestOptions() },
			allowedMentions: { parse: [] },
			shards: sharding.shards,
			shardCount: sharding.shardCount,
		});
	} finally {
		for (const [name, value] of hidden) process.env[name] = value;
	}
}
