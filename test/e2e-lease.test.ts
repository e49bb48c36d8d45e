import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import { silentLogger } from '../src/log.js';
import { createEmulator, type DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { openCollection } from '../src/store/collection.js';
import { LEASE_NAMESPACE, type LeaseRecord } from '../src/store/lease.js';
import { shardLeaseKey } from '../src/store/shard-leases.js';
import { isMessage, spawnBotProcess, type BotProcess, type LogEntry } from './support/bot-process.js';

/**
 * One unsharded instance per database, with real processes: bots in child processes (test/support/lease-bot.ts,
 * lease TTL shortened to 3 s) on one SQLite file, against one emulator. Each holds every shard of a count of 1
 * (`shard:0/1`), so a second one stands by as with a whole-database lease. A second process stands by off the gateway;
 * it takes over after the holder is SIGKILLed (the lease expires) or stopped (released); a holder frozen past
 * its TTL finds its lease taken when it wakes, stops and exits 1.
 */

const TTL_MS = 3000;

let dir: string;
let file: string;
let emu: DiscordEmulator;
let apiUrl: string;
let token: string;
let identifies = 0;
const running: BotProcess[] = [];

function spawnBot(name: string): BotProcess {
	const bot = spawnBotProcess(name, {
		DISCORD_TOKEN: token,
		DISCORD_API_URL: apiUrl,
		DATABASE_URL: `sqlite://${file}`,
		PAPERS_YEAR: '2026',
		LEASE_TTL_MS: String(TTL_MS),
	});
	running.push(bot);
	return bot;
}

const isStandingBy = (entry: LogEntry) => entry.level === 'warn' && String(entry.message).startsWith('ANOTHER PAPERBOY INSTANCE HOLDS THE DATABASE');
const search = () => emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query: 'difusion' } }).reply({ timeoutMs: 15_000 });
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function leaseHolder(): Promise<LeaseRecord | undefined> {
	const probe = openCollection<LeaseRecord>(file, LEASE_NAMESPACE, silentLogger);
	try {
		await probe.ready;
		// The unsharded bot holds every shard of a count of 1.
		return await probe.collection.get(shardLeaseKey(0, 1));
	} finally {
		await probe.close();
	}
}

/** Whether another connection holds the file's write lock: BEGIN IMMEDIATE with no busy timeout fails at once if so. */
function writeLocked(): Promise<boolean> {
	return new Promise((resolve, reject) => {
		const db = new sqlite3.Database(file, (openError) => {
			if (openError) return reject(openError);
			db.exec('BEGIN IMMEDIATE; ROLLBACK;', (error) => {
				db.close(() => (error && (error as NodeJS.ErrnoException).code !== 'SQLITE_BUSY' ? reject(error) : resolve(Boolean(error))));
			});
		});
	});
}

/**
 * SIGSTOPs a bot at a moment it holds no SQLite write lock. A frozen process keeps its file locks, so one stopped
 * mid-renewal (likelier on a busy machine) would block every writer for the whole freeze: no takeover could happen.
 */
async function freezeHoldingNoLock(bot: BotProcess): Promise<void> {
	for (;;) {
		bot.signal('SIGSTOP');
		if (!(await writeLocked())) return;
		bot.signal('SIGCONT');
		await delay(50);
	}
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-lease-e2e-'));
	file = join(dir, 'bot.sqlite');
	emu = createEmulator();
	({ apiUrl, token } = await emu.start());
	emu.on('gateway', (event) => {
		if (event.type === 'identify') identifies += 1;
	});
	await deployCommands(createRest(apiUrl, token), commands, emu.ids.guildId);
});

afterAll(async () => {
	for (const bot of running) bot.signal('SIGKILL');
	await Promise.all(running.map((bot) => bot.done));
	await emu.stop();
	await rm(dir, { recursive: true, force: true });
});

describe('startBot', () => {
	let first: BotProcess;
	let second: BotProcess;
	let third: BotProcess;

	it('keeps a second process standing by, off the gateway, while the first holds the lease', { timeout: 90_000 }, async () => {
		first = spawnBot('first');
		const held = await first.waitForLog(isMessage('database lease acquired'));
		await first.waitForLog(isMessage('bot ready'));
		expect(identifies).toBe(1);

		second = spawnBot('second');
		const warning = await second.waitForLog(isStandingBy);
		expect(warning.message).toContain(`${String(held.host)} pid ${String(held.pid)} (since ${String(held.since)}, last renewed `);
		expect(warning.holder).toMatchObject({ host: held.host, pid: held.pid, since: held.since });
		// Several of its polls go by: it neither logs in nor warns again about the same holder.
		await delay(1500);
		expect(second.logs().filter(isStandingBy)).toHaveLength(1);
		expect(second.logs().some(isMessage('bot ready'))).toBe(false);
		expect(identifies).toBe(1);

		const reply = await search();
		expect(JSON.stringify(reply.embeds)).toContain('Results for');
		expect((await leaseHolder())?.pid).toBe(held.pid);
	});

	it('takes over once the holder is killed and its lease expires, then answers', { timeout: 90_000 }, async () => {
		const held = first.logs().find(isMessage('database lease acquired')) as LogEntry;
		first.signal('SIGKILL');
		expect((await first.done).code).toBeNull();

		const taken = await second.waitForLog(isMessage('database lease acquired'), TTL_MS + 30_000);
		const previous = taken.previousHolder as LeaseRecord;
		expect(previous).toMatchObject({ pid: held.pid });
		// Never before the dead holder's lease ran out.
		expect(Date.parse(String(taken.since))).toBeGreaterThanOrEqual(Date.parse(previous.expiresAt));
		await second.waitForLog(isMessage('bot ready'));
		expect(identifies).toBe(2);
		expect(JSON.stringify((await search()).embeds)).toContain('Results for');
	});

	it('hands over at once on a clean stop: the lease is released', { timeout: 90_000 }, async () => {
		third = spawnBot('third');
		const secondLease = second.logs().find(isMessage('database lease acquired')) as LogEntry;
		const warning = await third.waitForLog(isStandingBy);
		expect(warning.holder).toMatchObject({ pid: secondLease.pid });

		second.signal('SIGTERM');
		const stopped = await second.done;
		expect(stopped.code).toBe(0);
		expect(second.logs().some(isMessage('database lease released'))).toBe(true);
		const taken = await third.waitForLog(isMessage('database lease acquired'));
		// Released, not expired: taken before the stopped holder's lease would have run out.
		expect(Date.parse(String(taken.since))).toBeLessThan(Date.parse((taken.previousHolder as LeaseRecord).expiresAt));
		await third.waitForLog(isMessage('bot ready'));
		expect(JSON.stringify((await search()).embeds)).toContain('Results for');
	});

	it('stops a holder that finds its lease taken when it wakes from a freeze, exiting 1', { timeout: 90_000 }, async () => {
		const thirdLease = third.logs().find(isMessage('database lease acquired')) as LogEntry;
		await freezeHoldingNoLock(third);
		const fourth = spawnBot('fourth');
		const taken = await fourth.waitForLog(isMessage('database lease acquired'), TTL_MS + 30_000);
		expect(taken.previousHolder).toMatchObject({ pid: thirdLease.pid });
		await fourth.waitForLog(isMessage('bot ready'));

		third.signal('SIGCONT');
		const lost = await third.waitForLog((entry) => entry.level === 'error' && String(entry.message).startsWith('Lost the lease on database'));
		expect(lost.message).toContain(`It is now held by ${String(taken.host)} pid ${String(taken.pid)}`);
		expect((await third.done).code).toBe(1);
		expect(third.logs().some(isMessage('bot stopped'))).toBe(true);
		expect((await leaseHolder())?.pid).toBe(taken.pid);

		fourth.signal('SIGTERM');
		expect((await fourth.done).code).toBe(0);
		expect(await leaseHolder()).toBeUndefined();
	});
});
