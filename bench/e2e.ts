import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config.js';
import { startBot, type RunningBot } from '../src/discord/bot.js';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import { createLogger } from '../src/log.js';
import { createEmulator } from '../src/sandbox/emulator/index.js';
import { loadRealCorpus, loadSeed, realCorpusPath, synthesizeCorpus } from './corpus.js';
import { SEARCH_QUERIES } from './queries.js';
import { distinctPapers, writeSeedCorpus } from './seed-corpus.js';
import { megabytes, summarize } from './stats.js';

/**
 * End-to-end latency: the emulator dispatches `/paper search` over the gateway → the real bot
 * (discord.js, dispatcher, search over 100,000 papers, card builder) → the callback arrives over HTTP.
 * Timed between the emulator's 'interaction' and 'callback' events, one interaction at a time.
 * `tsx bench/e2e.ts [--size 100000] [--count 200]`; prints one JSON line (logs go to stderr).
 */

const TARGET_P95_MS = 100;
const WARMUP = 20;

const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' }, count: { type: 'string', default: '200' } } });
const size = Number(values.size);
const count = Number(values.count);
if (!Number.isInteger(size) || size < 1 || !Number.isInteger(count) || count < 1) {
	process.stderr.write('usage: tsx bench/e2e.ts [--size N] [--count N]\n');
	process.exit(2);
}

const dir = await mkdtemp(join(tmpdir(), 'paperboy-bench-e2e-'));
const emulator = createEmulator();
let bot: RunningBot | undefined;
try {
	const realAvailable = existsSync(realCorpusPath);
	// Without ../shared the synthesizer still works from the shipped seed, with a much smaller vocabulary.
	const papers = distinctPapers(synthesizeCorpus(realAvailable ? loadRealCorpus() : loadSeed(), Math.ceil(size * 1.02)), size);
	const seedsDir = join(dir, 'seeds');
	await writeSeedCorpus(seedsDir, papers);

	const { apiUrl, token } = await emulator.start();
	await deployCommands(createRest(apiUrl, token), commands, emulator.ids.guildId);
	const config = parseConfig({ DATABASE_URL: `sqlite://${join(dir, 'bench.sqlite')}`, SEEDS_DIR: seedsDir, HF_ENABLED: 'false' });
	const logger = createLogger({ level: 'warn', secrets: [token] });
	const startedAt = performance.now();
	bot = await startBot({ config, apiUrl, token, logger });
	const startupMs = Math.round(performance.now() - startedAt);

	const dispatchedAt = new Map<string, number>();
	const samples: number[] = [];
	let recording = false;
	emulator.on('interaction', (payload) => dispatchedAt.set(String(payload.id), performance.now()));
	emulator.on('callback', ({ interactionId }) => {
		const start = dispatchedAt.get(interactionId);
		if (recording && start !== undefined) samples.push(performance.now() - start);
	});

	const queries = SEARCH_QUERIES;
	for (let i = 0; i < WARMUP + count; i++) {
		recording = i >= WARMUP;
		const query = queries[i % queries.length] as string;
		await emulator.injectCommand({ name: 'paper', subcommand: 'search', options: { query } }).response();
	}

	const latency = summarize(samples);
	const rejected = emulator.rejectedRequests().length;
	process.stdout.write(
		`${JSON.stringify({
			section: 'e2e',
			label: `/paper search, ${bot.corpus.index.size.toLocaleString('en-US')} papers`,
			papers: bot.corpus.index.size,
			corpus: realAvailable ? 'real + synthetic' : 'seed + synthetic',
			interactions: latency.count,
			p50Ms: latency.p50,
			p95Ms: latency.p95,
			maxMs: latency.max,
			startupMs,
			indexBuildMs: bot.corpus.buildMs,
			rejectedRequests: rejected,
			rssMb: megabytes(process.memoryUsage().rss),
			targetP95Ms: TARGET_P95_MS,
			meetsTarget: latency.p95 <= TARGET_P95_MS && rejected === 0,
		})}\n`,
	);
} finally {
	await bot?.stop();
	await emulator.stop();
	await rm(dir, { recursive: true, force: true });
}
