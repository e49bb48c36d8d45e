import { createVirtualLimiter } from './support/virtual-limiter.js';
import { expectSourceError } from './support/source-error.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arxivQueryUrl, categorySearchQuery, createArxivSource, fetchArxivQuery, type ArxivFetchOptions } from '../src/papers/sources/arxiv.js';
import { paperFromArxivEntry, parseArxivFeed } from '../src/papers/sources/arxiv-feed.js';
import { createLogger } from '../src/log.js';
import { PAPER_LIMITS } from '../src/papers/limits.js';
import { capPapers } from '../src/papers/sources/cut.js';
import { createRateLimiter } from '../src/papers/sources/limiter.js';
import {
	ARXIV_FIXTURES,
	arxivRecordedHandler,
	atom,
	atomFeed,
	hasSharedFixtures,
	readArxivFixtures,
	startFixtureServer,
	withFixtures,
	type FixtureServer,
} from './support/fixture-server.js';

let server: FixtureServer;

beforeAll(async () => {
	server = await startFixtureServer();
});
afterAll(() => server.close());

function fixture(name: string): string {
	return readFileSync(join(ARXIV_FIXTURES, name), 'utf8');
}

function fetchOptions(overrides: Partial<ArxivFetchOptions> = {}): ArxivFetchOptions {
	return { baseUrl: server.baseUrl, timeoutMs: 5000, maxPages: 1, limiter: createRateLimiter({ intervalMs: 0 }), http: { retries: 0 }, ...overrides };
}

const onlyWithFixtures = it.skipIf(!hasSharedFixtures);

describe('parseArxivFeed', () => {
	onlyWithFixtures(withFixtures('reads a 2026 entry: id without version, categories, comment, links'), () => {
		const feed = parseArxivFeed(fixture('arxivpy-2026-id_1605.08386_s0_m100_199195aa31ad.xml'), 'u');
		expect(feed.totalResults).toBe(1);
		expect(feed.entries).toEqual([
			{
				arxivId: '1605.08386',
				version: 1,
				title: 'Heat-bath random walks with Markov bases',
				summary: expect.stringMatching(/^Graphs on lattice points .* expander in fixed dimension\.$/) as unknown,
				published: '2016-05-26T17:59:46Z',
				updated: '2016-05-26T17:59:46Z',
				authors: ['Caprice Stanley', 'Tobias Windisch'],
				primaryCategory: 'math.CO',
				categories: ['math.CO', 'math.ST'],
				comment: '20 pages, 3 figures',
				links: [
					{ href: 'https://arxiv.org/abs/1605.08386v1', rel: 'alternate', type: 'text/html' },
					{ href: 'https://arxiv.org/pdf/1605.08386v1', rel: 'related', title: 'pdf', type: 'application/pdf' },
				],
			},
		]);
	});

	onlyWithFixtures(withFixtures('reads a 2016 feed: old-style ids, wrapped titles, per-element namespaces'), () => {
		const feed = parseArxivFeed(fixture('arxivpy-2016-search_query_au_del_maestro_AND_ti_checkerboard.xml'), 'u');
		const [entry] = feed.entries;
		expect(entry?.arxivId).toBe('cond-mat/0603029');
		expect(entry?.title).toBe('From stripe to checkerboard order on the square lattice in the presence of quenched disorder');
		expect(entry?.summary.startsWith('We discuss the effects')).toBe(true);
		expect(entry?.authors).toEqual(['Adrian Del Maestro', 'Bernd Rosenow', 'Subir Sachdev']);
		expect(entry?.primaryCategory).toBe('cond-mat.str-el');
		expect(entry?.comment).toBe('10 pages, 11 figures; added reference');
		const many = parseArxivFeed(fixture('arxivpy-2016-search_query_au_del_maestro.xml'), 'u');
		expect(many.entries).toHaveLength(10);
		expect(many.totalResults).toBe(31);
		expect(parseArxivFeed(fixture('arxivpy-2016-id_list_1111.2011v2.xml'), 'u').entries[0]).toMatchObject({ arxivId: '1111.2011', version: 2 });
	});

	onlyWithFixtures(withFixtures("reads the user manual's typical response"), () => {
		const [entry] = parseArxivFeed(fixture('arxiv-docs-user-manual-typical-response.xml'), 'u').entries;
		expect(entry).toMatchObject({
			arxivId: 'hep-ex/0307015',
			version: undefined,
			authors: ['H1 Collaboration'],
			primaryCategory: 'hep-ex',
			comment: '23 pages, 8 figures and 4 tables',
		});
		expect(entry?.title).toBe('Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA');
	});

	onlyWithFixtures(withFixtures("turns the user manual's error response into a clear error"), () => {
		expect(() => parseArxivFeed(fixture('arxiv-docs-user-manual-error-response.xml'), 'http://x/q')).toThrow(
			'arxiv: API error: incorrect id format for 1234.12345 (http://x/q)',
		);
	});

	onlyWithFixtures(withFixtures('reads the empty result as zero entries'), () => {
		expect(parseArxivFeed(fixture('arxivpy-2026-id_0000.0000_s0_m100_8b51d9633a68.xml'), 'u')).toEqual({
			entries: [],
			rejected: [],
			droppedEntries: 0,
			totalResults: 0,
			startIndex: 0,
		});
	});

	onlyWithFixtures(withFixtures('reads every recorded feed without rejecting an entry'), () => {
		for (const recorded of readArxivFixtures().filter((item) => item.status === 200 && !item.file.includes('error'))) {
			const feed = parseArxivFeed(readFileSync(recorded.file, 'utf8'), recorded.file);
			expect(feed.rejected).toEqual([]);
			for (const entry of feed.entries) expect(entry.title).not.toMatch(/\s{2}|\n/);
			// Every real entry is kept whole: nothing is over the limits.
			expect(feed.droppedEntries).toBe(0);
			expect(capPapers(feed.entries.map(paperFromArxivEntry)).cuts).toEqual([]);
		}
	});

	it('keeps the first 500 entries of a feed that ignores max_results and counts the rest', () => {
		const entries = Array.from({ length: 600 }, (_, index) => ({
			id: `2608.${String(10000 + index)}v1`,
			title: `Paper ${index}`,
			published: '2026-08-20T10:00:00Z',
		}));
		const feed = parseArxivFeed(atomFeed(entries), 'u');
		expect(feed.entries).toHaveLength(PAPER_LIMITS.entriesPerPage);
		expect(feed.entries.at(-1)?.title).toBe(`Paper ${PAPER_LIMITS.entriesPerPage - 1}`);
		expect(feed.droppedEntries).toBe(100);
	});

	it('rejects HTML and other non-feeds', () => {
		expect(() => parseArxivFeed('<!DOCTYPE html><html><body><p>Oops<br></body></html>', 'u')).toThrow(/arxiv: response is not well-formed XML/);
		expect(() => parseArxivFeed('<?xml version="1.0"?><rss><channel/></rss>', 'u')).toThrow('arxiv: response is not an Atom feed (no <feed> element) (u)');
		expect(() => parseArxivFeed('{"entries": []}', 'u')).toThrow(/not well-formed XML/);
	});

	it('reports an entry without an abs id and keeps the rest', () => {
		const xml = atomFeed([
			{ id: '2608.00001v1', title: 'Good', published: '2026-08-20T10:00:00Z' },
			{ id: '2608.00002v1', title: 'Broken', published: '2026-08-20T10:00:00Z' },
		]).replace('http://arxiv.org/abs/2608.00002v1', 'urn:nothing');
		const feed = parseArxivFeed(xml, 'u');
		expect(feed.entries.map((entry) => entry.title)).toEqual(['Good']);
		expect(feed.rejected).toEqual([{ index: 1, reason: 'id is not an arXiv abs URL: "urn:nothing"' }]);
	});

	it('rejects a feed whose every entry is broken', () => {
		const xml = atomFeed([{ id: '2608.00003v1', title: '', published: '2026-08-20T10:00:00Z' }]);
		expect(() => parseArxivFeed(xml, 'u')).toThrow('arxiv: all 1 entries are malformed (first: 2608.00003: missing title) (u)');
	});
});

describe('paperFromArxivEntry', () => {
	it('lists the paper on the UTC day it was published', () => {
		const [entry] = parseArxivFeed(atomFeed([{ id: '2608.00004v3', title: 'Late  night\n  paper', published: '2026-08-20T22:30:00-04:00' }]), 'u').entries;
		expect(paperFromArxivEntry(entry!)).toEqual({
			id: '2608.00004',
			arxivId: '2608.00004',
			title: 'Late night paper',
			abstract: 'Abstract of Late night paper.',
			authors: ['Grace Hopper'],
			listedOn: '2026-08-21',
			source: 'arxiv',
		});
	});

	it('takes a GitHub link from the comment as the code URL', () => {
		const xml = atomFeed([{ id: '2608.00005v1', title: 'T', published: '2026-08-20T10:00:00Z' }]).replace(
			'<arxiv:primary_category',
			'<arxiv:comment>Code: https://github.com/org/repo.</arxiv:comment><arxiv:primary_category',
		);
		const [entry] = parseArxivFeed(xml, 'u').entries;
		expect(paperFromArxivEntry(entry!).codeUrl).toBe('https://github.com/org/repo');
	});
});

describe('fetchArxivQuery', () => {
	onlyWithFixtures(withFixtures('fetches a recorded 2026 response over HTTP'), async () => {
		server.setHandler(arxivRecordedHandler());
		const batch = await fetchArxivQuery({ searchQuery: '', idList: '1605.08386', start: 0, maxResults: 100 }, fetchOptions());
		expect(batch.papers.map((paper) => [paper.id, paper.listedOn, paper.source])).toEqual([['1605.08386', '2016-05-26', 'arxiv']]);
	});

	onlyWithFixtures(withFixtures('turns the recorded HTTP 400 error feed (id_list=abc) into a clear error'), async () => {
		server.setHandler(arxivRecordedHandler());
		const error = await expectSourceError(fetchArxivQuery({ searchQuery: '', idList: 'abc', start: 0, maxResults: 100 }, fetchOptions()));
		expect(error.source).toBe('arxiv');
		expect(error.message).toBe(`arxiv: API error: incorrect id format for abc (${error.url})`);
		expect(error.url).toContain('id_list=abc');
	});

	onlyWithFixtures(withFixtures('returns zero papers for the recorded empty result'), async () => {
		server.setHandler(arxivRecordedHandler());
		const batch = await fetchArxivQuery({ searchQuery: '', idList: '0000.0000', start: 0, maxResults: 100 }, fetchOptions());
		expect(batch.papers).toEqual([]);
		expect(batch.rejected).toEqual([]);
	});

	onlyWithFixtures(withFixtures('pages through recorded results, one request per page, spaced by the limiter'), async () => {
		server.setHandler(arxivRecordedHandler());
		const { limiter, waits } = createVirtualLimiter(3000);
		const before = server.requests.length;
		const batch = await fetchArxivQuery(
			{ searchQuery: 'testing', idList: '', start: 0, maxResults: 10, sortBy: 'relevance' },
			fetchOptions({ maxPages: 3, limiter }),
		);
		expect(server.requests.slice(before).map((url) => url.searchParams.get('start'))).toEqual(['0', '10', '20']);
		expect(batch.papers).toHaveLength(30);
		expect(waits).toEqual([3000, 3000]);
	});

	it('shortens a 1 MB abstract and too many authors, counts them and warns with the URL', async () => {
		const lines: Record<string, unknown>[] = [];
		const authors = Array.from({ length: 1200 }, (_, index) => `Member ${index}`);
		server.setHandler(() =>
			atom(atomFeed([{ id: '2608.00010v1', title: 'Big collaboration', published: '2026-08-20T10:00:00Z', summary: 'Measured. '.repeat(105_000), authors }])),
		);
		const batch = await fetchArxivQuery(
			{ searchQuery: 'cat:cs.LG', start: 0, maxResults: 100 },
			fetchOptions({ logger: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) }),
		);
		const [paper] = batch.papers;
		expect(paper!.abstract.length).toBeLessThanOrEqual(PAPER_LIMITS.abstractChars);
		expect(paper!.authors).toHaveLength(PAPER_LIMITS.authors);
		expect(batch.cut).toEqual({ truncated: 2, droppedEntries: 0, invalidUtf8: 0 });
		expect(lines).toEqual([expect.objectContaining({ level: 'warn', source: 'arxiv', url: batch.urls[0], truncated: 2 })]);
	});

	it('reads a feed with invalid UTF-8 and counts it', async () => {
		const parts = atomFeed([{ id: '2608.00011v1', title: 'CafXX models', published: '2026-08-20T10:00:00Z' }]).split('XX');
		const body = Buffer.concat(parts.flatMap((part, index) => (index === 0 ? [Buffer.from(part)] : [Buffer.from([0xe9]), Buffer.from(part)])));
		server.setHandler(() => ({ headers: { 'content-type': 'application/atom+xml' }, body }));
		const batch = await fetchArxivQuery({ searchQuery: 'cat:cs.LG', start: 0, maxResults: 100 }, fetchOptions());
		expect(batch.papers.map((paper) => paper.title)).toEqual(['Caf\uFFFD models']);
		expect(batch.cut).toEqual({ truncated: 0, droppedEntries: 0, invalidUtf8: 1 });
	});

	onlyWithFixtures(withFixtures('cuts nothing from a recorded 100-entry response'), async () => {
		server.setHandler(arxivRecordedHandler());
		const batch = await fetchArxivQuery({ searchQuery: 'testing', idList: '', start: 0, maxResults: 100, sortBy: 'relevance' }, fetchOptions());
		expect(batch.papers).toHaveLength(100);
		expect(batch.cut).toBeUndefined();
	});

	it('stops after a short page', async () => {
		server.setHandler(() => atom(atomFeed([{ id: '2608.00006v1', title: 'Only', published: '2026-08-20T10:00:00Z' }], 1)));
		const batch = await fetchArxivQuery({ searchQuery: 'cat:cs.LG', start: 0, maxResults: 100 }, fetchOptions({ maxPages: 5 }));
		expect(batch.urls).toHaveLength(1);
	});

	it('rejects HTML served instead of Atom', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'text/html' }, body: '<html></html>' }));
		const error = await expectSourceError(fetchArxivQuery({ searchQuery: 'cat:cs.LG', start: 0, maxResults: 100 }, fetchOptions()));
		expect(error.message).toContain('expected application/atom+xml or application/xml or text/xml, got text/html');
	});
});

describe('categorySearchQuery', () => {
	it('ORs categories and narrows to a submission day', () => {
		expect(categorySearchQuery(['cs.LG'])).toBe('cat:cs.LG');
		expect(categorySearchQuery(['cs.LG', 'cs.CL'], '2026-08-21')).toBe('(cat:cs.LG OR cat:cs.CL) AND submittedDate:[202608210000 TO 202608212359]');
	});
});

describe('createArxivSource', () => {
	it('asks for the newest submissions in the configured categories', async () => {
		server.setHandler(() => atom(atomFeed([{ id: '2608.00007v2', title: 'New', published: '2026-08-21T09:00:00Z' }])));
		const source = createArxivSource({ baseUrl: server.baseUrl, categories: ['cs.LG', 'cs.CL'], timeoutMs: 5000, intervalMs: 0 });
		const batch = await source.fetchPapers({ now: new Date('2026-08-21T12:00:00Z') });
		const url = new URL(batch.urls[0]!);
		expect(url.pathname).toBe('/api/query');
		expect(Object.fromEntries(url.searchParams)).toEqual({
			search_query: '(cat:cs.LG OR cat:cs.CL)',
			sortBy: 'submittedDate',
			sortOrder: 'descending',
			start: '0',
			max_results: '100',
		});
		expect(batch.papers.map((paper) => paper.id)).toEqual(['2608.00007']);
		expect(arxivQueryUrl(server.baseUrl, { searchQuery: 'cat:cs.LG', start: 0, maxResults: 1 })).toBe(
			`${server.baseUrl}/api/query?search_query=cat%3Acs.LG&sortBy=submittedDate&sortOrder=descending&start=0&max_results=1`,
		);
	});

	it('spaces its requests with the same limiter across calls', async () => {
		server.setHandler(() => atom(atomFeed([])));
		const waits: number[] = [];
		const source = createArxivSource({
			baseUrl: server.baseUrl,
			categories: ['cs.LG'],
			timeoutMs: 5000,
			intervalMs: 60_000,
			http: {
				now: () => 0,
				sleep: async (ms) => {
					waits.push(ms);
				},
			},
		});
		await source.fetchPapers({ now: new Date() });
		await source.fetchPapers({ now: new Date() });
		expect(waits).toEqual([60_000]);
	});
});
