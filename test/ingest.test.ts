import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { PAPER_LIMITS } from '../src/papers/limits.js';
import { normalizeTitle, titleId, type Paper } from '../src/papers/paper.js';
import { createArxivSource } from '../src/papers/sources/arxiv.js';
import { createConfiguredSources } from '../src/papers/sources/from-config.js';
import { createHfSource } from '../src/papers/sources/hf.js';
import { ingestOnce, resolveDates } from '../src/papers/sources/ingest.js';
import { isSamePaper, mergePaper } from '../src/papers/sources/merge.js';
import { applyStatusUpdate, formatSourceStatus } from '../src/papers/sources/status.js';
import type { IngestPorts, IngestProgress, LiveSource, SourceStatus } from '../src/papers/sources/types.js';
import {
	atom,
	atomFeed,
	hasSharedFixtures,
	hfDailyHandler,
	hfEntry,
	json,
	startFixtureServer,
	withFixtures,
	type FixtureHandler,
	type FixtureServer,
} from './support/fixture-server.js';

const NOW = new Date('2026-08-21T12:00:00Z');
let hfServer: FixtureServer;
let arxivServer: FixtureServer;

beforeAll(async () => {
	[hfServer, arxivServer] = await Promise.all([startFixtureServer(), startFixtureServer()]);
});
afterAll(() => Promise.all([hfServer.close(), arxivServer.close()]));

/** The ports as plain objects: a Map for the store, an array for the index, captured log lines. */
function createMemoryPorts(seed: Paper[] = []) {
	const papers = new Map(seed.map((paper) => [paper.id, paper]));
	const statuses = new Map<string, SourceStatus>();
	const indexed: Paper[] = [];
	const logs: { level: string; message: string; [key: string]: unknown }[] = [];
	const ports: IngestPorts = {
		async savePapers(batch) {
			const added: Paper[] = [];
			const updated: Paper[] = [];
			for (const paper of batch) {
				const before = papers.get(paper.id);
				const after = mergePaper(before, paper);
				if (!before) added.push(after);
				else if (!isSamePaper(before, after)) updated.push(after);
				papers.set(after.id, after);
			}
			return { added, updated };
		},
		index: { upsert: (batch) => void indexed.push(...batch) },
		async recordStatus(source, update) {
			statuses.set(source, applyStatusUpdate(statuses.get(source), update));
		},
		clock: () => NOW,
		logger: createLogger({ write: (line) => logs.push(JSON.parse(line) as (typeof logs)[number]) }),
		findExisting(paper) {
			const title = normalizeTitle(paper.title);
			return [...papers.values()].find((known) => (paper.arxivId && known.arxivId === paper.arxivId) || normalizeTitle(known.title) === title);
		},
	};
	return { ports, papers, statuses, indexed, logs };
}

function hf(handler: FixtureHandler): LiveSource {
	hfServer.setHandler(handler);
	return createHfSource({ baseUrl: hfServer.baseUrl, timeoutMs: 2000, http: { retries: 0 } });
}

function arxiv(handler: FixtureHandler): LiveSource {
	arxivServer.setHandler(handler);
	return createArxivSource({ baseUrl: arxivServer.baseUrl, categories: ['cs.LG'], timeoutMs: 2000, intervalMs: 0, http: { retries: 0 } });
}

describe('ingestOnce', () => {
	it.skipIf(!hasSharedFixtures)(withFixtures('stores a real HF day, indexes it and records the status'), async () => {
		const memory = createMemoryPorts();
		const report = await ingestOnce({ sources: [hf(hfDailyHandler())], date: '2025-10-15' }, memory.ports);
		expect(report).toMatchObject({ added: 26, updated: 0, failed: 0 });
		expect(memory.papers.size).toBe(26);
		expect(memory.indexed).toHaveLength(26);
		expect(memory.statuses.get('hf')).toEqual({ lastSuccessAt: NOW.toISOString(), added: 26 });
		// The real day is kept whole.
		expect(report.runs).toEqual([expect.objectContaining({ fetched: 26, truncated: 0, droppedEntries: 0, invalidUtf8: 0 })]);
		const again = await ingestOnce({ sources: [hf(hfDailyHandler())], date: '2025-10-15' }, memory.ports);
		expect(again).toMatchObject({ added: 0, updated: 0 });
		expect(memory.papers.size).toBe(26);
	});

	it('refreshes upvotes on a later fetch without duplicating the paper', async () => {
		const memory = createMemoryPorts();
		const day = (upvotes: number) => hf(() => json([hfEntry({ id: '2608.11111', title: 'Trending', upvotes })]));
		await ingestOnce({ sources: [day(3)], date: '2026-08-21' }, memory.ports);
		const report = await ingestOnce({ sources: [day(42)], date: '2026-08-21' }, memory.ports);
		expect(report).toMatchObject({ added: 0, updated: 1 });
		expect([...memory.papers.values()].map((paper) => paper.upvotes)).toEqual([42]);
		expect(memory.indexed.at(-1)?.upvotes).toBe(42);
	});

	it('updates the record when arXiv publishes a new version', async () => {
		const memory = createMemoryPorts();
		const published = '2026-08-19T17:00:00Z';
		await ingestOnce({ sources: [arxiv(() => atom(atomFeed([{ id: '2608.22222v1', title: 'Draft title', published }])))] }, memory.ports);
		const report = await ingestOnce(
			{ sources: [arxiv(() => atom(atomFeed([{ id: '2608.22222v2', title: 'Final title', published, updated: '2026-08-21T08:00:00Z' }])))] },
			memory.ports,
		);
		expect(report).toMatchObject({ added: 0, updated: 1 });
		expect([...memory.papers.values()]).toEqual([expect.objectContaining({ id: '2608.22222', title: 'Final title', listedOn: '2026-08-19' })]);
	});

	it('keeps one record for a paper listed by both HF and arXiv, with the richer fields', async () => {
		const memory = createMemoryPorts();
		const sources = [
			hf(() => json([hfEntry({ id: '2608.33333', title: 'Shared paper', upvotes: 17, githubRepo: 'https://github.com/a/b' })])),
			arxiv(() => atom(atomFeed([{ id: '2608.33333v1', title: 'Shared paper', published: '2026-08-20T12:00:00Z', authors: ['A. One', 'B. Two'] }]))),
		];
		const report = await ingestOnce({ sources, date: '2026-08-21' }, memory.ports);
		expect(report.runs.map((run) => [run.source, run.added, run.updated])).toEqual([
			['hf', 1, 0],
			['arxiv', 0, 1],
		]);
		expect([...memory.papers.values()]).toEqual([
			expect.objectContaining({
				id: '2608.33333',
				upvotes: 17,
				codeUrl: 'https://github.com/a/b',
				source: 'hf-daily',
				listedOn: '2026-08-21',
				authors: ['A. One', 'B. Two'],
			}),
		]);
	});

	it('folds a live listing into the seed paper with the same title', async () => {
		const seed: Paper = {
			id: titleId('A Seeded Paper'),
			title: 'A Seeded Paper',
			abstract: 'From the dump.',
			authors: [],
			listedOn: '2026-03-14',
			source: 'seed-dump',
		};
		const memory = createMemoryPorts([seed]);
		await ingestOnce({ sources: [hf(() => json([hfEntry({ id: '2603.44444', title: 'A  seeded\n paper', upvotes: 5 })]))], date: '2026-03-14' }, memory.ports);
		expect([...memory.papers.values()]).toEqual([expect.objectContaining({ id: seed.id, arxivId: '2603.44444', upvotes: 5, listedOn: '2026-03-14' })]);
	});

	it('logs a failing source with its URL, leaves the store alone and still ingests the other', async () => {
		const stored: Paper = {
			id: '2608.55555',
			title: 'Already here',
			abstract: 'a',
			authors: [],
			listedOn: '2026-08-20',
			upvotes: 9,
			arxivId: '2608.55555',
			source: 'hf-daily',
		};
		const memory = createMemoryPorts([stored]);
		const sources = [
			hf(() => ({ status: 503, body: 'down' })),
			arxiv(() => atom(atomFeed([{ id: '2608.66666v1', title: 'From arXiv', published: '2026-08-21T01:00:00Z' }]))),
		];
		const report = await ingestOnce({ sources }, memory.ports);
		expect(report).toMatchObject({ added: 1, failed: 1 });
		expect(memory.papers.get('2608.55555')).toEqual(stored);
		expect(memory.papers.has('2608.66666')).toBe(true);
		const failure = memory.logs.find((line) => line.level === 'error');
		expect(failure).toMatchObject({
			message: 'source ingest failed, keeping what is stored',
			source: 'hf',
			url: expect.stringContaining(`${hfServer.baseUrl}/api/daily_papers?date=2026-08-21`) as unknown,
		});
		expect(memory.statuses.get('hf')).toEqual({
			lastErrorAt: NOW.toISOString(),
			lastError: expect.stringMatching(/^hf: HTTP 503 after 1 attempt \(http:\/\/127\.0\.0\.1/) as unknown,
		});
		expect(memory.statuses.get('arxiv')).toMatchObject({ added: 1 });
	});

	it('stores nothing from a malformed response', async () => {
		const memory = createMemoryPorts();
		const report = await ingestOnce({ sources: [hf(() => json(["{'paper': {'id': '2412.07760'}}", "{'paper': {}}"]))], date: '2024-12-12' }, memory.ports);
		expect(report.failed).toBe(1);
		expect(memory.papers.size).toBe(0);
		expect(memory.indexed).toEqual([]);
		expect(memory.statuses.get('hf')?.lastError).toContain('all 2 entries are malformed');
	});

	it('keeps serving what it has when there is no network', async () => {
		const gone = await startFixtureServer();
		await gone.close();
		const memory = createMemoryPorts();
		const sources = [
			createHfSource({ baseUrl: gone.baseUrl, timeoutMs: 1000, http: { retries: 0 } }),
			createArxivSource({ baseUrl: gone.baseUrl, categories: ['cs.LG'], timeoutMs: 1000, intervalMs: 0, http: { retries: 0 } }),
		];
		const report = await ingestOnce({ sources }, memory.ports);
		expect(report).toMatchObject({ added: 0, failed: 2 });
		expect(memory.statuses.get('arxiv')?.lastError).toContain('network error: ECONNREFUSED');
	});

	it('backfills a range of days and reports progress after each', async () => {
		const memory = createMemoryPorts();
		const source = hf(({ url }) => {
			const date = url.searchParams.get('date') ?? '';
			return json(date === '2026-08-20' ? [] : [hfEntry({ id: `2608.7${date.slice(-2)}00`, title: `Paper of ${date}`, day: date })]);
		});
		const progress: IngestProgress[] = [];
		const report = await ingestOnce({ sources: [source], from: '2026-08-19', to: '2026-08-21', onProgress: (step) => progress.push(step) }, memory.ports);
		expect(report.added).toBe(2);
		expect(progress.map((step) => [step.date, step.step, step.total, step.added])).toEqual([
			['2026-08-19', 1, 3, 1],
			['2026-08-20', 2, 3, 1],
			['2026-08-21', 3, 3, 2],
		]);
		expect([...memory.papers.values()].map((paper) => paper.listedOn).sort()).toEqual(['2026-08-19', '2026-08-21']);
	});

	it('reports a 10,000-entry page cut to 500 in the run and the status, and a clean run clears it', async () => {
		const memory = createMemoryPorts();
		const entries = Array.from({ length: 10_000 }, (_, index) => hfEntry({ id: `2608.${String(10000 + index)}`, title: `Paper ${index}` }));
		const report = await ingestOnce({ sources: [hf(({ url }) => json(url.searchParams.get('p') === '0' ? entries : []))], date: '2026-08-21' }, memory.ports);
		expect(report.runs).toEqual([expect.objectContaining({ fetched: 500, added: 500, truncated: 0, droppedEntries: 9500, invalidUtf8: 0 })]);
		expect(memory.papers.size).toBe(500);
		expect(memory.statuses.get('hf')).toEqual({ lastSuccessAt: NOW.toISOString(), added: 500, lastDroppedEntries: 9500 });
		expect(formatSourceStatus('hf', memory.statuses.get('hf'))).toBe(
			`hf: last success ${NOW.toISOString()}, 500 papers added, last fetch cut to the limits: 9,500 entries over the page cap dropped`,
		);
		expect(memory.logs.find((line) => line.message === 'source ingested')).toMatchObject({ cut: '9,500 entries over the page cap dropped' });

		await ingestOnce({ sources: [hf(() => json([hfEntry({ id: '2608.99999', title: 'Small day' })]))], date: '2026-08-22' }, memory.ports);
		expect(memory.statuses.get('hf')).toEqual({ lastSuccessAt: NOW.toISOString(), added: 501 });
	});

	it('stores a 1 MB abstract shortened, and counts it and an invalid UTF-8 body', async () => {
		const memory = createMemoryPorts();
		const body = Buffer.concat([
			Buffer.from(JSON.stringify([hfEntry({ id: '2608.77777', title: 'Verbose', summary: 'Long words. '.repeat(90_000) })]).slice(0, -1)),
			Buffer.from(',"\xff"]', 'latin1'),
		]);
		const report = await ingestOnce({ sources: [hf(() => ({ headers: { 'content-type': 'application/json' }, body }))], date: '2026-08-21' }, memory.ports);
		expect(report.runs).toEqual([expect.objectContaining({ added: 1, rejected: 1, truncated: 1, droppedEntries: 0, invalidUtf8: 1 })]);
		expect(memory.papers.get('2608.77777')?.abstract.length).toBeLessThanOrEqual(PAPER_LIMITS.abstractChars);
		expect(memory.statuses.get('hf')).toMatchObject({ lastTruncated: 1, lastInvalidUtf8: 1 });
		expect(memory.statuses.get('hf')).not.toHaveProperty('lastDroppedEntries');
		expect(memory.logs.find((line) => line.message === 'source ingested')).toMatchObject({ cut: '1 field shortened, 1 response not valid UTF-8' });
	});

	it('survives a status store that fails', async () => {
		const memory = createMemoryPorts();
		memory.ports.recordStatus = () => Promise.reject(new Error('disk full'));
		const report = await ingestOnce({ sources: [hf(() => json([hfEntry({ id: '2608.88888', title: 'Still stored' })]))], date: '2026-08-21' }, memory.ports);
		expect(report.added).toBe(1);
		expect(memory.logs.some((line) => line.message === 'could not record source status')).toBe(true);
	});
});

describe('resolveDates', () => {
	it('gives the latest listing, one day, or every day of a range', () => {
		expect(resolveDates({})).toEqual([undefined]);
		expect(resolveDates({ date: '2026-08-21' })).toEqual(['2026-08-21']);
		expect(resolveDates({ from: '2026-02-27', to: '2026-03-01' })).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
	});

	it('refuses bad input with a UserError', () => {
		expect(() => resolveDates({ date: '2026-02-30' })).toThrow(UserError);
		expect(() => resolveDates({ from: '2026-08-21' })).toThrow('A backfill needs both --from and --to (YYYY-MM-DD).');
		expect(() => resolveDates({ from: '2026-08-21', to: '2026-08-20' })).toThrow('--from 2026-08-21 is after --to 2026-08-20.');
		expect(() => resolveDates({ from: '2020-01-01', to: '2026-01-01' })).toThrow(/at most 366 days/);
		expect(() => resolveDates({ date: '2026-08-21', from: '2026-08-20', to: '2026-08-21' })).toThrow(UserError);
	});
});

describe('mergePaper', () => {
	const base: Paper = {
		id: '2608.1',
		title: 'T',
		abstract: 'A',
		authors: ['X'],
		listedOn: '2026-08-20',
		upvotes: 4,
		codeUrl: 'https://github.com/x/y',
		source: 'hf-daily',
	};

	it('keeps what a poorer source does not know and the first listing day', () => {
		const merged = mergePaper(base, { id: '2608.1', title: 'T v2', abstract: 'A v2', authors: [], listedOn: '2026-08-21', arxivId: '2608.1', source: 'arxiv' });
		expect(merged).toEqual({ ...base, title: 'T v2', abstract: 'A v2', arxivId: '2608.1' });
	});
});

describe('formatSourceStatus', () => {
	it('shows last success, papers added, and a current failure', () => {
		expect(formatSourceStatus('hf', undefined)).toBe('hf: never fetched');
		expect(formatSourceStatus('arxiv', undefined, false)).toBe('arxiv: off');
		expect(
			formatSourceStatus('hf', {
				lastSuccessAt: '2026-08-21T10:00:00.000Z',
				added: 12,
				lastErrorAt: '2026-08-21T11:00:00.000Z',
				lastError: 'hf: HTTP 503 (u)',
			}),
		).toBe('hf: last success 2026-08-21T10:00:00.000Z, 12 papers added, FAILING since 2026-08-21T11:00:00.000Z: hf: HTTP 503 (u)');
	});

	it('says what the last fetch cut to the limits', () => {
		expect(formatSourceStatus('arxiv', { lastSuccessAt: '2026-08-21T10:00:00.000Z', added: 3, lastTruncated: 2, lastInvalidUtf8: 1 })).toBe(
			'arxiv: last success 2026-08-21T10:00:00.000Z, 3 papers added, last fetch cut to the limits: 2 fields shortened, 1 response not valid UTF-8',
		);
	});
});

describe('createConfiguredSources', () => {
	const config = { hfBaseUrl: 'http://127.0.0.1:1', hfEnabled: true, arxivBaseUrl: 'http://127.0.0.1:2', arxivCategories: ['cs.LG'], sourceTimeoutMs: 1000 };

	it('switches sources on from config and can pick one', () => {
		expect(createConfiguredSources(config).map((source) => source.name)).toEqual(['hf', 'arxiv']);
		expect(createConfiguredSources({ ...config, hfEnabled: false, arxivCategories: [] })).toEqual([]);
		expect(createConfiguredSources(config, { only: 'arxiv' }).map((source) => source.name)).toEqual(['arxiv']);
	});
});
