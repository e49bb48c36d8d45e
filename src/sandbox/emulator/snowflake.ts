/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from here. */
export const DISCORD_EPOCH = 1_420_070_400_000;

/**
 * Floor for the timestamp part, so a test clock starting at 0 still yields realistic
 * 17–19 digit ids (Discord's own ids have been that long since 2016).
 */
const MIN_TIMESTAMP = Date.UTC(2016, 0, 1);

/** Makes time-based, strictly increasing snowflakes (timestamp << 22 | worker | increment). */
export function createSnowflakeGenerator(clock: () => number): () => string {
	let lastMs = 0n;
	let increment = 0n;
	return () => {
		let ms = BigInt(Math.max(Math.floor(clock()), MIN_TIMESTAMP) - DISCORD_EPOCH);
		if (ms < lastMs) ms = lastMs;
		if (ms === lastMs) {
			increment += 1n;
			// 12 bits of increment per millisecond; borrow the next millisecond rather than wrap.
			if (increment > 0xfffn) {
				ms += 1n;
				increment = 0n;
			}
		} else {
			increment = 0n;
		}
		lastMs = ms;
		return ((ms << 22n) | (1n << 17n) | increment).toString();
	};
}

/** The creation time (ms since the Unix epoch) encoded in a snowflake. */
export function readSnowflakeTime(id: string): number {
	return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

/** The shard that carries a guild's events: `(guild_id >> 22) % num_shards`, Discord's own formula. */
export function shardOfGuild(guildId: string, shardCount: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
