/** A guild id whose shard (of `count`) is `shard`: the timestamp part picked so `(id >> 22) % count === shard`; `serial` makes it unique. */
export function guildIdOnShard(shard: number, count: number, serial = 0): string {
	return ((BigInt(100_000_000_000 + serial) * BigInt(count) + BigInt(shard)) << 22n).toString();
}
