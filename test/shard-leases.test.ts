import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { startLeadership, type Leadership } from '../src/store/leadership.js';
import { openLeaseConnection, readLeaseHolder, type LeaseConnection } from '../src/store/lease.js';
import { createShardLeases, parseShardLeaseKey, shardLeaseKey, type ShardLeases } from '../src/store/shard-leases.js';

/**
 * Shard leases and the leader lease on a real temp SQLite file. Each "process" is its own instance id and lease
 * connection; a shared wall clock, moved by the test, stands in for waiting out a TTL.
 */

let dir: string;
let file: string;
let time: number;
const now = () => time;
const TTL = 30_000;
let lines: string[];
const logger = () => createLogger({ level: 'debug', write: (line) => lines.push(line) });
const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown> & { message: string; level: string });
const connections: LeaseConnection[] = [];
const shardSets: ShardLeases[] = [];
const leaders: Leadership[] = [];

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-shard-leases-'));
	file = join(dir, 'paperboy.sqlite');
	time = Date.parse('2026-03-14T08:00:00.000Z');
	lines = [];
});
afterEach(async () => {
	await Promise.all(leaders.splice(0).map((leader) => leader.abandon()));
	await Promise.all(shardSets.splice(0).map((set) => set.abandon()));
	await Promise.all(connections.splice(0).map((connection) => connection.close()));
	rmSync(dir, { recursive: true, force: true });
});

const connect = () => {
	const connection = openLeaseConnection(file, logger());
	connections.push(connection);
	return connection;
};
const shards = (instanceId: string) => {
	const set = createShardLeases(connect(), logger(), { instanceId, now, ttlMs: TTL, renewEveryMs: 10_000, pollEveryMs: 10 });
	shardSets.push(set);
	return set;
};
const holderOf = async (key: string) => (await readLeaseHolder(connect(), key))?.instanceId;
const until = async (condition: () => boolean | Promise<boolean>) => {
	for (let attempt = 0; attempt < 500; attempt += 1) {
		if (await condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error('condition not reached');
};

describe('createShardLeases', () => {
	it('holds one lease per shard, and a process wanting a held shard stands by for it alone', async () => {
		const a = shards('a');
		await a.hold({ ids: [0, 1], count: 4 });
		expect(a.held.map((lease) => lease.name)).toEqual(['shard:0/4', 'shard:1/4']);
		const b = shards('b');
		let done = false;
		const waiting = b.hold({ ids: [1, 2], count: 4 }).then(() => (done = true));
		await until(() => entries().some((entry) => entry.level === 'warn'));
		const warning = entries().find((entry) => entry.level === 'warn');
		expect(warning?.message).toContain(`ANOTHER PAPERBOY PROCESS RUNS SHARD 1 (of 4) ON DATABASE ${file}`);
		expect(warning).toMatchObject({ lease: 'shard:1/4', holder: { instanceId: 'a' } });
		// It took the free shard first (ascending order), and waits for the held one.
		expect(await holderOf('shard:2/4')).toBeUndefined();
		expect(done).toBe(false);

		await a.release();
		await waiting;
		expect(await holderOf('shard:1/4')).toBe('b');
		expect(await holderOf('shard:2/4')).toBe('b');
		expect(await holderOf('shard:0/4')).toBeUndefined();
	});

	it('takes over the shards of a process that died once their leases expire', async () => {
		const a = shards('a');
		await a.hold({ ids: [0, 1], count: 2 });
		await a.abandon();
		const b = shards('b');
		const waiting = b.hold({ ids: [0, 1], count: 2 });
		await until(() => entries().some((entry) => entry.level === 'warn'));
		time += TTL;
		await waiting;
		expect(
			entries().find((entry) => entry.message === 'shard lease acquired' && entry.lease === 'shard:0/2' && entry.instanceId === 'b')?.previousHolder,
		).toMatchObject({ instanceId: 'a' });
	});

	it('words the unsharded bot (every shard of a count of 1) as the one-instance lease', async () => {
		await shards('a').hold({ ids: [0], count: 1 });
		const waiting = shards('b').hold({ ids: [0], count: 1 });
		await until(() => entries().some((entry) => entry.level === 'warn'));
		expect(entries().find((entry) => entry.message === 'database lease acquired')).toMatchObject({ lease: 'shard:0/1', instanceId: 'a' });
		expect(entries().find((entry) => entry.level === 'warn')?.message).toContain(`ANOTHER PAPERBOY INSTANCE HOLDS THE DATABASE ${file}`);
		time += TTL;
		await waiting;
	});

	it('stands by while a process with another SHARD_COUNT runs on the database', async () => {
		const a = shards('a');
		await a.hold({ ids: [0], count: 1 });
		const b = shards('b');
		let done = false;
		const waiting = b.hold({ ids: [0, 1], count: 2 }).then(() => (done = true));
		await until(() => entries().some((entry) => entry.level === 'warn'));
		expect(entries().find((entry) => entry.level === 'warn')?.message).toContain('RUNS SHARD_COUNT=1, NOT SHARD_COUNT=2');
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(done).toBe(false);
		expect(await holderOf('shard:0/2')).toBeUndefined();
		await a.release();
		await waiting;
		expect(b.held).toHaveLength(2);
	});

	it('moves to a new plan, releasing the shards it no longer runs', async () => {
		const a = shards('a');
		await a.hold({ ids: [0], count: 1 });
		await a.hold({ ids: [0, 1, 2], count: 3 });
		expect(a.held.map((lease) => lease.name)).toEqual(['shard:0/3', 'shard:1/3', 'shard:2/3']);
		expect(await holderOf('shard:0/1')).toBeUndefined();
	});

	it('renews all of a process’s leases in one compare-and-set per round', async () => {
		const opened = connect();
		const batches: number[] = [];
		const counting = {
			...opened,
			raw: {
				...opened.raw,
				swap: (changes: Parameters<typeof opened.raw.swap>[0]) => {
					batches.push(changes.length);
					return opened.raw.swap(changes);
				},
			},
		};
		const set = createShardLeases(counting, logger(), { instanceId: 'a', now, ttlMs: TTL, renewEveryMs: 20, pollEveryMs: 10 });
		shardSets.push(set);
		await set.hold({ ids: [0, 1, 2], count: 4 });
		batches.length = 0;
		await until(() => batches.length >= 3);
		expect(batches.slice(0, 3)).toEqual([3, 3, 3]);
		time += 10_000;
		await until(async () => (await readLeaseHolder(connect(), 'shard:2/4'))?.renewedAt === '2026-03-14T08:00:10.000Z');
	});

	it('parses its keys', () => {
		expect(shardLeaseKey(3, 8)).toBe('shard:3/8');
		expect(parseShardLeaseKey('shard:3/8')).toEqual({ shard: 3, count: 8 });
		expect(parseShardLeaseKey('leader')).toBeUndefined();
	});
});

describe('startLeadership', () => {
	const lead = (instanceId: string, log: string[]) => {
		const leader = startLeadership({
			connection: connect(),
			logger: logger(),
			instanceId,
			now,
			ttlMs: TTL,
			renewEveryMs: 10_000,
			pollEveryMs: 10,
			onGained: () => log.push(`${instanceId} gained`),
			onLost: async () => {
				log.push(`${instanceId} lost`);
			},
		});
		leaders.push(leader);
		return leader;
	};

	it('gives the lead to one process; another takes it over when the leader dies, after the TTL', async () => {
		const log: string[] = [];
		const a = lead('a', log);
		const b = lead('b', log);
		expect(await a.start()).toBe(true);
		expect(await b.start()).toBe(false);
		expect([a.isLeader, b.isLeader]).toEqual([true, false]);
		expect(entries().find((entry) => entry.level === 'info' && entry.message.startsWith('another process is the leader'))).toMatchObject({
			lease: 'leader',
			holder: { instanceId: 'a' },
		});

		await a.abandon();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(b.isLeader).toBe(false);
		time += TTL;
		await until(() => b.isLeader);
		expect(log).toEqual(['a gained', 'a lost', 'b gained']);
	});

	it('hands over at the next poll when the leader stops, its jobs stopped first', async () => {
		const log: string[] = [];
		const a = lead('a', log);
		const b = lead('b', log);
		await a.start();
		await b.start();
		await a.stop();
		await until(() => b.isLeader);
		expect(log).toEqual(['a gained', 'a lost', 'b gained']);
	});

	it('steps down when it finds on renewal that another took the lead (it was frozen), then tries again', async () => {
		const log: string[] = [];
		// Frozen: its clock stands still, so its renewals (every 20 ms here) stop moving the expiry on.
		const frozenAt = time;
		const a = startLeadership({
			connection: connect(),
			logger: logger(),
			instanceId: 'a',
			now: () => frozenAt,
			ttlMs: TTL,
			renewEveryMs: 20,
			pollEveryMs: 10,
			onGained: () => log.push('a gained'),
			onLost: async () => void log.push('a lost'),
		});
		leaders.push(a);
		await a.start();
		time += TTL;
		const b = lead('b', log);
		expect(await b.start()).toBe(true);
		await until(() => !a.isLeader);
		expect(entries().find((entry) => entry.level === 'error')?.message).toMatch(
			/^Lost the leader lease on database .* DM follows, ingest and pruning stop here/,
		);
		await b.stop();
		await until(() => a.isLeader);
		expect(log).toEqual(['a gained', 'b gained', 'a lost', 'b lost', 'a gained']);
	});
});
