import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordClient } from '../src/discord/client.js';
import { pacedRestOptions } from '../src/discord/paced-rest.js';

describe('createDiscordClient', () => {
	const saved = { SHARDS: process.env.SHARDS, SHARD_COUNT: process.env.SHARD_COUNT };
	afterEach(() => {
		for (const [name, value] of Object.entries(saved)) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
	});

	it('does pass the shards it is given, not the SHARDS and SHARD_COUNT discord.js would read from the environment', async () => {
		// What .env leaves behind: discord.js would JSON.parse SHARDS and turn an empty SHARD_COUNT into 0.
		process.env.SHARDS = '0-3';
		process.env.SHARD_COUNT = '';
		const unsharded = createDiscordClient('http://127.0.0.1:1/api');
		expect(unsharded.options).toMatchObject({ shards: [0], shardCount: 1 });
		const sharded = createDiscordClient('http://127.0.0.1:1/api', { shards: [2, 3], shardCount: 4 });
		expect(sharded.options).toMatchObject({ shards: [2, 3], shardCount: 4 });
		expect(process.env).toMatchObject({ SHARDS: '0-3', SHARD_COUNT: '' });
		await Promise.all([unsharded.destroy(), sharded.destroy()]);
	});

	it('does pace its REST requests (paced-rest.ts) instead of @discordjs/rest’s fixed one-second windows', async () => {
		const client = createDiscordClient('http://127.0.0.1:1/api');
		const { globalRequestsPerSecond, makeRequest } = pacedRestOptions();
		expect(client.options.rest).toMatchObject({ globalRequestsPerSecond, timeout: pacedRestOptions().timeout });
		expect(client.options.rest?.makeRequest).toBeTypeOf('function');
		expect(client.options.rest?.makeRequest).not.toBe(makeRequest);
		await client.destroy();
	});
});
