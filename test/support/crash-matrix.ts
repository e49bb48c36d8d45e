import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followTopic } from '../../src/digests/follows.js';
import { subscribeChannel } from '../../src/digests/subscriptions.js';
import { digestNonce } from '../../src/digests/targets.js';
import { silentLogger } from '../../src/log.js';
import type { Paper } from '../../src/papers/paper.js';
import { createEmulator, type ApiMessage, type DiscordEmulator } from '../../src/sandbox/emulator/index.js';
import { openStore } from '../../src/store/store.js';
import type { CrashPoint } from './crash-points.js';
import { digestPaperIds, makePaper } from './digest-harness.js';
import { runScript } from './spawn-script.js';

/**
 * One crash scenario, shared by the crash suite (test/e2e-crash.test.ts) and `npm run bench -- --only crash`:
 * the bot as a real child process (test/support/crash-bot.ts) SIGKILLs itself at a point of the fan-out, is
 * restarted after a delay on the emulator's clock (which runs the 5-minute nonce window and 50 requests/s),
 * and what arrived is counted on the emulator.
 */

export const DAY1 = '2026-03-15';
export const DAY2 = '2026-03-16';
export const LISTED_DAY1 = ['2603.10001', '2603.10002', '2603.10003'];
export const LISTED_DAY2 = ['2603.20001', '2603.20002'];
const PAPERS: Paper[] = [
	...LISTED_DAY1.map((id, index) => makePaper(id, `Crash-safe delivery study ${index + 1}`, '2026-03-14', 10 - index)),
	...LISTED_DAY2.map((id, index) => makePaper(id, `Second day study ${index + 1}`, DAY2, 5 - index)),
];

export const RESTARTS = { '+0': 0, '+15 min': 15 * 60_000, 'next day': 24 * 60 * 60_000 } as const;
export type Restart = keyof typeof RESTARTS;

export interface CrashScenario {
	point: CrashPoint;
	restart: Restart;
	channels: number;
	followers: number;
	/** The kill comes at this occurrence of the point: some digests done, some in flight, some not begun. */
	killAt: number;
	concurrency?: number;
}

export interface CrashOutcome {
	targets: string[];
	/** target → day → digest messages posted for it. */
	messages: Map<string, Map<string, number>>;
	/** target → paper id → times delivered. */
	papers: Map<string, Map<string, number>>;
	/** Requests the emulator refused for a reason other than a rate limit (a bot bug). */
	rejected: number;
	/** Extra digests (a second message for a target and day) and extra paper deliveries. */
	duplicates: number;
	/** Eligible papers a target never got. */
	lost: number;
	/** Targets without exactly one digest for a day that must have one. */
	missingDigests: number;
}

interface World {
	emu: DiscordEmulator;
	env: Record<string, string>;
	targets: string[];
	shift(ms: number): void;
	now(): Date;
	dir: string;
}

export async function runCrashScenario(scenario: CrashScenario): Promise<CrashOutcome> {
	const world = await setUp(scenario);
	try {
		await runBot(world, `${scenario.point}:${scenario.killAt}`, scenario);
		world.shift(RESTARTS[scenario.restart]);
		await runBot(world, undefined, scenario);
		const rejected = world.emu.rejectedRequests().filter((request) => request.status !== 429).length;
		return judge(scenario, world.targets, world.emu.messages(), rejected);
	} finally {
		await world.emu.stop();
		await rm(world.dir, { recursive: true, force: true });
	}
}

async function setUp(scenario: CrashScenario): Promise<World> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-crash-'));
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
	for (let index = 0; index < scenario.channels; index++) {
		const channel = emu.addChannel({ name: `papers-${index}` });
		await subscribeChannel(store, { guildId: emu.ids.guildId, channelId: channel.id, userId: emu.ids.adminId }, setupAt);
		targets.push(`channel:${channel.id}`);
	}
	for (let index = 0; index < scenario.followers; index++) {
		const user = emu.addUser({ username: `reader-${index}` });
		await followTopic(store, { userId: user.id }, setupAt);
		targets.push(`user:${user.id}`);
	}
	await store.close();
	return {
		emu,
		dir,
		targets,
		env: { DATABASE_URL: databaseUrl, SEEDS_DIR: seeds, DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, PAPERS_YEAR: '2026', LOG_LEVEL: 'info' },
		shift: (ms) => {
			skew += ms;
		},
		now: () => new Date(Date.now() + skew),
	};
}

/** Starts the bot; resolves when it died at its crash point or, without one, after its first digest pass and a SIGTERM. */
async function runBot(world: World, crash: string | undefined, scenario: CrashScenario): Promise<void> {
	let passed: () => void = () => {};
	const firstPass = new Promise<void>((resolve) => (passed = resolve));
	const child = runScript('test/support/crash-bot.ts', [], {
		env: {
			...world.env,
			CRASH_START: world.now().toISOString(),
			CRASH_CONCURRENCY: String(scenario.concurrency ?? 4),
			...(crash ? { CRASH_POINT: crash } : {}),
		},
		onStderr: (text) => text.includes('"digest tick"') && passed(),
		timeoutMs: 180_000,
	});
	if (crash) {
		const run = await child.done;
		if (run.code !== null) throw new Error(`the bot exited (${run.code}) instead of dying at ${crash}:\n${run.stderr}`);
		return;
	}
	await Promise.race([firstPass, child.done.then((run) => Promise.reject(new Error(`the bot exited early (${run.code}):\n${run.stderr}`)))]);
	child.kill('SIGTERM');
	await child.done;
}

function judge(scenario: CrashScenario, targets: readonly string[], messages: readonly ApiMessage[], rejected: number): CrashOutcome {
	const byReference = new Map<string, { target: string; day: string }>();
	for (const target of targets) for (const day of [DAY1, DAY2]) byReference.set(`ref ${digestNonce(target, day)}`, { target, day });
	const outcome: CrashOutcome = { targets: [...targets], messages: new Map(), papers: new Map(), rejected, duplicates: 0, lost: 0, missingDigests: 0 };
	for (const message of messages) {
		const footer = String((message.embeds[0] as { footer?: { text?: string } } | undefined)?.footer?.text ?? '');
		const reference = /ref (pb[0-9a-f]+)/.exec(footer)?.[0];
		const owner = reference ? byReference.get(reference) : undefined;
		if (!owner) continue;
		const days = outcome.messages.get(owner.target) ?? new Map<string, number>();
		days.set(owner.day, (days.get(owner.day) ?? 0) + 1);
		outcome.messages.set(owner.target, days);
		const papers = outcome.papers.get(owner.target) ?? new Map<string, number>();
		for (const id of digestPaperIds(message)) papers.set(id, (papers.get(id) ?? 0) + 1);
		outcome.papers.set(owner.target, papers);
	}
	const nextDay = scenario.restart === 'next day';
	const eligible = nextDay ? [...LISTED_DAY1, ...LISTED_DAY2] : LISTED_DAY1;
	for (const target of targets) {
		const days = outcome.messages.get(target) ?? new Map<string, number>();
		for (const count of days.values()) outcome.duplicates += Math.max(0, count - 1);
		// Day 1's digest may have died with the process when the restart is the next day; that day's always comes.
		if ((days.get(nextDay ? DAY2 : DAY1) ?? 0) !== 1) outcome.missingDigests += 1;
		const papers = outcome.papers.get(target) ?? new Map<string, number>();
		for (const id of eligible) {
			const count = papers.get(id) ?? 0;
			if (count === 0) outcome.lost += 1;
			outcome.duplicates += Math.max(0, count - 1);
		}
	}
	return outcome;
}
