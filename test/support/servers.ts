import { it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from '@keyv/redis';

/**
 * Real database servers for the store tests, on loopback. `.ci/run` starts PostgreSQL and Redis once and
 * exports PAPERBOY_TEST_POSTGRES_URL / PAPERBOY_TEST_REDIS_URL; without them a test file starts its own on
 * free ports with temp data dirs (PostgreSQL as the `postgres` user when running as root) and stops them
 * after. When a server can be neither found nor started its tests are skipped with the reason printed,
 * except under CI=true, where they fail instead: CI must never pass by testing less.
 */

export type ServerKind = 'postgres' | 'redis';

export type ServerAvailability = { available: true; url: string } | { available: false; reason: string };

export const REQUIRE_SERVERS = process.env.CI === 'true';

const ENV_NAMES: Readonly<Record<ServerKind, string>> = Object.freeze({ postgres: 'PAPERBOY_TEST_POSTGRES_URL', redis: 'PAPERBOY_TEST_REDIS_URL' });
const STARTUP_TIMEOUT_MS = 30_000;

export interface TestServers {
	postgres: ServerAvailability;
	redis: ServerAvailability;
	stop(): Promise<void>;
}

/** Finds (from the environment) or starts each server; never throws: an unavailable server says why. */
export async function findTestServers(): Promise<TestServers> {
	const started: StartedServer[] = [];
	const find = async (kind: ServerKind, start: () => Promise<StartedServer>): Promise<ServerAvailability> => {
		const fromEnv = process.env[ENV_NAMES[kind]]?.trim();
		if (fromEnv) return { available: true, url: fromEnv };
		try {
			const server = await start();
			started.push(server);
			return { available: true, url: server.url };
		} catch (error) {
			return {
				available: false,
				reason: `${ENV_NAMES[kind]} is not set and no ${kind} server could be started here: ${error instanceof Error ? error.message : String(error)}`,
			};
		}
	};
	const [postgres, redis] = await Promise.all([find('postgres', startPostgres), find('redis', startRedis)]);
	for (const availability of [postgres, redis]) {
		if (!availability.available) console.warn(`[store tests] ${REQUIRE_SERVERS ? 'FAILING (CI=true)' : 'skipping'}: ${availability.reason}`);
	}
	return { postgres, redis, stop: () => Promise.all(started.map((server) => server.stop())).then(() => undefined) };
}

/** A fresh, empty database on the server for one test: its own PostgreSQL database, or a flushed Redis db number. */
export interface TestDatabase {
	url: string;
	drop(): Promise<void>;
}

let databaseSerial = 0;

export async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
	const name = `paperboy_test_${process.pid}_${++databaseSerial}_${randomBytes(3).toString('hex')}`;
	await withPostgres(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: () => withPostgres(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
	};
}

/** One Redis db number per test worker (tests in a file run one at a time), flushed before and after each test. */
export async function createRedisDatabase(baseUrl: string): Promise<TestDatabase> {
	const url = new URL(baseUrl);
	const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? '1');
	url.pathname = `/${1 + ((Number.isFinite(worker) ? worker : 1) % 15)}`;
	const flush = () => withRedis(url.toString(), (client) => client.flushDb());
	await flush();
	return { url: url.toString(), drop: () => flush().then(() => undefined) };
}

async function withPostgres<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

type RedisClient = ReturnType<typeof createClient>;

async function withRedis<T>(url: string, work: (client: RedisClient) => Promise<T>): Promise<T> {
	const client: RedisClient = createClient({ url, socket: { reconnectStrategy: false } });
	client.on('error', () => {});
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.close();
	}
}

/**
 * A loopback TCP proxy in front of a server: closing it is the server going away, as the store sees it (every
 * open connection dropped, new ones refused), without stopping a server other tests share.
 */
export interface TcpProxy {
	port: number;
	/** The URL with its host and port replaced by the proxy's. */
	via(url: string): string;
	close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
	const target = new URL(targetUrl);
	const sockets = new Set<Socket>();
	let closed = false;
	const server: Server = createServer((incoming) => {
		if (closed) {
			incoming.destroy();
			return;
		}
		const outgoing = connect(Number(target.port), target.hostname);
		sockets.add(incoming).add(outgoing);
		for (const socket of [incoming, outgoing]) {
			socket.on('error', () => {});
			socket.on('close', () => sockets.delete(socket));
		}
		incoming.pipe(outgoing).pipe(incoming);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		port,
		via(url) {
			const proxied = new URL(url);
			proxied.hostname = '127.0.0.1';
			proxied.port = String(port);
			return proxied.toString();
		},
		close: () =>
			new Promise<void>((resolve) => {
				closed = true;
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

export interface StartedServer {
	url: string;
	stop(): Promise<void>;
}

/** A loopback port nothing listens on (it was free a moment ago): where a server that is down would be. */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** initdb + postgres on a free port, trust auth on loopback, fsync off (a test server: durability is not what is tested). */
export async function startPostgres(): Promise<StartedServer> {
	const bin = findPostgresBin();
	const asRoot = process.getuid?.() === 0;
	const owner = asRoot ? postgresUser() : undefined;
	const dir = mkdtempSync(join(tmpdir(), 'paperboy-pg-'));
	if (owner) chownSync(dir, owner.uid, owner.gid);
	const data = join(dir, 'data');
	const run = (command: string, args: string[]) => (owner ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]) as [string, string[]];
	const [initCommand, initArgs] = run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'paperboy', '-E', 'UTF8', '--locale=C', '--no-sync']);
	const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
	if (init.status !== 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb failed: ${(init.stderr || init.error?.message || '').trim().split('\n').slice(-2).join(' ')}`);
	}
	const port = await freePort();
	const [command, args] = run(join(bin, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		dir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'max_connections=200',
	]);
	const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
	const url = `postgresql://paperboy@127.0.0.1:${port}/postgres`;
	const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
	const stop = stopOnce(
		async () => {
			// SIGINT is PostgreSQL's fast shutdown; the postmaster, not runuser, must get it.
			let pid: number | undefined;
			try {
				pid = postmasterPid();
			} catch {
				pid = child.pid;
			}
			if (pid) signal(pid, 'SIGINT');
			await exited(child, 10_000);
			rmSync(dir, { recursive: true, force: true });
		},
		() => {
			try {
				signal(postmasterPid(), 'SIGQUIT');
			} catch {
				if (child.pid) signal(child.pid, 'SIGKILL');
			}
		},
	);
	try {
		await waitFor(
			async () => {
				await withPostgres(url, (client) => client.query('SELECT 1'));
			},
			child,
			'postgres',
		);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, stop };
}

export async function startRedis(): Promise<StartedServer> {
	const binary =
		['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync) ??
		spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
	// Without this check the spawn fails as an uncaught 'error' event, which takes the whole test file down.
	if (!binary) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
	const dir = mkdtempSync(join(tmpdir(), 'paperboy-redis-'));
	const port = await freePort();
	const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	const url = `redis://127.0.0.1:${port}`;
	const stop = stopOnce(
		async () => {
			if (child.pid) signal(child.pid, 'SIGTERM');
			await exited(child, 10_000);
			rmSync(dir, { recursive: true, force: true });
		},
		() => {
			if (child.pid) signal(child.pid, 'SIGKILL');
		},
	);
	try {
		await waitFor(() => withRedis(url, (client) => client.ping()), child, 'redis-server');
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, stop };
}

function findPostgresBin(): string {
	const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
	if (found) return join(found, '..');
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root)
		? readdirSync(root)
				.filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions[0]) return join(root, versions[0], 'bin');
	throw new Error('no initdb on PATH or under /usr/lib/postgresql (install the postgresql package)');
}

function postgresUser(): { uid: number; gid: number } {
	const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	const uid = id('-u');
	const gid = id('-g');
	if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
	if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser') && spawnSync('sh', ['-c', 'command -v runuser']).status !== 0)
		throw new Error('running as root and runuser is missing');
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Polls `probe` until it answers, failing early with the server's own last words if it exits. */
async function waitFor(probe: () => Promise<unknown>, child: ChildProcess, name: string): Promise<void> {
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString()).slice(-2_000);
	});
	const deadline = Date.now() + STARTUP_TIMEOUT_MS;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited at start-up: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
		try {
			await probe();
			return;
		} catch (error) {
			if (Date.now() > deadline)
				throw new Error(`${name} did not answer within ${STARTUP_TIMEOUT_MS} ms (${error instanceof Error ? error.message : String(error)})`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
}

function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			if (child.pid) signal(child.pid, 'SIGKILL');
			resolve();
		}, timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

function signal(pid: number, name: NodeJS.Signals): void {
	try {
		process.kill(pid, name);
	} catch {
		// Already gone.
	}
}

/** A stop that runs once, and a synchronous last resort if the test process exits without it. */
function stopOnce(stop: () => Promise<void>, onExit: () => void): () => Promise<void> {
	let stopping: Promise<void> | undefined;
	const last = () => {
		if (!stopping) onExit();
	};
	process.once('exit', last);
	return () => {
		process.removeListener('exit', last);
		return (stopping ??= stop());
	};
}

/**
 * Registers what a describe block for `name` does without its server: a failing test under CI=true, a skip naming
 * the reason otherwise. True when the server is there and the block's own tests should be declared.
 */
export function registerServerCheck<A extends ServerAvailability>(name: string, availability: A): availability is Extract<A, { available: true }> {
	if (availability.available) return true;
	if (REQUIRE_SERVERS) {
		it('has a server to test against (CI=true)', () => {
			throw new Error(availability.reason);
		});
	} else {
		it.skip(`needs a ${name} server: ${availability.reason}`, () => {});
	}
	return false;
}
