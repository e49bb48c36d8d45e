import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { startBot, type RunningBot } from '../discord/bot.js';
import { commands } from '../discord/commands.js';
import { createRest, deployCommands } from '../discord/deploy.js';
import { createLogger, type Logger } from '../log.js';
import { createSandboxClock } from './clock.js';
import { createConsole, type LineOutcome } from './console.js';
import { createEmulator, type DiscordEmulator, type EmulatorOptions, type RecordedRequest } from './emulator/index.js';

export const SANDBOX_USAGE = 'usage: npm run sandbox -- [--script FILE] [--json]   (or pipe console lines on stdin)';

interface SandboxArgs {
	script: string | undefined;
	json: boolean;
}

/** Emulator + the real bot (same start-up path as production) + a console. Returns the process exit code. */
export async function runSandbox(config: Config, argv: readonly string[], options: { emulator?: Omit<EmulatorOptions, 'clock' | 'logger'> } = {}): Promise<number> {
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
	const emulator = createEmulator({ ...options.emulator, logger: logger.child({ component: 'emulator' }), clock: () => clock.now().getTime() });
	const endpoints = await emulator.start();
	if (args.json) emulator.on('request', (request) => process.stdout.write(`${JSON.stringify(toJsonLine(request))}\n`));

	let bot: RunningBot | undefined;
	try {
		await deployCommands(createRest(endpoints.apiUrl, endpoints.token), commands, emulator.ids.guildId);
		bot = await startBot({ config, apiUrl: endpoints.apiUrl, token: endpoints.token, logger, clock: () => clock.now() });
		print(`Sandbox ready: server "Paperboy Sandbox", channel #papers, ${bot.corpus.index.size} papers. Type help for commands.`);
		const session = createConsole({
			emulator,
			commands: commands.map((command) => command.data),
			clock,
			onTimeChanged: (now) => bot?.onTimeChanged(now) ?? Promise.resolve(),
			print,
		});
		const failures = await feedLines(args, scripted, session.runLine, print);
		const rejected = emulator.rejectedRequests();
		for (const request of rejected) {
			print(`! emulator rejected ${request.method} ${request.path}: ${request.status} ${request.error?.message ?? ''}`);
		}
		return rejected.length > 0 || (scripted && failures > 0) ? 1 : 0;
	} finally {
		await bot?.stop();
		await emulator.stop();
	}
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
async function feedLines(args: SandboxArgs, scripted: boolean, runLine: (line: string) => Promise<LineOutcome>, print: (text: string) => void): Promise<number> {
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

/** The console is for people: only warnings and errors from the bot, as short lines, unless LOG_LEVEL asks for more. */
function createSandboxLogger(config: Config, print: (text: string) => void): Logger {
	const level = process.env.LOG_LEVEL ? config.logLevel : 'warn';
	return createLogger({
		level,
		write: (line) => {
			const entry = JSON.parse(line) as { level: string; message: string; [key: string]: unknown };
			const { time: _time, level: entryLevel, message, ...context } = entry;
			const detail = Object.keys(context).length > 0 ? ` ${JSON.stringify(context)}` : '';
			print(`[${entryLevel}] ${message}${detail}`);
		},
	});
}

function toJsonLine(request: RecordedRequest) {
	return { method: request.method, route: request.route, path: request.path, status: request.status, body: request.body, error: request.error };
}

export type { DiscordEmulator };
