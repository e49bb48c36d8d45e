import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { titleId, type Paper } from '../src/papers/paper.js';
import { createHfSource } from '../src/papers/sources/hf.js';
import { localDigestTimes, startIngestService, type IngestService } from '../src/papers/sources/service.js';
import { buildPaperIndex, type PaperIndex } from '../src/search/index.js';
import { openStore, type Store } from '../src/store/store.js';
import { hfEntry, json, startFixtureServer, type FixtureServer } from './support/fixture-server.js';

const NOW = new Date('2026-08-21T12:00:00Z');
const DAY = '2026-08-21';
const SEED_TITLE = 'Sparse Mixtures of Careful Experts';

let server: FixtureServer;
let dir: string;
let store: Store;
let index: PaperIndex;
let logs: { level: string; message: string; [key: string]: unknown }[];
let service: IngestService | undefined;

beforeAll(async () => {
	server = await startFixtureServer();
});
afterAll(() => server.close());
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-ingest-service-'));
	store = await openStore(`sqlite://${join(dir, 'paperboy.sqlite')}`, createLogger({ write: () => {} }));
	const seed: Paper = { id: titleId(SEED_TITLE), title: SEED_TITLE, abstract: 'Seeded abstract.', authors: [], listedOn: '2026-03-14', source: 'seed-dump' };
	index = buildPaperIndex([seed]);
	logs = [];
	service = undefined;
});
afterEach(async () => {
	await service?.stop();
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

const logger = () => createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as (typeof logs)[number]) });

function config(env: Record<string, string> = {}) {
	return parseConfig({ HF_BASE_URL: server.baseUrl, ...env });
}

function serveDay(entries: unknown[]) {
	server.setHandler(({ url }) =>
		url.pathname === '/api/daily_papers' && url.searchParams.get('date') === DAY && url.searchParams.get('p') === '0' ? json(entries) : json([]),
	);
}

function start(options: Partial<Parameters<typeof startIngestService>[0]> = {}): IngestService {
	service = startIngestService({ config: config(), store, index, clock: () => NOW, logger: logger(), ...options });
	return service;
}

describe('startIngestService', () => {
	it('ingests the configured sources into the store and the live index, then refreshes upvotes without duplicating', async () => {
		serveDay([hfEntry({ id: '2608.00001', title: 'Quantum Gradient Tricks', upvotes: 3 }), hfEntry({ id: '2608.00002', title: 'Tiny Recurrent Planners' })]);
		const ingest = start();
		expect(ingest.sources.map((source) => source.name)).toEqual(['hf']);
		const first = await ingest.runNow();
		expect(first).toMatchObject({ added: 2, updated: 0, failed: 0 });
		expect((await store.listPapers()).map((paper) => paper.id).sort()).toEqual(['2608.00001', '2608.00002']);
		expect(index.search('quantum gradient')[0]?.paper.id).toBe('2608.00001');
		expect(await store.listSourceStatus()).toEqual([{ name: 'hf', lastSuccessAt: NOW.toISOString(), lastAdded: 2, added: 2 }]);

		serveDay([hfEntry({ id: '2608.00001', title: 'Quantum Gradient Tricks', upvotes: 40 }), hfEntry({ id: '2608.00002', title: 'Tiny Recurrent Planners' })]);
		const second = await ingest.runNow();
		expect(second).toMatchObject({ added: 0, updated: 1, failed: 0 });
		expect(await store.listPapers()).toHaveLength(2);
		expect(index.get('2608.00001')?.upvotes).toBe(40);
		expect(index.size).toBe(3);
	});

	it('folds a live paper into its seed twin in the index, stores it under its arXiv id, and lists it once', async () => {
		serveDay([hfEntry({ id: '2608.00003', title: `${SEED_TITLE}\n  `, upvotes: 12 })]);
		const ingest = start();
		expect(await ingest.runNow()).toMatchObject({ added: 1 });
		expect((await store.listPapers()).map((paper) => paper.id)).toEqual(['2608.00003']);
		expect(index.size).toBe(1);
		expect(index.get(titleId(SEED_TITLE))).toMatchObject({ arxivId: '2608.00003', upvotes: 12, listedOn: '2026-03-14', source: 'hf-daily' });
		expect(index.search('careful experts').filter((hit) => hit.paper.title === SEED_TITLE)).toHaveLength(1);

		serveDay([hfEntry({ id: '2608.00003', title: SEED_TITLE, upvotes: 30 })]);
		expect(await ingest.runNow()).toMatchObject({ added: 0, updated: 1 });
		expect(index.size).toBe(1);
		expect(index.get(titleId(SEED_TITLE))?.upvotes).toBe(30);
	});

	it('logs a failing source with its URL, keeps what is stored, records the error and never rejects', async () => {
		serveDay([hfEntry({ id: '2608.00001', title: 'Quantum Gradient Tricks' })]);
		const sources = [createHfSource({ baseUrl: server.baseUrl, timeoutMs: 2000, http: { retries: 0 } })];
		const ingest = start({ sources });
		await ingest.runNow();
		server.setHandler(() => ({ status: 503, body: 'down' }));
		const report = await ingest.runNow();
		expect(report).toMatchObject({ added: 0, failed: 1 });
		expect(report.runs[0]?.error).toMatch(/HTTP 503/);
		expect(await store.listPapers()).toHaveLength(1);
		const failure = logs.find((line) => line.message === 'source ingest failed, keeping what is stored');
		expect(failure).toMatchObject({ level: 'error', source: 'hf', url: expect.stringContaining('/api/daily_papers?date=2026-08-21') });
		expect(logs.some((line) => line.level === 'error' && line.message.startsWith('ingest finished with failing sources'))).toBe(true);
		const [status] = await store.listSourceStatus();
		expect(status).toMatchObject({ lastSuccessAt: NOW.toISOString(), lastError: expect.stringMatching(/HTTP 503/), added: 1 });
	});

	it('keeps what the last run cut in the stored source status, through a failure, until a clean run clears it', async () => {
		serveDay(
			Array.from({ length: 600 }, (_, index) =>
				hfEntry({ id: `2608.${String(10000 + index)}`, title: `Paper ${index}`, summary: index === 0 ? 'x'.repeat(20_000) : undefined }),
			),
		);
		const ingest = start({ sources: [createHfSource({ baseUrl: server.baseUrl, timeoutMs: 2000, http: { retries: 0 }, logger: logger() })] });
		const first = await ingest.runNow();
		expect(first.runs).toEqual([expect.objectContaining({ added: 500, truncated: 1, droppedEntries: 100, invalidUtf8: 0 })]);
		expect(await store.listSourceStatus()).toEqual([
			{ name: 'hf', lastSuccessAt: NOW.toISOString(), lastAdded: 500, added: 500, lastTruncated: 1, lastDroppedEntries: 100 },
		]);
		expect((await store.listPapers()).find((paper) => paper.id === '2608.10000')?.abstract).toHaveLength(10_000);
		expect(logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
			'hf: response has more entries than the 500 kept per page; the rest are dropped',
			'hf: fields over the size limits shortened',
		]);

		server.setHandler(() => ({ status: 503, body: 'down' }));
		await ingest.runNow();
		expect((await store.listSourceStatus())[0]).toMatchObject({ lastTruncated: 1, lastDroppedEntries: 100, lastError: expect.stringMatching(/HTTP 503/) });

		serveDay([hfEntry({ id: '2608.00001', title: 'Quantum Gradient Tricks' })]);
		await ingest.runNow();
		const [status] = await store.listSourceStatus();
		expect(status).not.toHaveProperty('lastTruncated');
		expect(status).not.toHaveProperty('lastDroppedEntries');
		expect(status).toMatchObject({ lastAdded: 1, added: 501 });
	});

	it('survives an unreachable source', async () => {
		const closed = await startFixtureServer();
		const baseUrl = closed.baseUrl;
		await closed.close();
		const ingest = start({ sources: [createHfSource({ baseUrl, timeoutMs: 2000, http: { retries: 0 } })] });
		const report = await ingest.runNow();
		expect(report.failed).toBe(1);
		expect(report.runs[0]?.error).toMatch(/network error: ECONNREFUSED/);
	});

	it('runs a request for a named day after the run in flight instead of joining it', async () => {
		serveDay([hfEntry({ id: '2608.00002', title: 'Sparse Attention Budgets' })]);
		const ingest = start();
		const latest = ingest.runNow();
		const named = ingest.runNow({ date: '2026-08-20' });
		expect(named).not.toBe(latest);
		await named;
		expect(server.requests.some((url) => url.searchParams.get('date') === '2026-08-20')).toBe(true);
		await ingest.stop();
	});

	it('shares one run between concurrent callers and starts none after stop', async () => {
		serveDay([hfEntry({ id: '2608.00001', title: 'Quantum Gradient Tricks' })]);
		const ingest = start();
		const [a, b] = [ingest.runNow(), ingest.runNow()];
		expect(a).toBe(b);
		await a;
		const requests = server.requests.length;
		await ingest.stop();
		expect(await ingest.runNow()).toEqual({ runs: [], added: 0, updated: 0, failed: 0 });
		expect(server.requests.length).toBe(requests);
	});

	it('schedules INGEST_CRON plus a run shortly before each digest time', () => {
		const ingest = start({ config: config({ INGEST_CRON: '15 * * * *' }), extraTimes: ['08:00', '00:05'] });
		expect(ingest.expressions).toEqual(['15 * * * *', '50 7 * * *', '55 23 * * *']);
	});

	it('replaces the pre-digest runs when the digest times change', async () => {
		const ingest = start({ config: config({ INGEST_CRON: '15 * * * *' }), extraTimes: ['08:00'] });
		ingest.reschedule(['06:30']);
		expect(ingest.expressions).toEqual(['15 * * * *', '20 6 * * *']);
		await ingest.stop();
		ingest.reschedule(['07:00']);
		expect(ingest.expressions).toEqual(['15 * * * *', '20 6 * * *']);
	});

	it('falls back to INGEST_CRON alone on a bad digest time, and to no schedule on a bad cron, without throwing', () => {
		const ingest = start({ extraTimes: ['25:00'] });
		expect(ingest.expressions).toEqual(['5 * * * *']);
		void ingest.stop();
		const broken = start({ config: config({ INGEST_CRON: '99 99 * * *' }) });
		expect(broken.expressions).toEqual([]);
		expect(logs.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
			'cannot schedule the pre-digest ingest, using INGEST_CRON alone',
			'cannot schedule the ingest: fix INGEST_CRON; papers are only fetched by "paperboy ingest"',
		]);
	});

	it('warns and schedules nothing when every source is off', async () => {
		const ingest = start({ config: config({ HF_ENABLED: 'false' }) });
		expect(ingest.sources).toEqual([]);
		expect(ingest.expressions).toEqual([]);
		expect(await ingest.runNow()).toMatchObject({ runs: [], failed: 0 });
		expect(logs.some((line) => line.level === 'warn' && line.message.startsWith('no live source is on'))).toBe(true);
	});
});

describe('localDigestTimes', () => {
	it('converts each schedule to the server zone, deduped and sorted, skipping paused ones and unknown zones', () => {
		const schedules = [
			{ time: '09:00', timezone: 'Europe/Berlin' },
			{ time: '07:00', timezone: 'UTC' },
			{ time: '03:00', timezone: 'America/New_York' },
			{ time: '07:00', timezone: 'Etc/UTC' },
			{ time: '06:00', timezone: 'UTC', paused: { reason: 'gone', at: NOW.toISOString() } },
			{ time: '06:00', timezone: 'Not/AZone' },
		];
		expect(localDigestTimes(schedules, NOW, 'UTC')).toEqual(['07:00']);
		expect(localDigestTimes(schedules.slice(2), NOW, 'UTC')).toEqual(['07:00']);
		expect(localDigestTimes([{ time: '09:30', timezone: 'Asia/Kolkata' }], NOW, 'UTC')).toEqual(['04:00']);
	});
});
