import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Events } from 'discord.js';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { startBot, type RunningBot } from '../src/discord/bot.js';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import { ShardingRequiredError } from '../src/discord/shards.js';
import { subscriptionKey } from '../src/digests/subscriptions.js';
import { createLogger } from '../src/log.js';
import { createEmulator, type DiscordEmulator, type EmulatorOptions, type EmuGuild, type GatewayEvent } from '../src/sandbox/emulator/index.js';
import { seedsDir } from './support/bot-harness.js';
import { guildIdOnShard } from './support/shard-ids.js';
import { runScript } from './support/spawn-script.js';

/**
 * The real bot (startBot) on a sharded emulator: the shard count from GET /gateway/bot or SHARD_COUNT, shards split
 * across two bots by SHARDS, and Discord's 4011 Sharding required at login and after it.
 */

const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';
type LogEntry = Record<string, unknown> & { level: string; message: string };

let dir: string;
let serial = 0;
const emulators: DiscordEmulator[] = [];
const bots: RunningBot[] = [];

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-sharding-'));
});
afterEach(async () => {
	for (const bot of bots.splice(0)) await bot.stop();
	for (const emu of emulators.splice(0)) await emu.stop();
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

/** An emulator with the commands deployed globally and one extra guild on each of `count` shards (the reader a member). */
async function startShardedEmulator(options: EmulatorOptions, count: number) {
	const emu = createEmulator({ maxConcurrency: 16, ...options });
	emulators.push(emu);
	const { apiUrl, token } = await emu.start();
	await deployCommands(createRest(apiUrl, token), commands);
	const guilds = Array.from({ length: count }, (_, shard) =>
		emu.addGuild({ name: `Shard ${shard}`, id: guildIdOnShard(shard, count, serial++), members: [emu.ids.userId] }),
	);
	return { emu, apiUrl, token, guilds };
}

/** startBot on its own database with `env` (SHARD_COUNT, SHARDS); its log lines as parsed JSON. */
async function launch(emu: { apiUrl: string; token: string }, env: Record<string, string>, extra: Partial<Parameters<typeof startBot>[0]> = {}) {
	const logs: LogEntry[] = [];
	const logger = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as LogEntry) });
	const config = parseConfig({
		DATABASE_URL: `sqlite://${join(dir, `bot-${serial++}.sqlite`)}`,
		SEEDS_DIR: seedsDir,
		PAPERS_YEAR: '2026',
		HF_ENABLED: 'false',
		...env,
	});
	const start = startBot({ config, apiUrl: emu.apiUrl, token: emu.token, logger, ...extra });
	return {
		logs,
		start: start.then((bot) => {
			bots.push(bot);
			return bot;
		}),
	};
}

const search = (emu: DiscordEmulator, guild: EmuGuild) =>
	emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query: 'difusion' }, guildId: guild.id });
const callbacksFor = (emu: DiscordEmulator, interactionId: string) =>
	emu.requests({ method: 'POST', route: CALLBACK }).filter((request) => request.path.startsWith(`/interactions/${interactionId}/`));

describe('startBot with shards', () => {
	it('opens one session per shard Discord recommends when SHARD_COUNT is unset, each guild on its shard', async () => {
		const emu = await startShardedEmulator({ shards: 3, requiredShards: 3 }, 3);
		const identified: GatewayEvent[] = [];
		emu.emu.on('gateway', (event) => event.type === 'identify' && identified.push(event));
		const { logs, start } = await launch(emu, {});
		const bot = await start;
		expect(identified.map((event) => (event.type === 'identify' ? event.shard : null)).sort()).toEqual([
			[0, 3],
			[1, 3],
			[2, 3],
		]);
		expect(bot.shards).toMatchObject({ ids: [0, 1, 2], count: 3, countFrom: 'recommended' });
		expect(logs.find((entry) => entry.message === 'gateway shards')).toMatchObject({
			shards: '0-2',
			shardCount: 3,
			countFrom: 'Discord (GET /gateway/bot)',
			recommended: 3,
		});
		for (const guild of [...emu.guilds, emu.emu.world.requireGuild(emu.emu.ids.guildId)]) {
			expect(bot.client.guilds.cache.get(guild.id)?.shardId).toBe(emu.emu.shardOf(guild.id, 3));
		}
		const onShard2 = emu.guilds[2] as EmuGuild;
		const handle = search(emu.emu, onShard2);
		expect(JSON.stringify((await handle.reply()).embeds)).toContain('VQ4DiT');
		expect(callbacksFor(emu.emu, handle.id)).toHaveLength(1);
	});

	it('splits the shards between two bots (SHARDS=0 and SHARDS=1-2 of 3): each interaction answered once, by its owner', async () => {
		const emu = await startShardedEmulator({ shards: 3, requiredShards: 3 }, 3);
		const clock = () => new Date('2026-03-15T09:00:00Z');
		const first = await (await launch(emu, { SHARD_COUNT: '3', SHARDS: '0' }, { clock })).start;
		const rest = await launch(emu, { SHARD_COUNT: '3', SHARDS: '1-2' }, { clock });
		const second = await rest.start;
		expect(rest.logs.find((entry) => entry.message === 'gateway shards')).toMatchObject({ shards: '1-2', shardCount: 3, countFrom: 'SHARD_COUNT' });
		expect(emu.emu.gateway.sessions().map((session) => session.shard)).toEqual([
			[0, 3],
			[1, 3],
			[2, 3],
		]);
		const seenBy = new Map<string, string[]>();
		for (const [name, bot] of [
			['first', first],
			['second', second],
		] as const) {
			bot.client.on(Events.InteractionCreate, (interaction) => seenBy.set(interaction.id, [...(seenBy.get(interaction.id) ?? []), name]));
		}
		for (const [shard, guild] of emu.guilds.entries()) {
			const handle = search(emu.emu, guild);
			expect(JSON.stringify((await handle.reply()).embeds)).toContain('VQ4DiT');
			expect(callbacksFor(emu.emu, handle.id)).toHaveLength(1);
			expect(seenBy.get(handle.id)).toEqual([shard === 0 ? 'first' : 'second']);
		}
		expect(first.client.guilds.cache.has(emu.guilds[1]?.id ?? '')).toBe(false);
		expect(second.client.guilds.cache.has(emu.guilds[0]?.id ?? '')).toBe(false);

		// Both databases hold a digest for every guild's channel: each goes out once, from the bot owning the guild.
		emu.emu.clearRecords();
		for (const bot of [first, second]) {
			for (const guild of emu.guilds) {
				const channelId = guild.channelIds[0] as string;
				await bot.store.subscriptions.set(subscriptionKey(guild.id, channelId), {
					guildId: guild.id,
					channelId,
					time: '09:00',
					timezone: 'UTC',
					topics: [],
					maxPapers: 3,
					createdBy: emu.emu.ids.adminId,
					createdAt: '2026-03-01T00:00:00.000Z',
				});
			}
		}
		expect((await first.digests.tick()).due).toBe(1);
		expect((await second.digests.tick()).due).toBe(2);
		for (const guild of emu.guilds) expect(emu.emu.messages(guild.channelIds[0])).toHaveLength(1);
	});

	it('stops with a clear ShardingRequiredError on 4011 when SHARD_COUNT is too low, reconnecting nothing', async () => {
		const emu = await startShardedEmulator({ shards: 3, requiredShards: 3 }, 0);
		const { logs, start } = await launch(emu, { SHARD_COUNT: '1' });
		const error = await start.then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(ShardingRequiredError);
		const line = logs.find((entry) => entry.level === 'error');
		expect(line?.message).toMatch(
			new RegExp(
				[
					'4011 Sharding required: SHARD_COUNT=1 is too low .* Discord recommends 3 shards \\(GET /gateway/bot shards\\)\\. ',
					'Raise SHARD_COUNT to at least 3 .*or unset SHARD_COUNT and SHARDS',
				].join(''),
			),
		);
		expect(line).toMatchObject({ shardCount: 1, recommendedNow: 3, code: 4011 });
		expect(logs.filter((entry) => entry.message === 'gateway shards')).toHaveLength(1);
		expect(emu.emu.gateway.hasSession).toBe(false);
	});

	it('reconnects with the count Discord now recommends after a 4011 at login when SHARD_COUNT is unset', async () => {
		// Discord's recommendation was 1 when the bot asked; its servers outgrew that before IDENTIFY.
		const emu = await startShardedEmulator({ shards: 1, requiredShards: 3 }, 3);
		emu.emu.on('gateway', (event) => event.type === 'identifyRejected' && emu.emu.setShards({ recommended: 3 }));
		const { logs, start } = await launch(emu, {});
		const bot = await start;
		expect(logs.find((entry) => entry.level === 'error')?.message).toMatch(
			/4011 Sharding required: 1 shard \(Discord's recommendation at start-up\) is too low.*Reconnecting with 3 shards/,
		);
		expect(logs.filter((entry) => entry.message === 'gateway shards').map((entry) => entry.shards)).toEqual(['0', '0-2']);
		expect(bot.shards.count).toBe(3);
		const handle = search(emu.emu, emu.guilds[1] as EmuGuild);
		await handle.reply();
		expect(callbacksFor(emu.emu, handle.id)).toHaveLength(1);
	});

	it('hands a 4011 after start-up to onShardingRequired with the count to start again with', async () => {
		const emu = await startShardedEmulator({ shards: 1 }, 0);
		let reported: (error: ShardingRequiredError) => void = () => {};
		const shardingRequired = new Promise<ShardingRequiredError>((resolve) => (reported = resolve));
		const { logs, start } = await launch(emu, {}, { onShardingRequired: (error) => reported(error) });
		await start;
		// The servers grew: a shard that has to identify again now meets 4011.
		emu.emu.setShards({ recommended: 2, required: 2 });
		emu.emu.gateway.invalidateSession(false);
		const error = await shardingRequired;
		expect(error.retryWith).toBe(2);
		expect(logs.find((entry) => entry.level === 'error')).toMatchObject({ shardId: 0, recommendedNow: 2, code: 4011 });
	}, 20_000);
});

describe('main', () => {
	it('starts the bot again on the count Discord now recommends when a shard meets 4011 after start-up', async () => {
		const emu = await startShardedEmulator({ shards: 1 }, 0);
		let stderr = '';
		let changed: () => void = () => {};
		const onChange = () => new Promise<void>((resolve) => (changed = resolve));
		let next = onChange();
		const bot = runScript('src/main.ts', [], {
			env: { DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl, DATABASE_URL: `sqlite://${join(dir, 'restart.sqlite')}`, PAPERS_YEAR: '2026' },
			timeoutMs: 60_000,
			onStderr: (text) => {
				stderr = text;
				changed();
			},
		});
		const readyLines = () => stderr.split('\n').filter((line) => line.includes('"bot ready"'));
		const waitFor = async (done: () => boolean) => {
			while (!done()) {
				await Promise.race([next, bot.done.then((run) => Promise.reject(new Error(`bot exited early: ${run.stderr}`)))]);
				next = onChange();
			}
		};
		await waitFor(() => readyLines().length === 1);
		emu.emu.setShards({ recommended: 2, required: 2 });
		emu.emu.gateway.invalidateSession(false);
		await waitFor(() => readyLines().length === 2);
		expect(readyLines()[1]).toContain('"shardCount":2');
		expect(emu.emu.gateway.sessions().map((session) => session.shard)).toEqual([
			[0, 2],
			[1, 2],
		]);
		bot.kill('SIGTERM');
		const run = await bot.done;
		expect(run.code).toBe(0);
		expect(run.stderr.split('\n').filter((line) => line.includes('"level":"error"'))).toHaveLength(1);
	}, 60_000);

	it('exits 2 with the 4011 advice on one line and no stack trace when SHARD_COUNT is too low', async () => {
		const emu = await startShardedEmulator({ shards: 3, requiredShards: 3 }, 0);
		const run = await runScript('src/main.ts', [], {
			env: {
				DISCORD_TOKEN: emu.token,
				DISCORD_API_URL: emu.apiUrl,
				DATABASE_URL: `sqlite://${join(dir, 'main.sqlite')}`,
				PAPERS_YEAR: '2026',
				SHARD_COUNT: '1',
			},
			timeoutMs: 60_000,
		}).done;
		expect(run.code).toBe(2);
		const errors = run.stderr
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as LogEntry)
			.filter((entry) => entry.level === 'error');
		expect(errors).toHaveLength(1);
		expect(errors[0]?.message).toMatch(/SHARD_COUNT=1 is too low.*Raise SHARD_COUNT to at least 3/);
		expect(run.stderr).not.toMatch(/\n\s+at /);
		expect(run.stderr).not.toContain('Paperboy failed to start');
	}, 60_000);
});
