import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { loadCorpus } from '../src/search/corpus.js';
import { startIngestService } from '../src/papers/sources/service.js';
import { openStore } from '../src/store/store.js';
import { HF_FIXTURES, hasSharedFixtures, json, startFixtureServer, withFixtures, type FixtureServer } from './support/fixture-server.js';

/** The bot's wiring without Discord: store → corpus (seeds + stored) → ingest service → restart. */

const DAY = '2025-10-15';
const CLOCK = () => new Date(`${DAY}T12:00:00Z`);
const TRENDING = '2510.11693';
const seedsDir = fileURLToPath(new URL('../seeds', import.meta.url));

let server: FixtureServer;
let dir: string;
beforeAll(async () => {
	server = await startFixtureServer();
	dir = mkdtempSync(join(tmpdir(), 'paperboy-e2e-ingest-'));
});
afterAll(async () => {
	await server.close();
	rmSync(dir, { recursive: true, force: true });
});

/** Serves the recorded day, with one paper's upvotes raised when asked (a later fetch of a trending day). */
function serveRecordedDay(upvotes?: number) {
	const entries = JSON.parse(readFileSync(join(HF_FIXTURES, `${DAY}.json`), 'utf8')) as { paper: { id: string; upvotes: number } }[];
	if (upvotes !== undefined) for (const entry of entries) if (entry.paper.id === TRENDING) entry.paper.upvotes = upvotes;
	server.setHandler(({ url }) => json(url.searchParams.get('date') === DAY && url.searchParams.get('p') === '0' ? entries : []));
}

async function boot() {
	const config = parseConfig({
		SEEDS_DIR: seedsDir,
		PAPERS_YEAR: '2025',
		DATABASE_URL: `sqlite://${join(dir, 'paperboy.sqlite')}`,
		HF_BASE_URL: server.baseUrl,
	});
	const store = await openStore(config.databaseUrl, silentLogger);
	const corpus = await loadCorpus({
		seedsDir: config.seedsDir,
		papersYear: config.papersYear,
		now: CLOCK(),
		storedPapers: await store.listPapers(),
		logger: silentLogger,
	});
	const ingest = startIngestService({ config, store, index: corpus.index, clock: CLOCK, logger: silentLogger });
	const shutdown = async () => {
		await ingest.stop();
		await store.close();
	};
	return { store, index: corpus.index, ingest, shutdown };
}

describe('live ingest end to end', () => {
	it.skipIf(!hasSharedFixtures)(
		withFixtures('makes a real HF day searchable at once, refreshes upvotes without duplicates, and keeps it all across a restart'),
		async () => {
			const first = await boot();
			expect(first.index.size).toBe(63);
			serveRecordedDay();
			expect(await first.ingest.runNow()).toMatchObject({ added: 26, updated: 0, failed: 0 });
			expect(await first.store.listPapers()).toHaveLength(26);
			expect(first.index.size).toBe(89);
			const [hit] = first.index.search('language-centric omnimodal representation', 1);
			expect(hit?.paper).toMatchObject({ id: TRENDING, listedOn: DAY, upvotes: 50, source: 'hf-daily' });

			serveRecordedDay(75);
			expect(await first.ingest.runNow()).toMatchObject({ added: 0, updated: 1, failed: 0 });
			expect(await first.store.listPapers()).toHaveLength(26);
			expect(first.index.size).toBe(89);
			expect(first.index.get(TRENDING)?.upvotes).toBe(75);
			const firstSeen = (await first.store.papers.get(TRENDING))?.firstSeenAt;
			await first.shutdown();

			const second = await boot();
			expect(second.index.size).toBe(89);
			expect(second.index.search('omnimodal representation', 1)[0]?.paper).toMatchObject({ id: TRENDING, upvotes: 75 });
			expect(await second.ingest.runNow()).toMatchObject({ added: 0, updated: 0, failed: 0 });
			expect((await second.store.papers.get(TRENDING))?.firstSeenAt).toBe(firstSeen);
			expect(await second.store.listSourceStatus()).toEqual([expect.objectContaining({ name: 'hf', added: 26, lastAdded: 0 })]);
			await second.shutdown();
		},
	);
});
