import { ConfigError, loadConfig, type Config } from './config.js';
import { startBot } from './discord/bot.js';
import { ShardingRequiredError } from './discord/shards.js';
import { createLogger, type Logger } from './log.js';

export const SANDBOX_BANNER = 'Starting the offline sandbox (no DISCORD_TOKEN set): local Discord emulator + bot + console.';
export const PRODUCTION_NEEDS_TOKEN =
	'DISCORD_TOKEN is not set and NODE_ENV=production: refusing to start. Set DISCORD_TOKEN (see .env.example), or unset NODE_ENV to run the offline sandbox.';

async function main(): Promise<number> {
	let config: Config;
	try {
		config = loadConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			return 2;
		}
		throw error;
	}
	if (!config.discordToken) {
		if (config.production) {
			console.error(PRODUCTION_NEEDS_TOKEN);
			return 1;
		}
		// With --json, stdout carries only the request log (one JSON line each), so the banner goes to stderr.
		const argv = process.argv.slice(2);
		(argv.includes('--json') ? console.error : console.log)(SANDBOX_BANNER);
		// Loaded only here: a production start does not pay for the emulator's modules.
		const { runSandbox, applySandboxDefaults } = await import('./sandbox/main.js');
		return runSandbox(applySandboxDefaults(config), argv);
	}
	return runProduction(config, config.discordToken);
}

async function runProduction(config: Config, token: string): Promise<number> {
	const logger = createLogger({ level: config.logLevel, secrets: [token] });
	keepRunningOnStrayErrors(logger);
	let exitCode = 0;
	let finished: () => void = () => {};
	let done = new Promise<void>((resolve) => (finished = resolve));
	// Handlers go in before start-up: a signal while standing by for the lease, or between "bot ready" and the
	// end of start-up, must still stop the bot cleanly rather than kill it mid-way.
	const aborted = new AbortController();
	let stopRequested: string | undefined;
	const onSignal = (signal: string) => {
		logger.info('shutting down', { signal });
		stopRequested = signal;
		aborted.abort(new Error(`stopped by ${signal} while starting`));
		finished();
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	// Another instance took the database over; the bot has stopped itself. Non-zero so the supervisor says so.
	const onLeaseLost = () => {
		exitCode = 1;
		finished();
	};
	// A shard met 4011 after start-up (logged with what to do): start again on Discord's new count, or exit when SHARD_COUNT pins it.
	let restart = false;
	const onShardingRequired = (error: ShardingRequiredError) => {
		restart = error.retryWith !== undefined;
		if (!restart) exitCode = 2;
		finished();
	};
	for (;;) {
		let bot: Awaited<ReturnType<typeof startBot>>;
		try {
			bot = await startBot({ config, apiUrl: config.discordApiUrl, token, logger, onLeaseLost, onShardingRequired, signal: aborted.signal });
		} catch (error) {
			if (stopRequested) return 0;
			// SHARD_COUNT too low: already logged with what to do; exit 2 like any other bad setting, no stack trace.
			if (error instanceof ShardingRequiredError) return 2;
			throw error;
		}
		await done;
		try {
			await bot.stop();
		} catch (error) {
			logger.error('shutdown failed', { error });
		}
		if (!restart || stopRequested) return exitCode;
		restart = false;
		done = new Promise<void>((resolve) => (finished = resolve));
	}
}

/** A stray rejection in a library callback must be visible, but it must not take every server's bot down. */
export function keepRunningOnStrayErrors(logger: Logger): void {
	process.on('unhandledRejection', (reason) => logger.error('unhandled promise rejection', { error: reason }));
	process.on('uncaughtException', (error) => logger.error('uncaught exception', { error }));
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(`Paperboy failed to start: ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	},
);
