import type { StoreFaultKind } from './errors.js';
import type { StoreHealthSnapshot } from './health.js';
import type { LeaseRecord } from './lease.js';

/** What a kind of fault means, in words an operator reading `/paper stats` acts on. */
const FAULT_LABELS: Readonly<Record<StoreFaultKind, string>> = Object.freeze({
	full: 'the disk is full',
	'read-only': 'the database is read-only',
	io: 'the disk or the connection to the database server is failing',
	replaced: 'the database file was deleted or replaced',
	corrupt: 'some stored data is unreadable',
	'lease-lost': 'another instance took over the database',
	other: 'storage errors',
});

/** Every text about storage faults and the one-instance lease: replies, warning lines, log lines. */
export const StoreMessages = Object.freeze({
	/** The user's reply when a command hit a storage fault: nothing they asked for was saved. */
	failingReply: "The bot's storage is failing, so nothing was changed. The server's operators have been alerted.",
	newDatabase: (file: string) =>
		`creating a new database at ${file}: no file was there; if you expected existing subscriptions, check DATABASE_URL / the mounted volume`,
	newServerStore: (label: string) =>
		`creating a new store in ${label}: it held no Paperboy data; if you expected existing subscriptions, check DATABASE_URL (host, database, Redis db number)`,
	fileReplaced: (file: string, how: 'deleted' | 'replaced') =>
		`Database ${file} was ${how} while the bot was running: writes are refused, since they would land in a file no ` +
		`one reads. Restore the file (or point DATABASE_URL at the right one) and restart the bot.`,
	writesRefused: (file: string, reason: string) => `Database ${file}: writes are refused (${reason})`,
	/** A one-line warning for `/paper stats` and `/digest list`; undefined while the store is healthy. */
	healthWarning(health: StoreHealthSnapshot): string | undefined {
		const parts: string[] = [];
		if (health.failing && health.lastError) {
			const at = Date.parse(health.lastError.at);
			const since = Number.isFinite(at) ? ` since <t:${Math.floor(at / 1000)}:R>` : '';
			parts.push(`Storage is failing${since}: ${FAULT_LABELS[health.lastError.kind]}, so changes are not being saved.`);
		}
		if (health.corruptRows > 0) parts.push(`${health.corruptRows} unreadable stored ${health.corruptRows === 1 ? 'record was' : 'records were'} skipped.`);
		return parts.length > 0 ? `⚠️ ${parts.join(' ')} The operators have been alerted.` : undefined;
	},
	standingBy: (file: string) =>
		`ANOTHER PAPERBOY INSTANCE HOLDS THE DATABASE ${file}: standing by (not connecting to Discord) until it stops ` +
		`or its lease expires. Two instances on one database would answer every command twice.`,
	leaseLost: (file: string) => `Lost the lease on database ${file} to another instance: stopping this bot (no more writes, no more Discord messages).`,
	standingByShard: (file: string, shard: number, count: number) =>
		`ANOTHER PAPERBOY PROCESS RUNS SHARD ${shard} (of ${count}) ON DATABASE ${file}: standing by (not connecting to ` +
		`Discord) until it stops or its lease expires. Two processes on one shard would answer its servers' commands ` +
		`twice.`,
	standingByShardCount: (file: string, count: number, theirs: string) =>
		`ANOTHER PAPERBOY PROCESS ON DATABASE ${file} RUNS ${theirs}, NOT SHARD_COUNT=${count}: standing by (not ` +
		`connecting to Discord) until it stops. Every process on one database needs the same SHARD_COUNT (each with its ` +
		`own SHARDS), or servers would be answered twice.`,
	shardLost: (file: string, shard: number, count: number) =>
		`Lost shard ${shard} (of ${count}) on database ${file} to another process: stopping this bot (no more writes, no more Discord messages).`,
	followingLeader: (file: string) =>
		`another process is the leader on database ${file}: DM follows, live-source ingest and pruning run there; this process takes over if its lease expires`,
	leaderLost: (file: string) =>
		`Lost the leader lease on database ${file} to another process: DM follows, ingest and pruning stop here (this process keeps serving its shards).`,
	describeHolder: (holder: LeaseRecord | undefined) =>
		holder ? `${holder.host} pid ${holder.pid} (since ${holder.since}, last renewed ${holder.renewedAt})` : 'an unknown instance',
});
