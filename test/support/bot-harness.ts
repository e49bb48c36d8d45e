import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type Config } from '../../src/config.js';
import { startBot, type BotOptions, type RunningBot } from '../../src/discord/bot.js';
import type { SlashCommand } from '../../src/discord/command.js';
import { commands as defaultCommands } from '../../src/discord/commands.js';
import { createRest, deployCommands } from '../../src/discord/deploy.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createEmulator, type DiscordEmulator, type EmulatorOptions } from '../../src/sandbox/emulator/index.js';

/**
 * The real bot against the local emulator: emulator → deploy the command list → startBot on a temp
 * sqlite file with the shipped seed corpus. One per test file (beforeAll/afterAll); `restart` swaps
 * the bot for a fresh process-like instance on the same database, `stop` tears everything down.
 */

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const seedsDir = join(repoRoot, 'seeds');

export interface HarnessOptions {
	/** The router's command list; default the production list. Deployed to the sandbox guild too. */
	commands?: readonly SlashCommand[];
	seedsDir?: string;
	/** Extra environment for parseConfig (DATABASE_URL and SEEDS_DIR are set by the harness). */
	env?: Record<string, string>;
	emulator?: EmulatorOptions;
	/** Store, lease and clock options for startBot (e.g. `{ store: { fileCheckIntervalMs: 0 } }`). */
	bot?: Pick<BotOptions, 'store' | 'lease' | 'clock'>;
}

export interface Harness {
	emu: DiscordEmulator;
	bot: RunningBot;
	config: Config;
	token: string;
	/** Every log line the bot wrote (JSON), at debug level and without redaction, so tests can look for leaks. */
	logLines: string[];
	logger: Logger;
	/** Stops the bot and starts a new one on the same database and emulator (messages and their buttons survive). */
	restart(): Promise<void>;
	stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-e2e-'));
	const config = parseConfig({
		DATABASE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
		SEEDS_DIR: options.seedsDir ?? seedsDir,
		PAPERS_YEAR: '2026',
		HF_ENABLED: 'false',
		...options.env,
	});
	const emu = createEmulator(options.emulator);
	const { apiUrl, token } = await emu.start();
	const commands = options.commands ?? defaultCommands;
	const logLines: string[] = [];
	const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
	const launch = () => startBot({ config, apiUrl, token, logger, commands, ...options.bot });
	let bot: RunningBot;
	try {
		await deployCommands(createRest(apiUrl, token), commands, emu.ids.guildId);
		bot = await launch();
	} catch (error) {
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
		throw error;
	}
	const harness: Harness = {
		emu,
		bot,
		config,
		token,
		logLines,
		logger,
		restart: async () => {
			await harness.bot.stop();
			harness.bot = await launch();
		},
		stop: async () => {
			await harness.bot.stop();
			await emu.stop();
			await rm(dir, { recursive: true, force: true });
		},
	};
	return harness;
}
