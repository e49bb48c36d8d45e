import { parseArgs } from 'node:util';
import { databaseUrlProblem } from '../store/database-url.js';
import { formatShardIds } from './shards.js';

/** `npm run cluster`: the REST proxy plus N bot processes splitting SHARD_COUNT shards, on one shared database. */

export const CLUSTER_USAGE = `Usage: npm run cluster -- --processes N --shards S [--database URL] [--emulator] [--proxy-port P]

  --processes N   bot processes to start (default 2)
  --shards S      SHARD_COUNT across them, split into contiguous SHARDS ranges (default: one per process)
  --database URL  the DATABASE_URL every process shares (default: DATABASE_URL, else sqlite://data/paperboy.sqlite;
                  with --emulator a temporary SQLite file)
  --emulator      run against the local Discord emulator (shards enforced) instead of Discord: no token needed
  --proxy-port P  the REST proxy's port (default 8080; with --emulator a free one)

Without --emulator, DISCORD_TOKEN must be set. Ctrl+C (or SIGTERM) stops every process.`;

export class ClusterUsageError extends Error {
	override readonly name = 'ClusterUsageError';
}

export interface ClusterArgs {
	processes: number;
	shards: number;
	database?: string;
	emulator: boolean;
	proxyPort?: number;
	help: boolean;
}

/** More than this many processes on one machine is a typo, not a cluster. */
const MAX_PROCESSES = 64;
const MAX_SHARDS = 10_000;

export function parseClusterArgs(argv: readonly string[]): ClusterArgs {
	let values: Record<string, string | boolean | undefined>;
	try {
		({ values } = parseArgs({
			args: [...argv],
			options: {
				processes: { type: 'string' },
				shards: { type: 'string' },
				database: { type: 'string' },
				emulator: { type: 'boolean' },
				'proxy-port': { type: 'string' },
				help: { type: 'boolean', short: 'h' },
			},
			strict: true,
			allowPositionals: false,
		}));
	} catch (error) {
		throw new ClusterUsageError(error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error));
	}
	const processes = whole(values.processes, '--processes', 2, 1, MAX_PROCESSES);
	const shards = whole(values.shards, '--shards', processes, 1, MAX_SHARDS);
	if (shards < processes) throw new ClusterUsageError(`--shards (${shards}) must be at least --processes (${processes}): every process runs one shard or more`);
	const database = typeof values.database === 'string' ? values.database.trim() : undefined;
	if (database !== undefined) {
		const problem = databaseUrlProblem(database);
		if (problem) throw new ClusterUsageError(problem.replace(/^DATABASE_URL/, '--database'));
	}
	const proxyPort = values['proxy-port'] === undefined ? undefined : whole(values['proxy-port'], '--proxy-port', 0, 0, 65_535);
	return {
		processes,
		shards,
		...(database ? { database } : {}),
		emulator: values.emulator === true,
		...(proxyPort === undefined ? {} : { proxyPort }),
		help: values.help === true,
	};
}

function whole(raw: string | boolean | undefined, name: string, fallback: number, min: number, max: number): number {
	if (raw === undefined) return fallback;
	const text = String(raw).trim();
	const value = Number(text);
	if (!/^\d+$/.test(text) || value < min || value > max)
		throw new ClusterUsageError(`${name} must be a whole number from ${min} to ${max} (got "${String(raw)}")`);
	return value;
}

/** Contiguous, as even as can be: 4 shards on 2 processes → [0, 1] and [2, 3]; 5 on 2 → [0, 1, 2] and [3, 4]. */
export function splitShards(count: number, processes: number): number[][] {
	return Array.from({ length: processes }, (_, index) => {
		const start = Math.floor((index * count) / processes);
		const end = Math.floor(((index + 1) * count) / processes);
		return Array.from({ length: end - start }, (_, offset) => start + offset);
	});
}

/** The SHARDS value for a process's ids: `0-1`, or `3` for one. */
export function shardsEnv(ids: readonly number[]): string {
	return formatShardIds(ids).replace(/ /g, '');
}
