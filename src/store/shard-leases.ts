import type { Logger } from '../log.js';
import {
	acquireLease,
	LEASE_KEY,
	liveLeases,
	processInstanceId,
	type DatabaseLease,
	type LeaseConnection,
	type LeaseOptions,
	type LeaseRecord,
	type LeaseWording,
} from './lease.js';
import { StoreMessages } from './messages.js';

/**
 * Processes share one database and split the gateway shards: each holds an expiring lease per shard it runs
 * (`shard:<i>/<n>`), so two processes never run the same shard. A process whose shard is held elsewhere stands by
 * for it, off the gateway, and takes it when the holder stops (released) or dies (its lease expires). The
 * unsharded bot holds every shard of its count (`shard:0/1` for the usual count of 1): a second `npm start` on
 * the same database stands by, as with the one-per-database lease this replaces.
 */

const SHARD_PREFIX = 'shard:';

export function shardLeaseKey(shard: number, count: number): string {
	return `${SHARD_PREFIX}${shard}/${count}`;
}

/** `{ shard, count }` of a `shard:<i>/<n>` key; undefined for any other key. */
export function parseShardLeaseKey(key: string): { shard: number; count: number } | undefined {
	const match = /^shard:(\d+)\/(\d+)$/.exec(key);
	return match ? { shard: Number(match[1]), count: Number(match[2]) } : undefined;
}

export interface ShardSet {
	ids: readonly number[];
	count: number;
}

export type ShardLeaseOptions = Pick<LeaseOptions, 'ttlMs' | 'renewEveryMs' | 'pollEveryMs' | 'instanceId' | 'now' | 'signal' | 'beforeRenew' | 'onLost'>;

export interface ShardLeases {
	/**
	 * Holds exactly the leases of `plan`: releases those of shards no longer in it, then takes the missing ones in
	 * ascending order (one global order, so processes asking for overlapping sets never wait on each other in a
	 * circle), standing by for each one another process holds. Resolves once every one is held.
	 */
	hold(plan: ShardSet): Promise<void>;
	readonly held: readonly DatabaseLease[];
	/** Whether any held shard lease was lost to another process. */
	readonly lost: boolean;
	/** Releases every held lease: processes standing by take them at their next poll. */
	release(): Promise<void>;
	/** Stops renewing, leaving the rows to expire (what a killed process leaves). */
	abandon(): Promise<void>;
}

export function createShardLeases(connection: LeaseConnection, logger: Logger, options: ShardLeaseOptions = {}): ShardLeases {
	const held = new Map<string, DatabaseLease>();
	const now = options.now ?? Date.now;
	const instanceId = options.instanceId ?? processInstanceId();
	const otherCount = async (count: number) => {
		for (const [key, holder] of await liveLeases(connection, '', now())) {
			if (holder.instanceId === instanceId) continue;
			const parsed = parseShardLeaseKey(key);
			if (parsed && parsed.count !== count)
				return {
					holder,
					message: `${StoreMessages.standingByShardCount(connection.file, count, `SHARD_COUNT=${parsed.count}`)} Holder: ${StoreMessages.describeHolder(holder)}.`,
				};
			// The one-per-database lease of a Paperboy from before shared databases: it runs every server.
			if (key === LEASE_KEY)
				return {
					holder,
					message:
						`${StoreMessages.standingByShardCount(connection.file, count, 'the one-instance lease of an older Paperboy')} ` +
						`Holder: ${StoreMessages.describeHolder(holder)}.`,
				};
		}
		return undefined;
	};
	return {
		async hold(plan) {
			const wanted = new Set(plan.ids.map((id) => shardLeaseKey(id, plan.count)));
			for (const [key, lease] of [...held]) {
				if (wanted.has(key)) continue;
				held.delete(key);
				await lease.release();
			}
			for (const id of [...plan.ids].sort((a, b) => a - b)) {
				const key = shardLeaseKey(id, plan.count);
				if (held.has(key)) continue;
				const lease = await acquireLease(connection, logger, {
					...options,
					name: key,
					wording: shardWording(id, plan.count),
					blockedBy: () => otherCount(plan.count),
				});
				held.set(key, lease);
			}
		},
		get held() {
			return [...held.values()];
		},
		get lost() {
			return [...held.values()].some((lease) => lease.lost);
		},
		async release() {
			const leases = [...held.values()];
			held.clear();
			await Promise.all(leases.map((lease) => lease.release()));
		},
		async abandon() {
			const leases = [...held.values()];
			held.clear();
			await Promise.all(leases.map((lease) => lease.abandon()));
		},
	};
}

/** A count of 1 is the whole bot on this database: worded as the one-instance lease it replaces. */
function shardWording(shard: number, count: number): Partial<LeaseWording> | undefined {
	if (count === 1) return undefined;
	return {
		label: 'shard lease',
		standingBy: (file: string, holder: LeaseRecord) => ({
			level: 'warn',
			message: `${StoreMessages.standingByShard(file, shard, count)} Holder: ${StoreMessages.describeHolder(holder)}.`,
		}),
		lost: (file: string) => StoreMessages.shardLost(file, shard, count),
	};
}
