import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type Config } from '../../src/config.js';
import { startBot, type BotOptions, type RunningBot } from '../../src/discord/bot.js';
import { commands } from '../../src/discord/commands.js';
import { createRest, deployCommands } from '../../src/discord/deploy.js';
import { createLogger } from '../../src/log.js';
import type { DigestSender } from '../../src/digests/deliver.js';
import type { Paper } from '../../src/papers/paper.js';
import { createEmulator, type ApiMessage, type DiscordEmulator, type InjectCommandInput } from '../../src/sandbox/emulator/index.js';

/**
 * The real bot (digest scheduler included) against the emulator, on a temp sqlite file, with one movable
 * clock shared by both: `at('2026-03-15T09:00Z')` moves time and runs what is due, as the sandbox's `time` does.
 */

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface DigestHarness {
	emu: DiscordEmulator;
	bot: RunningBot;
	config: Config;
	logLines: string[];
	now(): Date;
	/** Moves the clock without running anything (as if time passed while the bot was down). */
	setTime(iso: string): void;
	/** Moves the clock and runs the digest pass for that instant. */
	at(iso: string): Promise<void>;
	/** Starts a fresh bot on the same database and emulator (the previous one must be stopped or killed). */
	launch(options?: LaunchOptions): Promise<RunningBot>;
	/** A process death: no graceful drain, the in-flight fan-out is abandoned where it stands. */
	kill(): Promise<void>;
	command(input: InjectCommandInput): Promise<ApiMessage>;
	/** Adds papers the way ingestion does: into the store and the live index. */
	addPapers(papers: Paper[]): Promise<void>;
	stop(): Promise<void>;
}

export type LaunchOptions = Pick<BotOptions, 'wrapDigestSender' | 'wrapThreadSender' | 'digestConcurrency'>;

export interface HarnessOptions extends LaunchOptions {
	/** Config overrides, e.g. `{ HF_ENABLED: 'true', HF_BASE_URL: server.baseUrl }` to ingest from a fixture server. */
	env?: Record<string, string>;
}

export async function startDigestHarness(start: string, { env = {}, ...options }: HarnessOptions = {}): Promise<DigestHarness> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-digest-'));
	// Live sources are off unless a test points them at its fixture server.
	const config = parseConfig({
		DATABASE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
		SEEDS_DIR: join(repoRoot, 'seeds'),
		PAPERS_YEAR: '2026',
		HF_ENABLED: 'false',
		...env,
	});
	let time = Date.parse(start);
	const emu = createEmulator({ clock: () => time });
	const { apiUrl, token } = await emu.start();
	await deployCommands(createRest(apiUrl, token), commands, emu.ids.guildId);
	const logLines: string[] = [];
	const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
	const launch = async (launchOptions: LaunchOptions = {}) => {
		harness.bot = await startBot({ config, apiUrl, token, logger, clock: () => new Date(time), ...launchOptions });
		return harness.bot;
	};
	const harness: DigestHarness = {
		emu,
		bot: undefined as unknown as RunningBot,
		config,
		logLines,
		now: () => new Date(time),
		setTime: (iso) => {
			time = Date.parse(iso);
		},
		at: async (iso) => {
			time = Date.parse(iso);
			await harness.bot.onTimeChanged(new Date(time));
		},
		launch,
		kill: async () => {
			const { bot } = harness;
			// Stops the cron job; the pass stuck in the fan-out never finishes, as in a dead process.
			void bot.digests.stop();
			void bot.feed.stop();
			await bot.client.destroy();
			await bot.store.close();
			// The lease row stays, as a dead process leaves it; the relaunch (same process, same instance id) reclaims it.
			await bot.lease.abandon();
		},
		command: (input) => emu.injectCommand(input).reply(),
		addPapers: async (papers) => {
			// As the ingest does: the index gets the stored records, with when each was first seen.
			const { added, updated } = await harness.bot.store.upsertPapers(papers, new Date(time));
			harness.bot.context.index.upsert([...added, ...updated]);
		},
		stop: async () => {
			await harness.bot?.stop();
			await emu.stop();
			await rm(dir, { recursive: true, force: true });
		},
	};
	try {
		await launch(options);
	} catch (error) {
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
		throw error;
	}
	return harness;
}

/** A minimal paper listed on `day`. */
export function makePaper(id: string, title: string, day: string, upvotes?: number): Paper {
	return {
		id,
		arxivId: id,
		title,
		abstract: `${title}. A study written for the digest tests.`,
		authors: ['Ada Lovelace'],
		listedOn: day,
		source: 'hf-daily',
		...(upvotes === undefined ? {} : { upvotes }),
	};
}

/** Paper ids carried by a digest message, read from its open buttons. */
export function digestPaperIds(message: ApiMessage | undefined): string[] {
	const ids: string[] = [];
	for (const row of (message?.components ?? []) as Array<{ components?: Array<{ custom_id?: string }> }>) {
		for (const button of row.components ?? []) {
			if (button.custom_id?.startsWith('paper:open:')) ids.push(button.custom_id.slice('paper:open:'.length));
		}
	}
	return ids;
}

/** Polls until `check` passes (for work the bot does on its own, like the catch-up pass at start-up). */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/**
 * Wraps the bot's sender so each message post goes through `intercept`, which gets the real post to call
 * (or not) and decides what the bot sees; DM opens and read-backs pass through untouched.
 */
export function interceptSends(intercept: (post: () => Promise<{ messageId: string }>, channelId: string) => Promise<{ messageId: string }>) {
	return (sender: DigestSender): DigestSender => ({
		openDm: (userId) => sender.openDm(userId),
		findDelivery: (query) => sender.findDelivery(query),
		sendToChannel: (channelId, payload, nonce) => intercept(() => sender.sendToChannel(channelId, payload, nonce), channelId),
	});
}
