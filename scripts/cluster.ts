import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CLUSTER_USAGE, ClusterUsageError, parseClusterArgs, shardsEnv, splitShards, type ClusterArgs } from '../src/discord/cluster.js';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import { startRestProxy, type RestProxy } from '../src/discord/proxy.js';
import { formatShardIds } from '../src/discord/shards.js';
import { createLogger } from '../src/log.js';
import { createEmulator, type DiscordEmulator, type EmuGuild } from '../src/sandbox/emulator/index.js';
import { parseDatabaseUrl } from '../src/store/database-url.js';

/**
 * `npm run cluster -- --processes 2 --shards 4 [--database URL] [--emulator]`: one REST proxy and N bot processes
 * (`src/main.ts`, as `npm start` runs it) on one shared database, each with SHARD_COUNT=S, its own SHARDS range
 * and DISCORD_API_URL pointing at the proxy. Prints which process runs which shards; SIGINT/SIGTERM is forwarded
 * to every process and the cluster exits once all have stopped. `--emulator` puts the local Discord emulator
 * (requiring S shards, one server on each) behind the proxy instead of Discord, and checks that every shard answers.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** A process that has not stopped this long after the signal is killed. */
const STOP_TIMEOUT_MS = 15_000;

interface BotChild {
	index: number;
	shards: number[];
	child: ChildProcess;
	ready: Promise<boolean>;
	exited: Promise<number | null>;
}

async function main(): Promise<number> {
	let args: ClusterArgs;
	try {
		args = parseClusterArgs(process.argv.slice(2));
	} catch (error) {
		if (!(error instanceof ClusterUsageError)) throw error;
		console.error(`${error.message}\n\n${CLUSTER_USAGE}`);
		return 2;
	}
	if (args.help) {
		console.log(CLUSTER_USAGE);
		return 0;
	}
	const env = process.env;
	const token = args.emulator ? undefined : env.DISCORD_TOKEN?.trim();
	if (!args.emulator && !token) {
		console.error('npm run cluster needs DISCORD_TOKEN (the bot token) to connect to Discord, or --emulator for a local trial.');
		return 2;
	}
	const logger = createLogger({ level: env.LOG_LEVEL?.trim().toLowerCase() === 'debug' ? 'debug' : 'info', ...(token ? { secrets: [token] } : {}) });
	const cleanups: Array<() => Promise<void> | void> = [];
	const cleanUp = async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	};

	let stopSignal: NodeJS.Signals | undefined;
	let onStop: () => void = () => {};
	const stopRequested = new Promise<void>((resolve) => (onStop = resolve));
	const onSignal = (signal: NodeJS.Signals) => {
		stopSignal ??= signal;
		onStop();
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	try {
		let database = args.database ?? (env.DATABASE_URL?.trim() || undefined);
		let upstream: string;
		let botToken: string;
		let emulator: DiscordEmulator | undefined;
		let guilds: EmuGuild[] = [];
		if (args.emulator) {
			emulator = createEmulator({ shards: args.shards, requiredShards: args.shards, maxConcurrency: 16 });
			const endpoints = await emulator.start();
			cleanups.push(() => emulator?.stop());
			upstream = endpoints.apiUrl;
			botToken = endpoints.token;
			await deployCommands(createRest(endpoints.apiUrl, endpoints.token), commands);
			guilds = Array.from({ length: args.shards }, (_, shard) =>
				(emulator as DiscordEmulator).addGuild({
					name: `Shard ${shard}`,
					id: guildIdOnShard(shard, args.shards),
					members: [(emulator as DiscordEmulator).ids.userId],
				}),
			);
			if (!database) {
				const dir = mkdtempSync(join(tmpdir(), 'paperboy-cluster-'));
				cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
				database = `sqlite://${join(dir, 'cluster.sqlite')}`;
			}
			console.log(`Discord emulator on ${endpoints.apiUrl} (SHARD_COUNT=${args.shards} required; one server on each shard).`);
		} else {
			upstream = env.PROXY_UPSTREAM_URL?.trim() || env.DISCORD_API_URL?.trim() || 'https://discord.com/api';
			botToken = token as string;
		}
		const proxy: RestProxy = await startRestProxy({ upstream, port: args.proxyPort ?? (args.emulator ? 0 : 8080), host: '127.0.0.1', logger });
		cleanups.push(() => proxy.close());
		console.log(`REST proxy on ${proxy.url} → ${upstream}`);
		console.log(`Shared database: ${database ? parseDatabaseUrl(database).label : 'DATABASE_URL default (sqlite://data/paperboy.sqlite)'}`);

		const plan = splitShards(args.shards, args.processes);
		const bots = plan.map((shards, index) => startBot(index + 1, shards, args, { token: botToken, apiUrl: proxy.url, database, emulator: args.emulator }));
		cleanups.push(() => stopBots(bots, stopSignal ?? 'SIGTERM'));
		for (const bot of bots) console.log(`process ${bot.index} (pid ${bot.child.pid}): SHARDS=${shardsEnv(bot.shards)} of SHARD_COUNT=${args.shards}`);

		const allExited = Promise.all(bots.map((bot) => bot.exited));
		const started = await Promise.race([Promise.all(bots.map((bot) => bot.ready)), stopRequested.then(() => undefined), allExited.then(() => undefined)]);
		if (started?.every(Boolean)) {
			console.log(`All ${bots.length} processes are ready.`);
			if (emulator) await checkEveryShard(emulator, guilds, args.shards, plan);
			console.log('Cluster running. Ctrl+C stops every process.');
		}
		// Runs until a signal, or until every bot process has ended on its own.
		let code = 0;
		const someExited = Promise.race(bots.map((bot) => bot.exited.then((exitCode) => ({ bot, exitCode }))));
		const first = await Promise.race([stopRequested.then(() => undefined), someExited]);
		if (first && !stopSignal) {
			console.error(`process ${first.bot.index} (SHARDS=${shardsEnv(first.bot.shards)}) exited with code ${String(first.exitCode)}; stopping the cluster.`);
			code = 1;
		}
		console.log(`Stopping ${bots.length} processes${stopSignal ? ` (${stopSignal})` : ''}…`);
		await cleanUp();
		const codes = await allExited;
		if (codes.some((exitCode) => exitCode !== 0 && exitCode !== null)) code = code || 1;
		console.log('Cluster stopped.');
		return code;
	} catch (error) {
		console.error(`npm run cluster failed: ${error instanceof Error ? error.message : String(error)}`);
		await cleanUp();
		return 1;
	}
}

function startBot(
	index: number,
	shards: number[],
	args: ClusterArgs,
	target: { token: string; apiUrl: string; database: string | undefined; emulator: boolean },
): BotChild {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		DISCORD_TOKEN: target.token,
		DISCORD_API_URL: target.apiUrl,
		SHARD_COUNT: String(args.shards),
		SHARDS: shardsEnv(shards),
		...(target.database ? { DATABASE_URL: target.database } : {}),
		// Offline like the sandbox: a local trial fetches no live source unless asked to.
		...(target.emulator && !process.env.HF_ENABLED?.trim() && !process.env.HF_BASE_URL?.trim() ? { HF_ENABLED: 'false' } : {}),
	};
	// Its own process group: a Ctrl+C in the terminal reaches the cluster, which forwards it once.
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'pipe'], detached: true });
	// Being in their own group, the bots would outlive a cluster that dies without stopping them.
	const orphanGuard = () => child.kill('SIGTERM');
	process.once('exit', orphanGuard);
	child.once('exit', () => process.removeListener('exit', orphanGuard));
	let markReady: (ready: boolean) => void = () => {};
	const ready = new Promise<boolean>((resolve) => (markReady = resolve));
	const prefix = `p${index} | `;
	if (child.stderr) {
		createInterface({ input: child.stderr }).on('line', (line) => {
			process.stderr.write(`${prefix}${line}\n`);
			if (line.includes('"message":"bot ready"')) {
				console.log(`process ${index} (pid ${child.pid}) ready: shards ${formatShardIds(shards)}`);
				markReady(true);
			}
		});
	}
	const exited = new Promise<number | null>((resolve) => {
		child.once('error', (error) => {
			console.error(`process ${index} could not start: ${error.message}`);
			resolve(1);
		});
		child.once('exit', (code) => resolve(code));
	});
	void exited.then(() => markReady(false));
	return { index, shards, child, ready, exited };
}

/** Forwards the signal to every process still running; one that outlives STOP_TIMEOUT_MS is killed. */
async function stopBots(bots: readonly BotChild[], signal: NodeJS.Signals): Promise<void> {
	await Promise.all(
		bots.map(async (bot) => {
			if (bot.child.exitCode !== null || bot.child.signalCode !== null) return;
			bot.child.kill(signal);
			const timer = setTimeout(() => {
				console.error(`process ${bot.index} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
				bot.child.kill('SIGKILL');
			}, STOP_TIMEOUT_MS);
			await bot.exited;
			clearTimeout(timer);
		}),
	);
}

/** One `/paper search` on a server of every shard: each is answered by the process running that shard. */
async function checkEveryShard(emulator: DiscordEmulator, guilds: readonly EmuGuild[], count: number, plan: readonly number[][]): Promise<void> {
	for (const guild of guilds) {
		const shard = emulator.shardOf(guild.id, count);
		const owner = plan.findIndex((ids) => ids.includes(shard)) + 1;
		try {
			const reply = await emulator
				.injectCommand({ name: 'paper', subcommand: 'search', options: { query: 'diffusion' }, guildId: guild.id })
				.reply({ timeoutMs: 10_000 });
			const title = reply.embeds?.[0]?.title ?? reply.content ?? '';
			console.log(`shard ${shard} (process ${owner}): /paper search answered: ${String(title).slice(0, 80)}`);
		} catch (error) {
			console.log(`shard ${shard} (process ${owner}): /paper search NOT answered: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
}

/** A server id Discord puts on `shard` of `count`: `(id >> 22) % count === shard`. */
function guildIdOnShard(shard: number, count: number): string {
	return ((BigInt(100_000_000_000) * BigInt(count) + BigInt(shard)) << 22n).toString();
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(`npm run cluster failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	},
);
