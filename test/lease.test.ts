import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../src/log.js';
import { openCollection, type OpenedCollection } from '../src/store/collection.js';
import type { StoreError } from '../src/store/errors.js';
import { acquireLease, LEASE_KEY, LEASE_NAMESPACE, type DatabaseLease, type LeaseRecord } from '../src/store/lease.js';

/** The one-instance lease on a real temp SQLite file: two "instances" are two lease holders with their own ids and connections. */

let dir: string;
let file: string;
let probe: OpenedCollection<LeaseRecord>;
const held: DatabaseLease[] = [];
/** A shared wall clock both instances read, moved by the test instead of waiting out a TTL. */
let time: number;
const now = () => time;
const TTL = 30_000;

const take = async (instanceId: string, options: Parameters<typeof acquireLease>[2] = {}) => {
	const lease = await acquireLease(file, logger, { instanceId, now, ttlMs: TTL, renewEveryMs: 10_000, pollEveryMs: 10, ...options });
	held.push(lease);
	return lease;
};
const stored = () => probe.collection.get(LEASE_KEY);

let lines: string[];
let logger = silentLogger;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-lease-'));
	file = join(dir, 'paperboy.sqlite');
	time = Date.parse('2026-03-14T08:00:00.000Z');
	lines = [];
	logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
	probe = openCollection<LeaseRecord>(file, LEASE_NAMESPACE, silentLogger);
	await probe.ready;
});
afterEach(async () => {
	await Promise.all(held.splice(0).map((lease) => lease.abandon()));
	await probe.close();
	rmSync(dir, { recursive: true, force: true });
});

const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const until = async (condition: () => boolean | Promise<boolean>) => {
	for (let attempt = 0; attempt < 500; attempt += 1) {
		if (await condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error('condition not reached');
};

describe('acquireLease', () => {
	it('takes a free lease and records who holds it until when', async () => {
		const lease = await take('a');
		expect(await stored()).toEqual({
			instanceId: 'a',
			host: hostname(),
			pid: process.pid,
			since: '2026-03-14T08:00:00.000Z',
			renewedAt: '2026-03-14T08:00:00.000Z',
			expiresAt: '2026-03-14T08:00:30.000Z',
		});
		expect(lease.record.instanceId).toBe('a');
		expect(entries().find((entry) => entry.message === 'database lease acquired')).toMatchObject({ level: 'info', instanceId: 'a', ttlMs: TTL });
	});

	it('stands by while another instance holds it, warning once with the holder, and takes over when it is released', async () => {
		const first = await take('a');
		let second: DatabaseLease | undefined;
		const waiting = take('b').then((lease) => (second = lease));
		await until(() => entries().some((entry) => entry.level === 'warn'));
		// Several polls go by without a second warning about the same holder.
		await new Promise((resolve) => setTimeout(resolve, 80));
		const warnings = entries().filter((entry) => entry.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0]?.message).toContain(`ANOTHER PAPERBOY INSTANCE HOLDS THE DATABASE ${file}`);
		expect(warnings[0]?.message).toContain(`${hostname()} pid ${process.pid} (since 2026-03-14T08:00:00.000Z, last renewed 2026-03-14T08:00:00.000Z)`);
		expect(warnings[0]?.holder).toMatchObject({ instanceId: 'a', host: hostname(), pid: process.pid });
		expect(second).toBeUndefined();
		expect((await stored())?.instanceId).toBe('a');

		await first.release();
		await waiting;
		expect((await stored())?.instanceId).toBe('b');
		expect(entries().find((entry) => entry.message === 'database lease acquired' && entry.instanceId === 'b')).toBeDefined();
	});

	it('takes over the lease of a holder that stopped renewing once it expires, and not before', async () => {
		const first = await take('a');
		await first.abandon();
		let second: DatabaseLease | undefined;
		const waiting = take('b').then((lease) => (second = lease));
		await until(() => entries().some((entry) => entry.level === 'warn'));
		time += TTL - 1;
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(second).toBeUndefined();
		time += 1;
		await waiting;
		expect(await stored()).toMatchObject({ instanceId: 'b', since: '2026-03-14T08:00:30.000Z', expiresAt: '2026-03-14T08:01:00.000Z' });
		expect(entries().find((entry) => entry.message === 'database lease acquired' && entry.instanceId === 'b')?.previousHolder).toMatchObject({
			instanceId: 'a',
		});
	});

	it('renews keeping `since` and moving `renewedAt` and `expiresAt`', async () => {
		const lease = await take('a');
		time += 10_000;
		expect(await lease.renew()).toBe(true);
		expect(await stored()).toMatchObject({ since: '2026-03-14T08:00:00.000Z', renewedAt: '2026-03-14T08:00:10.000Z', expiresAt: '2026-03-14T08:00:40.000Z' });
	});

	it('reports a lease lost to another instance once, stops renewing, and leaves the new holder alone on release', async () => {
		const lost: StoreError[] = [];
		const first = await take('a', { onLost: (error) => lost.push(error) });
		// Frozen past its TTL (a long pause, a suspended VM): another instance rightly takes over.
		time += TTL + 1;
		await take('b');
		expect(await first.renew()).toBe(false);
		expect(await first.renew()).toBe(false);
		expect(lost).toHaveLength(1);
		expect(lost[0]?.kind).toBe('lease-lost');
		expect(lost[0]?.message).toContain(`Lost the lease on database ${file} to another instance`);
		expect(first.lost).toBe(true);
		expect(entries().filter((entry) => entry.level === 'error' && String(entry.message).startsWith('Lost the lease'))).toHaveLength(1);
		await first.release();
		expect((await stored())?.instanceId).toBe('b');
	});

	it('reclaims its own lease at once (a restart of the same instance)', async () => {
		const first = await take('a');
		await first.abandon();
		await take('a');
		expect(entries().filter((entry) => entry.level === 'warn')).toHaveLength(0);
	});

	it('takes over a lease row that is not readable JSON', async () => {
		await probe.query(`INSERT INTO keyv (key, value) VALUES (?, 'garbage')`, `${LEASE_NAMESPACE}:${LEASE_KEY}`);
		await take('a');
		expect((await stored())?.instanceId).toBe('a');
	});

	it('gives up standing by when aborted', async () => {
		await take('a');
		const controller = new AbortController();
		const waiting = take('b', { signal: controller.signal });
		controller.abort(new Error('shutting down'));
		await expect(waiting).rejects.toThrow('shutting down');
	});

	it('refuses timings where renewals would not come before expiry', async () => {
		await expect(acquireLease(file, silentLogger, { ttlMs: 1000, renewEveryMs: 1000 })).rejects.toThrow(/renewEveryMs < ttlMs/);
	});
});
