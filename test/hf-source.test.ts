import { expectSourceError } from './support/source-error.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { paperFromHfEntry } from '../src/papers/hf-entry.js';
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
		});
	}

	it.skipIf(!hasSharedFixtures)(withFixtures('rejects the day stored as Python repr strings, naming source and URL'), async () => {
		server.setHandler(({ url }) => (url.searchParams.get('date') === '2024-12-12' ? { file: join(HF_FIXTURES, 'malformed-python-repr-2024-12-12.json') } : undefined));
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
		server.setHandler(({ url }) => json(Array.from({ length: 2 }, (_, index) => hfEntry({ id: `2608.3${url.searchParams.get('p')}00${index}`, title: `P${url.searchParams.get('p')}-${index}` }))));
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
	});
});

describe('createHfSource', () => {
	it('fetches the UTC day of `now` when no date is given', async () => {
		server.setHandler(() => json([]));
		const batch = await createHfSource(options()).fetchPapers({ now: new Date('2026-08-21T23:30:00-05:00') });
		expect(batch.urls[0]).toContain('date=2026-08-22');
	});
});
