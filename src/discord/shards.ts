import type { Config } from '../config.js';

/** Discord's close code when a bot identifies with too few shards for its servers (enforced from 2,500 a shard). */
export const SHARDING_REQUIRED_CLOSE = 4011;

/** Which shards this process runs, out of how many, and why that many. */
export interface ShardPlan {
	/** The shards this process connects, ascending. */
	ids: readonly number[];
	/** Shards across every process of the bot: `num_shards` in IDENTIFY. */
	count: number;
	/** `SHARD_COUNT` when it was set; `recommended` when following Discord's GET /gateway/bot `shards`. */
	countFrom: 'SHARD_COUNT' | 'recommended';
	/** What GET /gateway/bot recommended when the plan was made. */
	recommended: number;
}

/** SHARD_COUNT (and SHARDS) when set; otherwise every shard of Discord's recommended count. */
export function planShards(config: Pick<Config, 'shardCount' | 'shardIds'>, recommended: number): ShardPlan {
	const count = config.shardCount ?? Math.max(1, recommended);
	const ids = config.shardIds ?? Array.from({ length: count }, (_, id) => id);
	return { ids, count, countFrom: config.shardCount === undefined ? 'recommended' : 'SHARD_COUNT', recommended };
}

/** The shard that carries a guild: `(guild_id >> 22) % num_shards`, Discord's formula. */
export function shardOfGuild(guildId: string, shardCount: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Whether a guild's events (and so its channel digests) belong to this process. */
export type GuildOwnership = (guildId: string) => boolean;

export function createGuildOwnership(plan: Pick<ShardPlan, 'ids' | 'count'>): GuildOwnership {
	if (plan.ids.length >= plan.count) return () => true;
	const owned = new Set(plan.ids);
	return (guildId) => {
		try {
			return owned.has(shardOfGuild(guildId, plan.count));
		} catch {
			// Not a snowflake: no shard carries it, so no process does.
			return false;
		}
	};
}

/** `0-2, 5` for `[0, 1, 2, 5]`: short enough for a log line at hundreds of shards. */
export function formatShardIds(ids: readonly number[]): string {
	const parts: string[] = [];
	for (let start = 0; start < ids.length; ) {
		let end = start;
		while (end + 1 < ids.length && ids[end + 1] === (ids[end] as number) + 1) end += 1;
		parts.push(end === start ? String(ids[start]) : `${ids[start]}-${ids[end]}`);
		start = end + 1;
	}
	return parts.join(', ');
}

/** The fields of the start-up line that says which shards this process runs. */
export function shardLogFields(plan: ShardPlan): Record<string, unknown> {
	return {
		shards: formatShardIds(plan.ids),
		shardCount: plan.count,
		countFrom: plan.countFrom === 'SHARD_COUNT' ? 'SHARD_COUNT' : 'Discord (GET /gateway/bot)',
		recommended: plan.recommended,
	};
}

/**
 * Discord refused the shard count (close 4011). `retryWith` is the count to reconnect with when the bot may
 * re-plan on its own (SHARD_COUNT unset and Discord now recommends more); otherwise the operator has to act.
 */
export class ShardingRequiredError extends Error {
	override readonly name = 'ShardingRequiredError';
	readonly retryWith: number | undefined;

	constructor(
		readonly plan: ShardPlan,
		/** GET /gateway/bot `shards` right after the close; undefined when it could not be fetched. */
		readonly recommended: number | undefined,
	) {
		const retryWith = plan.countFrom === 'recommended' && recommended !== undefined && recommended > plan.count ? recommended : undefined;
		super(shardingRequiredMessage(plan, recommended, retryWith));
		this.retryWith = retryWith;
	}
}

function shardingRequiredMessage(plan: ShardPlan, recommended: number | undefined, retryWith: number | undefined): string {
	const used =
		plan.countFrom === 'SHARD_COUNT'
			? `SHARD_COUNT=${plan.count}`
			: `${plan.count} ${plan.count === 1 ? 'shard' : 'shards'} (Discord's recommendation at start-up)`;
	const head = `Discord closed the gateway with 4011 Sharding required: ${used} is too low for this bot's servers.`;
	const advice =
		recommended === undefined
			? 'Discord recommends (GET /gateway/bot shards): unknown, the request failed.'
			: `Discord recommends ${recommended} shards (GET /gateway/bot shards).`;
	if (retryWith !== undefined) return `${head} ${advice} Reconnecting with ${retryWith} shards; set SHARD_COUNT to pin the count instead.`;
	const target = Math.max(recommended ?? 0, plan.count + 1);
	if (plan.countFrom === 'SHARD_COUNT') {
		return (
			`${head} ${advice} Raise SHARD_COUNT to at least ${target} (the same on every process, each with its ` +
			`own SHARDS range), or unset SHARD_COUNT and SHARDS to follow Discord's recommendation.`
		);
	}
	return `${head} ${advice} That is no more than the ${plan.count} in use, so reconnecting would fail again: set SHARD_COUNT to at least ${target}.`;
}
