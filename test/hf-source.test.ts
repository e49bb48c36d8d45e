import { expectSourceError } from './support/source-error.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { paperFromHfEntry } from '../src/papers/hf-entry.js';
import { PAPER_LIMITS } from '../src/papers/limits.js';
import { normalizeArxivId } from '../src/papers/paper.js';
import { createHfSource, fetchHfDay, hfDailyPapersUrl, parseHfDailyPapers, type HfSourceOptions } from '../src/papers/sources/hf.js';
import {
	HF_FIXTURES,
	hasSharedFixtures,
	hfDailyHandler,
	hfEntry,
	json,
	startFixtureServer,
	withFixtures,
	type FixtureServer,
} from './support/fixture-server.js';

const REAL_DAYS = ['2024-05-27', '2025-03-03', '2025-10-15', '2026-08-21'];
let server: FixtureServer;

beforeAll(async () => {
	server = await startFixtureServer();
});
afterAll(() => server.close());

function options(overrides: Partial<HfSourceOptions> = {}): HfSourceOptions {
	return { baseUrl: server.baseUrl, timeoutMs: 5000, http: { retries: 0 }, ...overrides };
}

function readDay(day: string): unknown[] {
	return JSON.parse(readFileSync(join(HF_FIXTURES, `${day}.json`), 'utf8')) as unknown[];
}

describe('fetchHfDay', () => {
	for (const day of REAL_DAYS) {
		it.skipIf(!hasSharedFixtures)(withFixtures(`maps every entry of the real ${day} response`), async () => {
			server.setHandler(hfDailyHandler());
			const entries = readDay(day);
			const batch = await fetchHfDay(day, options());
			expect(batch.rejected).toEqual([]);
			expect(batch.papers).toHaveLength(entries.length);
			expect(batch.urls).toEqual([hfDailyPapersUrl(server.baseUrl, day, 100, 0)]);
			for (const paper of batch.papers) {
				expect(paper.source).toBe('hf-daily');
				expect(paper.listedOn).toBe(day);
				expect(paper.arxivId).toBeDefined();
				expect(paper.id).toBe(paper.arxivId);
				expect(paper.title).not.toMatch(/\n|^\s|\s$/);
				expect(paper.abstract.length).toBeGreaterThan(0);
				expect(typeof paper.upvotes).toBe('number');
			}
			const first = entries[0] as { paper: { id: string } };
			expect(batch.papers[0]?.id).toBe(normalizeArxivId(first.paper.id));
			// Every real entry is kept whole: nothing is over the limits.
			expect(batch.cut).toBeUndefined();
			expect(batch.papers).toEqual(entries.map((entry) => paperFromHfEntry(entry, day)).flatMap((result) => (result.ok ? [result.paper] : [])));
		});
	}

	it('keeps the first 500 entries of a 10,000-entry page, counts the rest and says so in the log', async () => {
		const lines: Record<string, unknown>[] = [];
		const entries = Array.from({ length: 10_000 }, (_, index) => hfEntry({ id: `2608.${String(10000 + index)}`, title: `Paper ${index}` }));
		// An API that ignores both limit and p: every page is the same 10,000 entries.
		server.setHandler(() => json(entries));
		const batch = await fetchHfDay(
			'2026-08-21',
			options({ logger: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) }),
		);
		expect(batch.papers).toHaveLength(PAPER_LIMITS.entriesPerPage);
		expect(batch.papers.at(-1)?.title).toBe(`Paper ${PAPER_LIMITS.entriesPerPage - 1}`);
		expect(batch.urls).toHaveLength(2);
		expect(batch.cut).toEqual({ truncated: 0, droppedEntries: 2 * (10_000 - PAPER_LIMITS.entriesPerPage), invalidUtf8: 0 });
		expect(lines[0]).toMatchObject({
			level: 'warn',
			message: 'hf: response has more entries than the 500 kept per page; the rest are dropped',
			url: batch.urls[0],
			entries: 10_000,
			droppedEntries: 9500,
		});
	});

	it('shortens a 1 MB abstract and an over-long title, and counts them', async () => {
		const lines: Record<string, unknown>[] = [];
		const huge = hfEntry({ id: '2608.50001', title: `Huge ${'t'.repeat(1100)}`, summary: 'We study big things. '.repeat(50_000) });
		server.setHandler(() => json([huge, hfEntry({ id: '2608.50002', title: 'Normal' })]));
		const batch = await fetchHfDay(
			'2026-08-21',
			options({ logger: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) }),
		);
		const [paper, normal] = batch.papers;
		expect(paper!.abstract.length).toBeLessThanOrEqual(PAPER_LIMITS.abstractChars);
		expect(paper!.abstract.endsWith('…')).toBe(true);
		expect(paper!.title.length).toBeLessThanOrEqual(PAPER_LIMITS.titleChars);
		expect(paper!.id).toBe('2608.50001');
		expect(normal!.title).toBe('Normal');
		expect(batch.cut).toEqual({ truncated: 2, droppedEntries: 0, invalidUtf8: 0 });
		expect(lines).toEqual([
			expect.objectContaining({
				level: 'warn',
				source: 'hf',
				url: batch.urls[0],
				truncated: 2,
				first: [{ id: '2608.50001', fields: ['title 1105 > 1000', 'abstract 1049999 > 10000'] }],
			}),
		]);
	});

	it('reads a body with invalid UTF-8, warns naming the URL and counts it', async () => {
		const lines: Record<string, unknown>[] = [];
		// "Café" sent in Latin-1: a lone 0xE9 byte.
		const parts = JSON.stringify([hfEntry({ id: '2608.60001', title: 'CafXX models' })]).split('XX');
		const body = Buffer.concat(parts.flatMap((part, index) => (index === 0 ? [Buffer.from(part)] : [Buffer.from([0xe9]), Buffer.from(part)])));
		server.setHandler(() => ({ headers: { 'content-type': 'application/json' }, body }));
		const batch = await fetchHfDay(
			'2026-08-21',
			options({ logger: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) }),
		);
		expect(batch.papers.map((paper) => paper.title)).toEqual(['Caf\uFFFD models']);
		expect(batch.cut).toEqual({ truncated: 0, droppedEntries: 0, invalidUtf8: 1 });
		expect(lines).toEqual([
			expect.objectContaining({ level: 'warn', message: 'source response is not valid UTF-8; bad bytes read as U+FFFD', source: 'hf', url: batch.urls[0] }),
		]);
	});

	it.skipIf(!hasSharedFixtures)(withFixtures('rejects the day stored as Python repr strings, naming source and URL'), async () => {
		server.setHandler(({ url }) =>
			url.searchParams.get('date') === '2024-12-12' ? { file: join(HF_FIXTURES, 'malformed-python-repr-2024-12-12.json') } : undefined,
		);
		const error = await expectSourceError(fetchHfDay('2024-12-12', options()));
		expect(error.source).toBe('hf');
		expect(error.url).toBe(hfDailyPapersUrl(server.baseUrl, '2024-12-12', 100, 0));
		expect(error.message).toMatch(/^hf: all 18 entries are malformed \(first: expected an object, got a string/);
		expect(error.message).toContain(error.url);
	});

	it('returns no papers for an empty day', async () => {
		server.setHandler(() => json([]));
		const batch = await fetchHfDay('2026-01-01', options());
		expect(batch).toEqual({ papers: [], rejected: [], urls: [hfDailyPapersUrl(server.baseUrl, '2026-01-01', 100, 0)] });
	});

	it('follows pages until a short page', async () => {
		const entries = Array.from({ length: 23 }, (_, index) => hfEntry({ id: `2608.${String(10000 + index)}`, title: `Paper ${index}` }));
		server.setHandler(({ url }) => {
			const limit = Number(url.searchParams.get('limit'));
			const page = Number(url.searchParams.get('p'));
			return json(entries.slice(page * limit, (page + 1) * limit));
		});
		const before = server.requests.length;
		const batch = await fetchHfDay('2026-08-21', options({ pageSize: 10 }));
		expect(batch.papers.map((paper) => paper.title)).toEqual(entries.map((_, index) => `Paper ${index}`));
		expect(server.requests.slice(before).map((url) => url.searchParams.get('p'))).toEqual(['0', '1', '2']);
	});

	it('stops when a page brings nothing new (an API that ignores p)', async () => {
		const entries = Array.from({ length: 5 }, (_, index) => hfEntry({ id: `2608.2000${index}`, title: `Same ${index}` }));
		server.setHandler(() => json(entries));
		const batch = await fetchHfDay('2026-08-21', options({ pageSize: 5 }));
		expect(batch.papers).toHaveLength(5);
		expect(batch.urls).toHaveLength(2);
	});

	it('stops at the page bound and says so in the log', async () => {
		const lines: string[] = [];
		server.setHandler(({ url }) =>
			json(
				Array.from({ length: 2 }, (_, index) =>
					hfEntry({ id: `2608.3${url.searchParams.get('p')}00${index}`, title: `P${url.searchParams.get('p')}-${index}` }),
				),
			),
		);
		const batch = await fetchHfDay('2026-08-21', options({ pageSize: 2, maxPages: 3, logger: createLogger({ write: (line) => lines.push(line) }) }));
		expect(batch.urls).toHaveLength(3);
		expect(batch.papers).toHaveLength(6);
		expect(lines.some((line) => line.includes('page bound reached'))).toBe(true);
	});

	it('keeps good entries and reports those without title or id', async () => {
		const good = hfEntry({ id: '2608.40001', title: 'Kept' });
		const noTitle = hfEntry({ id: '2608.40002', title: '' });
		const noId = { paper: { title: 'No id', summary: 's', authors: [], publishedAt: '2026-08-21T00:00:00Z' } };
		server.setHandler(() => json([noTitle, good, noId, 'garbage']));
		const batch = await fetchHfDay('2026-08-21', options());
		expect(batch.papers.map((paper) => paper.title)).toEqual(['Kept']);
		expect(batch.rejected).toEqual([
			{ index: 0, reason: 'missing title' },
			{ index: 2, reason: 'missing id' },
			{ index: 3, reason: 'expected an object, got a string ("garbage"…)' },
		]);
	});

	it('rejects a body that is not JSON', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'application/json' }, body: '[{"paper": {"id": "2608.1"' }));
		const error = await expectSourceError(fetchHfDay('2026-08-21', options()));
		expect(error.message).toMatch(/^hf: response is not valid JSON/);
	});

	it('rejects an HTML page even when it claims to be JSON', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'application/json' }, body: '<!DOCTYPE html><html><body>Rate limited</body></html>' }));
		const error = await expectSourceError(fetchHfDay('2026-08-21', options()));
		expect(error.message).toContain('response is not valid JSON (starts with "<!DOCTYPE html>');
	});

	it('rejects an HTML page by its content type', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'text/html' }, body: '<html></html>' }));
		const error = await expectSourceError(fetchHfDay('2026-08-21', options()));
		expect(error.message).toContain('expected application/json, got text/html');
	});

	it('rejects an object where an array of entries belongs', async () => {
		server.setHandler(() => json({ error: 'Invalid date' }));
		const error = await expectSourceError(fetchHfDay('2026-08-21', options()));
		expect(error.message).toContain('expected an array of entries, got an object');
	});

	it('rejects a runaway body at the size cap', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'application/json' }, stream: { chunk: Buffer.alloc(64 * 1024, 0x20), count: 64 } }));
		const error = await expectSourceError(fetchHfDay('2026-08-21', options({ http: { retries: 0, maxBytes: 1024 * 1024 } })));
		expect(error.message).toContain('response body exceeds 1 MB');
	});

	it('refuses a date that is not YYYY-MM-DD', async () => {
		await expectSourceError(fetchHfDay('21/08/2026', options()));
	});
});

describe('parseHfDailyPapers', () => {
	it.skipIf(!hasSharedFixtures)(withFixtures('agrees with paperFromHfEntry on a real day'), () => {
		const entries = readDay('2025-10-15');
		const page = parseHfDailyPapers(JSON.stringify(entries), 'http://x/', '2025-10-15');
		const direct = entries.map((entry) => paperFromHfEntry(entry, '2025-10-15')).flatMap((result) => (result.ok ? [result.paper] : []));
		expect(page.papers).toEqual(direct);
		expect(page.entryCount).toBe(entries.length);
		expect(page.droppedEntries).toBe(0);
		expect(page.capped.truncated).toBe(0);
	});

	it('reports bad entries by their index among the entries kept', () => {
		const entries = [
			hfEntry({ id: '2608.1', title: '' }),
			...Array.from({ length: 600 }, (_, index) => hfEntry({ id: `2608.${1000 + index}`, title: `P${index}` })),
		];
		const page = parseHfDailyPapers(JSON.stringify(entries), 'http://x/', '2026-08-21');
		expect(page).toMatchObject({ entryCount: 601, droppedEntries: 101, rejected: [{ index: 0, reason: 'missing title' }] });
		expect(page.papers).toHaveLength(499);
	});
});

describe('createHfSource', () => {
	it('fetches the UTC day of `now` when no date is given', async () => {
		server.setHandler(() => json([]));
		const batch = await createHfSource(options()).fetchPapers({ now: new Date('2026-08-21T23:30:00-05:00') });
		expect(batch.urls[0]).toContain('date=2026-08-22');
	});
});
