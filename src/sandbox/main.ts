import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import type { Corpus } from '../search/corpus.js';
import { startBot, type RunningBot } from '../discord/bot.js';
import { commands } from '../discord/commands.js';
import { createRest, deployCommands } from '../discord/deploy.js';
import { latestListing } from '../browse/pages.js';
import { listSubscriptions } from '../digests/subscriptions.js';
import { createLogger, type Logger } from '../log.js';
import type { Paper } from '../papers/paper.js';
import { createSandboxClock } from './clock.js';
import { createConsole, type LineOutcome } from './console.js';
import { createEmulator, type DiscordEmulator, type EmulatorOptions, type RecordedRequest } from './emulator/index.js';
import { openSandboxWorld } from './world-file.js';

export const SANDBOX_DATABASE_URL = 'sqlite://data/sandbox.sqlite';
export const SANDBOX_USAGE = 'usage: npm run sandbox -- [--script FILE] [--json]   (or pipe console lines on stdin)';

interface SandboxArgs {
	script: string | undefined;
	json: boolean;
}

/** Emulator + the real bot (same start-up path as production) + a console. Returns the process exit code. */
export async function runSandbox(
	config: Config,
	argv: readonly string[],
	options: { emulator?: Omit<EmulatorOptions, 'clock' | 'logger'> } = {},
): Promise<number> {
	let args: SandboxArgs;
	try {
		args = parseSandboxArgs(argv);
	} catch (error) {
		console.error(`${(error as Error).message}\n${SANDBOX_USAGE}`);
		return 2;
	}
	const scripted = args.script !== undefined || !process.stdin.isTTY;
	// Rendered answers go to stdout, unless --json owns stdout for the request log.
	const print = args.json ? (text: string) => process.stderr.write(`${text}\n`) : (text: string) => process.stdout.write(`${text}\n`);
	const logger = createSandboxLogger(config, print);
	const clock = createSandboxClock();
	const world = await openSandboxWorld(config.databaseUrl, print);
	const emulator = createEmulator({
		...(world.identity ? { identity: world.identity } : {}),
		...options.emulator,
		logger: logger.child({ component: 'emulator' }),
		clock: () => clock.now().getTime(),
	});
	const endpoints = await emulator.start();
	if (args.json) emulator.on('request', (request) => process.stdout.write(`${JSON.stringify(toJsonLine(request))}\n`));

	let bot: RunningBot | undefined;
	const handled = new Set<number>();
	// Saved at once and after every line (a digest may open a DM channel), so even a killed run leaves the world behind.
	const settle = async () => {
		await world.save(emulator.identity());
		if (bot) for (const seq of await findHandledDeliveryFailures(bot, emulator.rejectedRequests())) handled.add(seq);
	};
	try {
		await world.save(emulator.identity());
		await deployCommands(createRest(endpoints.apiUrl, endpoints.token), commands, emulator.ids.guildId);
		const launch = (onCorpusLoaded?: (corpus: Corpus) => void) =>
			startBot({ config, apiUrl: endpoints.apiUrl, token: endpoints.token, logger, clock: () => clock.now(), ...(onCorpusLoaded ? { onCorpusLoaded } : {}) });
		bot = await launch((corpus) => clock.set(sandboxStartTime(corpus.index.all(), clock.now())));
		print(`Sandbox ready: server "Paperboy Sandbox", channel #papers, ${bot.corpus.index.size} papers. Type help for commands.`);
		print(`Sandbox clock: ${formatClock(clock.now())} UTC (the corpus's latest listing day; move it with: time +1d)`);
		await settle();
		const session = createConsole({
			emulator,
			commands: commands.map((command) => command.data),
			clock,
			onTimeChanged: (now, previous) => (bot ? replayTime(bot, previous, now, print) : Promise.resolve()),
			// A real process restart, minus the process: same database, same world, the clock keeps its time.
			onRestart: async () => {
				await bot?.stop();
				bot = undefined;
				bot = await launch();
			},
			print,
		});
		const runLine = async (line: string) => {
			const outcome = await session.runLine(line);
			await settle();
			return outcome;
		};
		const failures = await feedLines(args, scripted, runLine, print);
		await settle();
		const rejected = emulator.rejectedRequests().filter((request) => !handled.has(request.seq));
		for (const request of rejected) {
			print(`! emulator rejected ${request.method} ${request.path}: ${request.status} ${request.error?.message ?? ''}`);
		}
		return rejected.length > 0 || (scripted && failures > 0) ? 1 : 0;
	} finally {
		await bot?.stop();
		await emulator.stop();
	}
}

const UNKNOWN_CHANNEL = 10003;
/** A message post, or a forum post (a thread with its first message): the requests a digest delivery makes. */
const MESSAGE_POST = /^\/channels\/(\d+)\/(?:messages|threads)$/;

/**
 * Rejections that are the bot handling trouble correctly, not requests it got wrong, so they must not fail a
 * script run: a failure injected with `fault 429` / `fault 5xx` (the bot retries), and a digest post refused
 * for a gone channel (10003), missing access or permissions (50001, 50013) or closed DMs (50007) whose
 * subscription or follow the bot then paused with that code. Any other rejection still fails the run. Checked
 * after every line, while the paused record is still there to show it.
 */
async function findHandledDeliveryFailures(bot: Pick<RunningBot, 'store'>, rejected: readonly RecordedRequest[]): Promise<number[]> {
	const injected = rejected.filter((request) => request.fault === 'rateLimit' || request.fault === 'serverError' || request.fault === 'globalRateLimit');
	const refused = rejected.filter((request) => request.method === 'POST' && PAUSING_CODES.has(request.error?.code ?? 0) && MESSAGE_POST.test(request.path));
	if (refused.length === 0) return injected.map((request) => request.seq);
	const pausedChannels = new Map<string, number>();
	for (const subscription of await listSubscriptions(bot.store))
		if (subscription.paused?.code) pausedChannels.set(subscription.channelId, subscription.paused.code);
	for (const follow of await bot.store.follows.values())
		if (follow.paused?.code && follow.dmChannelId) pausedChannels.set(follow.dmChannelId, follow.paused.code);
	const handledRefusals = refused.filter((request) => pausedChannels.get(MESSAGE_POST.exec(request.path)?.[1] ?? '') === request.error?.code);
	return [...injected, ...handledRefusals].map((request) => request.seq);
}

/** Discord codes after which a digest target is paused until someone acts. */
const PAUSING_CODES = new Set([UNKNOWN_CHANNEL, 50001, 50007, 50013]);

/**
 * What the offline sandbox changes unless the environment says otherwise: its own database file, so a
 * fake server's subscriptions never mix with a real deployment's; and no Hugging Face ingest, since it is
 * offline (set HF_BASE_URL, e.g. to `npm run fixtures`, or HF_ENABLED=true to ingest).
 */
export function applySandboxDefaults(config: Config, env: NodeJS.ProcessEnv = process.env): Config {
	const set = (name: string) => Boolean(env[name]?.trim());
	return {
		...config,
		databaseUrl: set('DATABASE_URL') ? config.databaseUrl : SANDBOX_DATABASE_URL,
		hfEnabled: set('HF_ENABLED') || set('HF_BASE_URL') ? config.hfEnabled : false,
	};
}

/**
 * The sandbox replays the corpus's most recent listing day, 08:00 UTC: the shipped seed is dated Mar 14,
 * so a digest subscribed now arrives at the next `time +1d` instead of months of empty days later.
 */
export function sandboxStartTime(papers: readonly { listedOn: string }[], fallback: Date): Date {
	const { day } = latestListing(papers as Paper[]);
	return day ? new Date(`${day}T08:00:00.000Z`) : fallback;
}

/** Digest slots are checked every quarter hour of a jump, as the per-minute cron would have, up to this many days. */
const REPLAY_STEP_MS = 15 * 60_000;
const REPLAY_MAX_DAYS = 14;

/**
 * `time +1d` must behave as if the day had passed: the scheduler only delivers what is due *today*, so
 * a jump straight past 09:00 would skip that digest. Ingest runs once for the new time, then every
 * quarter hour in between is ticked in order.
 */
export async function replayTime(bot: RunningBot, from: Date, to: Date, print: (text: string) => void): Promise<void> {
	const span = to.getTime() - from.getTime();
	if (span <= 0 || span > REPLAY_MAX_DAYS * 86_400_000) {
		if (span > 0) print(`(jumped more than ${REPLAY_MAX_DAYS} days: only what is due at the new time runs)`);
		return bot.onTimeChanged(to);
	}
	await bot.ingest.runNow({ date: to.toISOString().slice(0, 10) });
	for (let at = Math.ceil((from.getTime() + 1) / REPLAY_STEP_MS) * REPLAY_STEP_MS; at < to.getTime(); at += REPLAY_STEP_MS) {
		await bot.digests.tick(new Date(at));
	}
	await bot.onTimeChanged(to);
}

function formatClock(date: Date): string {
	return date.toISOString().slice(0, 16).replace('T', ' ');
}

function parseSandboxArgs(argv: readonly string[]): SandboxArgs {
	const { values } = parseArgs({
		args: [...argv],
		options: { script: { type: 'string' }, json: { type: 'boolean', default: false } },
		strict: true,
		allowPositionals: false,
	});
	return { script: values.script, json: values.json ?? false };
}

/** Runs the script, piped stdin, or an interactive prompt, line by line; returns how many lines failed. */
async function feedLines(
	args: SandboxArgs,
	scripted: boolean,
	runLine: (line: string) => Promise<LineOutcome>,
	print: (text: string) => void,
): Promise<number> {
	let failures = 0;
	if (args.script !== undefined) {
		const text = await readFile(args.script, 'utf8');
		for (const line of text.split(/\r?\n/)) {
			if (line.trim() && !line.trim().startsWith('#')) print(`> ${line.trim()}`);
			const outcome = await runLine(line);
			if (outcome === 'quit') break;
			if (outcome === 'failed') failures += 1;
		}
		return failures;
	}
	const reader = createInterface({ input: process.stdin, output: process.stdout, terminal: !scripted, prompt: '> ' });
	if (!scripted) reader.prompt();
	for await (const line of reader) {
		if (scripted && line.trim()) print(`> ${line.trim()}`);
		const outcome = await runLine(line);
		if (outcome === 'quit') break;
		if (outcome === 'failed') failures += 1;
		if (!scripted) reader.prompt();
	}
	reader.close();
	return failures;
}

/**
 * The console is for people: only warnings and errors from the bot, as short lines, unless LOG_LEVEL asks for
 * more. Errors show their name, message and code; stack traces only at LOG_LEVEL=debug, where someone is debugging.
 */
function createSandboxLogger(config: Config, print: (text: string) => void): Logger {
	const level = process.env.LOG_LEVEL ? config.logLevel : 'warn';
	return createLogger({
		level,
		write: (line) => {
			const entry = JSON.parse(line, level === 'debug' ? undefined : dropStacks) as { level: string; message: string; [key: string]: unknown };
			const { time: _time, level: entryLevel, message, ...context } = entry;
			const detail = Object.keys(context).length > 0 ? ` ${JSON.stringify(context)}` : '';
			print(`[${entryLevel}] ${message}${detail}`);
		},
	});
}

function dropStacks(key: string, value: unknown): unknown {
	return key === 'stack' && typeof value === 'string' ? undefined : value;
}

function toJsonLine(request: RecordedRequest) {
	return { method: request.method, route: request.route, path: request.path, status: request.status, body: request.body, error: request.error };
}

export type { DiscordEmulator };
