import { describe, expect, it } from 'vitest';
import { createGuildOwnership, formatShardIds, planShards, shardOfGuild, ShardingRequiredError } from '../src/discord/shards.js';

/** Real guild ids: the snowflake from Discord's docs, Discord API, Discord Developers. */
const DOCS_EXAMPLE = '175928847299117063';
const DISCORD_API = '81384788765712384';
const DISCORD_DEVELOPERS = '613425648685547541';

describe('shardOfGuild', () => {
	it('does (guild_id >> 22) % num_shards on known snowflakes', () => {
		expect(shardOfGuild(DOCS_EXAMPLE, 1)).toBe(0);
		expect(shardOfGuild(DOCS_EXAMPLE, 3)).toBe(2);
		expect(shardOfGuild(DOCS_EXAMPLE, 16)).toBe(4);
		expect(shardOfGuild(DISCORD_API, 3)).toBe(1);
		expect(shardOfGuild(DISCORD_API, 4)).toBe(2);
		expect(shardOfGuild(DISCORD_DEVELOPERS, 16)).toBe(8);
	});
});

describe('createGuildOwnership', () => {
	it('owns exactly the guilds on its shards', () => {
		const ownsFirst = createGuildOwnership({ ids: [0], count: 3 });
		const ownsRest = createGuildOwnership({ ids: [1, 2], count: 3 });
		for (const guildId of [DOCS_EXAMPLE, DISCORD_API, DISCORD_DEVELOPERS]) expect(ownsFirst(guildId)).not.toBe(ownsRest(guildId));
		expect(ownsRest(DOCS_EXAMPLE)).toBe(true);
		expect(ownsRest(DISCORD_API)).toBe(true);
		expect(createGuildOwnership({ ids: [4, 8], count: 16 })(DISCORD_DEVELOPERS)).toBe(true);
		expect(createGuildOwnership({ ids: [4, 8], count: 16 })(DISCORD_API)).toBe(false);
	});

	it('owns every guild when it runs every shard, and none that is not a snowflake', () => {
		expect(createGuildOwnership({ ids: [0, 1, 2], count: 3 })('anything')).toBe(true);
		expect(createGuildOwnership({ ids: [0], count: 2 })('not-a-snowflake')).toBe(false);
	});
});

describe('planShards', () => {
	it('follows the recommendation of Discord when SHARD_COUNT is unset, running every shard', () => {
		expect(planShards({ shardCount: undefined, shardIds: undefined }, 3)).toEqual({ ids: [0, 1, 2], count: 3, countFrom: 'recommended', recommended: 3 });
	});

	it('takes SHARD_COUNT and SHARDS as given, whatever Discord recommends', () => {
		expect(planShards({ shardCount: 8, shardIds: [4, 5, 6, 7] }, 3)).toEqual({ ids: [4, 5, 6, 7], count: 8, countFrom: 'SHARD_COUNT', recommended: 3 });
		expect(planShards({ shardCount: 2, shardIds: undefined }, 5).ids).toEqual([0, 1]);
	});
});

describe('formatShardIds', () => {
	it('does ranges for runs and commas between them', () => {
		expect(formatShardIds([0])).toBe('0');
		expect(formatShardIds([0, 1, 2, 5, 7, 8])).toBe('0-2, 5, 7-8');
	});
});

describe('ShardingRequiredError', () => {
	it('does say SHARD_COUNT is too low, what Discord recommends and how to raise it, without a retry', () => {
		const error = new ShardingRequiredError(planShards({ shardCount: 1, shardIds: undefined }, 3), 3);
		expect(error.retryWith).toBeUndefined();
		expect(error.message).toBe(
			"Discord closed the gateway with 4011 Sharding required: SHARD_COUNT=1 is too low for this bot's " +
				'servers. Discord recommends 3 shards (GET /gateway/bot shards). Raise SHARD_COUNT to at least 3 (the ' +
				'same on every process, each with its own SHARDS range), or unset SHARD_COUNT and SHARDS to follow ' +
				"Discord's recommendation.",
		);
	});

	it('does retry with the new recommendation when the count was the one Discord recommended', () => {
		const error = new ShardingRequiredError(planShards({ shardCount: undefined, shardIds: undefined }, 1), 3);
		expect(error.retryWith).toBe(3);
		expect(error.message).toMatch(
			new RegExp(
				[
					"1 shard \\(Discord's recommendation at start-up\\) is too low.*Discord recommends 3 shards.*",
					'Reconnecting with 3 shards; set SHARD_COUNT to pin the count instead\\.$',
				].join(''),
			),
		);
	});

	it('does not retry when Discord recommends no more than the count that failed, and names a count that could work', () => {
		const error = new ShardingRequiredError(planShards({ shardCount: undefined, shardIds: undefined }, 2), 2);
		expect(error.retryWith).toBeUndefined();
		expect(error.message).toMatch(/no more than the 2 in use, so reconnecting would fail again: set SHARD_COUNT to at least 3\.$/);
		expect(new ShardingRequiredError(planShards({ shardCount: undefined, shardIds: undefined }, 2), undefined).message).toMatch(/unknown, the request failed/);
	});
});
