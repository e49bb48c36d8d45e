import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, createGzip } from 'node:zlib';
import { once } from 'node:events';
import { createEmulator } from '../src/sandbox/emulator/index.js';
import { createRandom, realCorpusPath, repoRoot } from './corpus.js';

/**
 * `npx tsx bench/startup.ts [--size 100000]`
 *
 * The production bot as users run it (`src/main.ts` in its own process, against the emulator) on a corpus of
 * `size` entries shaped like the real Daily Papers API answers — every field, recombined from ../shared — as a
 * `.jsonl.gz` seed. Measures the time from spawn to "bot ready" and the process's RSS at ready and at its
 * peak, for a first start and for a restart on the same database.
 */

const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' } }, strict: true });
const size = Number(values.size);

const workDir = join(tmpdir(), 'paperboy-bench-startup');
const seedsDir = join(workDir, `seeds-${size}`);
const seedFile = join(seedsDir, `real-shaped-${size}.jsonl.gz`);
if (!existsSync(seedFile)) await writeRealShaped(seedFile, size);

const emu = createEmulator();
const { apiUrl, token } = await emu.start();
const databaseFile = join(workDir, `startup-${size}-${process.pid}.sqlite`);
try {
	const first = await startAndStop();
	const restart = await startAndStop();
	process.stdout.write(
		`${JSON.stringify({ section: 'startup', size, first, restart, meetsTarget: size > 100_000 || (restart.readyMs <= 2000 && restart.rssMb <= 600) })}\n`,
	);
} finally {
	await emu.stop();
	await rm(databaseFile, { force: true });
	await rm(`${databaseFile}-wal`, { force: true });
	await rm(`${databaseFile}-shm`, { force: true });
}

async function startAndStop(): Promise<{ readyMs: number; rssMb: number; peakRssMb: number }> {
	const started = performance.now();
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
		cwd: repoRoot,
		env: {
			...process.env,
			DISCORD_TOKEN: token,
			DISCORD_API_URL: apiUrl,
			DATABASE_URL: `sqlite://${databaseFile}`,
			SEEDS_DIR: seedsDir,
			HF_ENABLED: 'false',
			LOG_LEVEL: 'info',
			PAPERS_YEAR: '2026',
		},
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let stderr = '';
	const ready = new Promise<number>((resolve, reject) => {
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			if (stderr.includes('"bot ready"')) resolve(performance.now() - started);
		});
		child.once('exit', (code) => reject(new Error(`the bot exited (${code}) before it was ready:\n${stderr.slice(-2000)}`)));
	});
	const readyMs = await ready;
	const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
	const rssMb = Math.round(kb(status, 'VmRSS') / 1024);
	const peakRssMb = Math.round(kb(status, 'VmHWM') / 1024);
	child.kill('SIGTERM');
	await once(child, 'exit');
	return { readyMs: Math.round(readyMs), rssMb, peakRssMb };
}

function kb(status: string, field: string): number {
	return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
}

/** Real entries cycled with new ids, titles and days, every other field kept as the API sent it. */
async function writeRealShaped(file: string, count: number): Promise<void> {
	await mkdir(seedsDir, { recursive: true });
	const entries = gunzipSync(await readFile(realCorpusPath))
		.toString('utf8')
		.split('\n')
		.filter((line) => line.trim());
	const random = createRandom(20260821);
	const gzip = createGzip();
	const out = createWriteStream(`${file}.partial`);
	gzip.pipe(out);
	for (let i = 0; i < count; i++) {
		const entry = JSON.parse(entries[i % entries.length] as string) as { paper: Record<string, unknown>; title?: string; publishedAt?: string };
		const round = Math.floor(i / entries.length);
		if (round > 0) {
			const id = `${String(26 + (round % 70)).padStart(2, '0')}${String(1 + (i % 12)).padStart(2, '0')}.${String(i).padStart(6, '0').slice(-5)}${round}`;
			const title = `${String(entry.paper.title)} (${round}-${Math.floor(random() * 1e6)})`;
			entry.paper = { ...entry.paper, id, title };
			entry.title = title;
		}
		if (!gzip.write(`${JSON.stringify(entry)}\n`)) await once(gzip, 'drain');
	}
	gzip.end();
	await once(out, 'close');
	const { rename } = await import('node:fs/promises');
	await rename(`${file}.partial`, file);
}
