import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { followTopic } from '../src/digests/follows.js';
import { subscribeChannel } from '../src/digests/subscriptions.js';
import { digestNonce } from '../src/digests/targets.js';
import { silentLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { createEmulator, type ApiMessage, type DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { openStore } from '../src/store/store.js';
import { CRASH_POINTS, type CrashPoint } from './support/crash-points.js';
import { digestPaperIds, makePaper } from './support/digest-harness.js';
import { runScript } from './support/spawn-script.js';

/**
 * The bot as a real child process, SIGKILLed at five points of a fan-out and restarted after +0, +15 minutes
 * (past the emulator's 5-minute nonce window) or the next day, against the emulator enforcing Discord's rate
 * limits. Counted on the emulator: one digest per target per day, every eligible paper delivered exactly once.
 */

const DAY1 = '2026-03-15';
const DAY2 = '2026-03-16';
const CHANNELS = 12;
const FOLLOWERS = 4;
/** The kill comes at the 6th occurrence of the point: some digests are done, some in flight, some not begun. */
const KILL_AT = 6;
const LISTED_DAY1 = ['2603.10001', '2603.10002', '2603.10003'];
const LISTED_DAY2 = ['2603.20001', '2603.20002'];
const PAPERS: Paper[] = [
	...LISTED_DAY1.map((id, index) => makePaper(id, `Crash-safe delivery study ${index + 1}`, '2026-03-14', 10 - index)),
	...LISTED_DAY2.map((id, index) => makePaper(id, `Second day study ${index + 1}`, DAY2, 5 - index)),
];

const RESTARTS = { '+0': 0, '+15 min': 15 * 60_000, 'next day': 24 * 60 * 60_000 } as const;
type Restart = keyof typeof RESTARTS;

const dirs: string[] = [];
afterAll(async () => {
	await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface World {
	emu: DiscordEmulator;
	apiUrl: string;
	token: string;
	env: Record<string, string>;
	/** target key → the channel its messages land in is read from the message's footer reference. */
	targets: string[];
	shift(ms: number): void;
	now(): Date;
}

async function setUp(): Promise<World> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-crash-'));
	dirs.push(dir);
	const seeds = join(dir, 'seeds');
	await mkdir(seeds);
	await writeFile(join(seeds, 'papers.json'), JSON.stringify(PAPERS));
	let skew = Date.parse(`${DAY1}T09:00:00Z`) - Date.now();
	const emu = createEmulator({ clock: () => Date.now() + skew, rateLimit: true, nonceWindowMs: 5 * 60_000 });
	const { apiUrl, token } = await emu.start();
	const databaseUrl = `sqlite://${join(dir, 'bot.sqlite')}`;
	const store = await openStore(databaseUrl, silentLogger);
	const setupAt = new Date(`${DAY1}T07:00:00Z`);
	const targets: string[] = [];
	for (let index = 0; index < CHANNELS; index++) {
		const channel = emu.addChannel({ name: `papers-${index}` });
		await subscribeChannel(store, { guildId: emu.ids.guildId, channelId: channel.id, userId: emu.ids.adminId }, setupAt);
		targets.push(`channel:${channel.id}`);
	}
	for (let index = 0; index < FOLLOWERS; index++) {
		const user = emu.addUser({ username: `reader-${index}` });
		await followTopic(store, { userId: user.id }, setupAt);
		targets.push(`user:${user.id}`);
	}
	await store.close();
	return {
		emu,
		apiUrl,
		token,
		targets,
		env: { DATABASE_URL: databaseUrl, SEEDS_DIR: seeds, DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, PAPERS_YEAR: '2026', LOG_LEVEL: 'info' },
		shift: (ms) => {
			skew += ms;
		},
		now: () => new Date(Date.now() + skew),
	};
}

/** Starts the bot; resolves when it died (SIGKILL at its crash point) or, without one, after its first digest pass. */
async function runBot(world: World, crash: string | undefined): Promise<{ signal: 'killed' | 'stopped'; stderr: string }> {
	let passed: () => void = () => {};
	const firstPass = new Promise<void>((resolve) => (passed = resolve));
	const child = runScript('test/support/crash-bot.ts', [], {
		env: { ...world.env, CRASH_START: world.now().toISOString(), ...(crash ? { CRASH_POINT: crash } : {}) },
		onStderr: (text) => text.includes('"digest tick"') && passed(),
		timeoutMs: 60_000,
	});
	if (crash) {
		const run = await child.done;
		if (run.code !== null) throw new Error(`the bot exited (${run.code}) instead of dying at ${crash}:\n${run.stderr}`);
		return { signal: 'killed', stderr: run.stderr };
	}
	await Promise.race([firstPass, child.done.then((run) => Promise.reject(new Error(`the bot exited early (${run.code}):\n${run.stderr}`)))]);
	child.kill('SIGTERM');
	const run = await child.done;
	return { signal: 'stopped', stderr: run.stderr };
}

interface Tally {
	/** target → day → digest messages posted for it. */
	messages: Map<string, Map<string, number>>;
	/** target → paper id → times delivered. */
	papers: Map<string, Map<string, number>>;
}

function tally(world: World, messages: readonly ApiMessage[]): Tally {
	const byReference = new Map<string, { target: string; day: string }>();
	for (const target of world.targets) for (const day of [DAY1, DAY2]) byReference.set(`ref ${digestNonce(target, day)}`, { target, day });
	const result: Tally = { messages: new Map(), papers: new Map() };
	for (const message of messages) {
		const footer = String((message.embeds[0] as { footer?: { text?: string } } | undefined)?.footer?.text ?? '');
		const match = [...byReference.entries()].find(([reference]) => footer.includes(reference));
		if (!match) continue;
		const { target, day } = match[1];
		const days = result.messages.get(target) ?? new Map<string, number>();
		days.set(day, (days.get(day) ?? 0) + 1);
		result.messages.set(target, days);
		const papers = result.papers.get(target) ?? new Map<string, number>();
		for (const id of digestPaperIds(message)) papers.set(id, (papers.get(id) ?? 0) + 1);
		result.papers.set(target, papers);
	}
	return result;
}

async function crashAndRestart(point: CrashPoint, restart: Restart): Promise<{ world: World; tally: Tally }> {
	const world = await setUp();
	try {
		await runBot(world, `${point}:${KILL_AT}`);
		world.shift(RESTARTS[restart]);
		await runBot(world, undefined);
		expect(world.emu.rejectedRequests().filter((request) => request.status !== 429)).toEqual([]);
		return { world, tally: tally(world, world.emu.messages()) };
	} finally {
		await world.emu.stop();
	}
}

describe('deliverDigests across real process deaths', () => {
	for (const restart of Object.keys(RESTARTS) as Restart[]) {
		describe.concurrent(`restarted ${restart}`, () => {
			for (const point of CRASH_POINTS) {
				it(`does not duplicate or lose a digest when killed ${point}`, async () => {
					const { world, tally: counted } = await crashAndRestart(point, restart);
					const eligible = restart === 'next day' ? [...LISTED_DAY1, ...LISTED_DAY2] : LISTED_DAY1;
					for (const target of world.targets) {
						const days = counted.messages.get(target) ?? new Map<string, number>();
						if (restart === 'next day') {
							// Day 1's digest may have died with the process; day 2's always comes, once.
							expect(days.get(DAY1) ?? 0, `${target} on ${DAY1}`).toBeLessThanOrEqual(1);
							expect(days.get(DAY2), `${target} on ${DAY2}`).toBe(1);
						} else {
							expect(days.get(DAY1), `${target} on ${DAY1}`).toBe(1);
						}
						const papers = counted.papers.get(target) ?? new Map<string, number>();
						for (const id of eligible) expect(papers.get(id), `${target} got ${id}`).toBe(1);
					}
				}, 90_000);
			}
		});
	}
});
