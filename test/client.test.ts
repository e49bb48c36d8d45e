import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordClient } from '../src/discord/client.js';

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
});
