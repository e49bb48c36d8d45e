import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterUsageError, parseClusterArgs, shardsEnv, splitShards } from '../src/discord/cluster.js';
import { runScript } from './support/spawn-script.js';

/** `npm run cluster`: its arguments, and the real script with --emulator (a proxy, two bot processes, four shards). */

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-cluster-script-'));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('parseClusterArgs', () => {
	it('reads processes, shards, the database and --emulator, with one shard per process by default', () => {
		expect(parseClusterArgs(['--processes', '2', '--shards', '4', '--database', 'postgresql://u:p@db/paperboy', '--emulator'])).toEqual({
			processes: 2,
			shards: 4,
			database: 'postgresql://u:p@db/paperboy',
			emulator: true,
			help: false,
		});
		expect(parseClusterArgs(['--processes', '3'])).toMatchObject({ processes: 3, shards: 3, emulator: false });
	});

	it('refuses fewer shards than processes, bad numbers and bad database URLs, saying which', () => {
		expect(() => parseClusterArgs(['--processes', '3', '--shards', '2'])).toThrow(/--shards \(2\) must be at least --processes \(3\)/);
		expect(() => parseClusterArgs(['--processes', 'two'])).toThrow(ClusterUsageError);
		expect(() => parseClusterArgs(['--database', 'mysql://db'])).toThrow(/^--database must start with sqlite:\/\//);
		expect(() => parseClusterArgs(['--nope'])).toThrow(ClusterUsageError);
	});
});

describe('splitShards', () => {
	it('gives each process a contiguous, even range', () => {
		expect(splitShards(4, 2)).toEqual([
			[0, 1],
			[2, 3],
		]);
		expect(splitShards(5, 2).map(shardsEnv)).toEqual(['0-1', '2-4']);
		expect(splitShards(3, 3).map(shardsEnv)).toEqual(['0', '1', '2']);
	});
});

describe('npm run cluster', () => {
	it('starts the proxy and two processes splitting four shards, every shard answers, and SIGINT stops them all', { timeout: 90_000 }, async () => {
		let ready: () => void = () => {};
		const running = new Promise<void>((resolve) => (ready = resolve));
		const cluster = runScript(
			'scripts/cluster.ts',
			['--processes', '2', '--shards', '4', '--emulator', '--database', `sqlite://${join(dir, 'cluster.sqlite')}`],
			{
				timeoutMs: 90_000,
				onStdout: (text) => text.includes('Cluster running.') && ready(),
			},
		);
		await Promise.race([
			running,
			cluster.done.then((run) => Promise.reject(new Error(`the cluster exited early:\n${run.stdout}\n${run.stderr.slice(-3000)}`))),
		]);
		cluster.kill('SIGINT');
		const run = await cluster.done;
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/REST proxy on http:\/\/127\.0\.0\.1:\d+\/api → http:\/\/127\.0\.0\.1:\d+\/api/);
		expect(run.stdout).toMatch(/process 1 \(pid \d+\): SHARDS=0-1 of SHARD_COUNT=4/);
		expect(run.stdout).toMatch(/process 2 \(pid \d+\): SHARDS=2-3 of SHARD_COUNT=4/);
		for (const [shard, owner] of [
			[0, 1],
			[1, 1],
			[2, 2],
			[3, 2],
		]) {
			expect(run.stdout).toContain(`shard ${shard} (process ${owner}): /paper search answered: Results for`);
		}
		expect(run.stdout).toContain('Cluster stopped.');
		// Both bots went through the proxy and stopped cleanly on the forwarded signal.
		expect(run.stderr.split('\n').filter((line) => line.includes('"message":"bot stopped"'))).toHaveLength(2);
		expect(run.stderr).not.toMatch(/"level":"error"/);
	});
});
