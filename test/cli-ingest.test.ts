import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import {
	atom,
	atomFeed,
	hasSharedFixtures,
	hfDailyHandler,
	hfEntry,
	json,
	startFixtureServer,
	withFixtures,
	type FixtureServer,
} from './support/fixture-server.js';

const seedsDir = fileURLToPath(new URL('../seeds', import.meta.url));
const NOW = new Date('2026-08-21T12:00:00Z');

let server: FixtureServer;
let dir: string;
beforeAll(async () => {
	server = await startFixtureServer();
});
afterAll(() => server.close());
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-ingest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return {
		SEEDS_DIR: seedsDir,
		PAPERS_YEAR: '2025',
		DATABASE_URL: `sqlite://${join(dir, 'paperboy.sqlite')}`,
		HF_BASE_URL: server.baseUrl,
		ARXIV_BASE_URL: server.baseUrl,
		...extra,
	};
}

async function run(argv: string[], environment = env()) {
	let stdout = '';
	let stderr = '';
	const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
	const code = await runCli(argv, { io, env: environment, now: () => NOW });
	return { code, stdout, stderr };
}

/** A first run on a fresh temp file also warns that it creates the database (openStore); the rest of stderr is the command's. */
const commandStderr = (stderr: string) =>
	stderr
		.split('\n')
		.filter((line) => !line.includes('creating a new database at'))
		.join('\n');

describe('ingestCommand', () => {
	it.skipIf(!hasSharedFixtures)(withFixtures('ingests a real day into the store; search, sources and a second ingest see it'), async () => {
		server.setHandler(hfDailyHandler());
		const first = await run(['ingest', '--date', '2025-10-15']);
		expect(first.code).toBe(0);
		expect(commandStderr(first.stderr)).toBe('');
		expect(first.stdout).toBe('hf: 26 fetched, 26 added, 0 updated\nIngested: 26 new, 0 updated.\n');

		const search = await run(['search', 'Agentic Entropy-Balanced Policy Optimization', '--json', '--limit', '1']);
		expect(JSON.parse(search.stdout)[0]).toMatchObject({ id: expect.stringMatching(/^2510\./) });
		const stats = await run(['stats', '--json']);
		expect(JSON.parse(stats.stdout).papers).toBe(63);

		const sources = await run(['sources']);
		expect(sources.code).toBe(0);
		expect(sources.stdout).toContain(`hf: last success ${NOW.toISOString()}, 26 papers added`);
		expect(sources.stdout).toContain('arxiv: off');

		const again = await run(['ingest', '--date', '2025-10-15', '--json']);
		expect(again.code).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, failed: 0 });
	});

	it("fetches each source's latest listing by default, and arXiv alone with --source", async () => {
		server.setHandler(({ url }) => {
			if (url.pathname === '/api/daily_papers')
				return url.searchParams.get('date') === '2026-08-21' && url.searchParams.get('p') === '0'
					? json([hfEntry({ id: '2608.00001', title: 'Quantum Gradient Tricks' })])
					: json([]);
			return atom(atomFeed([{ id: '2608.00002v2', title: 'Careful Sparse Experts', published: '2026-08-20T17:00:00Z' }]));
		});
		const hf = await run(['ingest']);
		expect(hf).toMatchObject({ code: 0, stdout: 'hf: 1 fetched, 1 added, 0 updated\nIngested: 1 new, 0 updated.\n' });
		const arxiv = await run(['ingest', '--source', 'arxiv', '--date', '2026-08-20'], env({ ARXIV_CATEGORIES: 'cs.LG' }));
		expect(arxiv).toMatchObject({ code: 0, stdout: 'arxiv: 1 fetched, 1 added, 0 updated\nIngested: 1 new, 0 updated.\n' });
		expect(server.requests.at(-1)?.searchParams.get('search_query')).toBe('cat:cs.LG AND submittedDate:[202608200000 TO 202608202359]');
		const show = await run(['show', '2608.00002']);
		expect(show.stdout.split('\n')[0]).toBe('Careful Sparse Experts');
	});

	it('prints a progress line per day of a backfill on stderr', async () => {
		server.setHandler(({ url }) =>
			json(
				url.searchParams.get('p') === '0'
					? [hfEntry({ id: `2608.0000${url.searchParams.get('date')!.slice(-1)}`, title: `Paper of ${url.searchParams.get('date')}` })]
					: [],
			),
		);
		const { code, stdout, stderr } = await run(['ingest', '--from', '2026-08-19', '--to', '2026-08-21']);
		expect(code).toBe(0);
		expect(commandStderr(stderr)).toBe(
			[
				'ingest day 1/3 (2026-08-19) done; so far 1 added, 0 updated, 0 failed',
				'ingest day 2/3 (2026-08-20) done; so far 2 added, 0 updated, 0 failed',
				'ingest day 3/3 (2026-08-21) done; so far 3 added, 0 updated, 0 failed',
				'',
			].join('\n'),
		);
		expect(stdout).toBe('hf: 3 fetched, 3 added, 0 updated\nIngested over 3 days: 3 new, 0 updated.\n');
	});

	it('exits 1 and names the failure when a source answers something unusable, storing nothing', async () => {
		server.setHandler(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' }));
		const { code, stdout, stderr } = await run(['ingest', '--date', '2026-08-21']);
		expect(code).toBe(1);
		expect(stdout).toMatch(
			new RegExp(
				[
					'^hf: 0 fetched, 0 added, 0 updated, 1 of 1 request failed\\n {2}failed hf 2026-08-21: hf: expected application/json, got text/html ',
					'\\(http://127\\.0\\.0\\.1:\\d+/api/daily_papers\\?date=2026-08-21&limit=100&p=0\\)\\nIngested: 0 new, 0 updated, 1 failed\\.\\n$',
				].join(''),
			),
		);
		expect(stderr).toContain('"message":"source ingest failed, keeping what is stored"');
		const sources = await run(['sources']);
		expect(sources.stdout).toMatch(/^hf: last success never, 0 papers added, FAILING since 2026-08-21T12:00:00.000Z: hf: expected application\/json/);
	});

	it('reports what was cut to the limits in the summary, the JSON report and the source status', async () => {
		const entries = Array.from({ length: 600 }, (_, index) =>
			hfEntry({ id: `2608.${String(10000 + index)}`, title: index === 0 ? 'T'.repeat(1500) : `Paper ${index}` }),
		);
		server.setHandler(({ url }) => json(url.searchParams.get('p') === '0' ? entries : []));
		const summary = await run(['ingest', '--date', '2026-08-21']);
		expect(summary.code).toBe(0);
		expect(summary.stdout).toBe(
			'hf: 500 fetched, 500 added, 0 updated, cut to the limits: 100 entries over the page cap dropped, 1 field shortened\nIngested: 500 new, 0 updated.\n',
		);
		expect(summary.stderr).toContain('"message":"hf: response has more entries than the 500 kept per page; the rest are dropped"');
		const report = await run(['ingest', '--date', '2026-08-21', '--json']);
		expect(JSON.parse(report.stdout).runs).toEqual([
			expect.objectContaining({ source: 'hf', fetched: 500, truncated: 1, droppedEntries: 100, invalidUtf8: 0 }),
		]);
		const sources = await run(['sources']);
		expect(sources.stdout).toContain(
			`hf: last success ${NOW.toISOString()}, 500 papers added, last fetch cut to the limits: 100 entries over the page cap dropped, 1 field shortened\n`,
		);
		const listed = await run(['sources', '--json']);
		expect(JSON.parse(listed.stdout)[0].status).toMatchObject({ lastTruncated: 1, lastDroppedEntries: 100 });
	});

	it('says which source is off, exit 1', async () => {
		const arxiv = await run(['ingest', '--source', 'arxiv']);
		expect(arxiv).toMatchObject({ code: 1, stderr: 'paperboy: the arXiv source is off: set ARXIV_CATEGORIES (for example cs.LG,cs.CL)\n' });
		const none = await run(['ingest'], env({ HF_ENABLED: 'false' }));
		expect(none.code).toBe(1);
		expect(none.stderr).toContain('no live source is on: Hugging Face is switched off (HF_ENABLED=false)');
	});

	it.each([
		[['ingest', '--source', 'rss'], /--source must be one of hf, arxiv \(got "rss"\)/],
		[['ingest', '--date', '2026-02-30'], /date must be a calendar day like 2026-03-14 \(got "2026-02-30"\)/],
		[['ingest', '--from', '2026-08-01'], /needs both --from and --to/],
		[['ingest', '--date', '2026-08-01', '--from', '2026-08-01', '--to', '2026-08-02'], /either a date or a --from\/--to range/],
		[['ingest', '--from', '2026-08-02', '--to', '2026-08-01'], /--from 2026-08-02 is after --to 2026-08-01/],
		[['ingest', 'today'], /unexpected argument "today"/],
		[['ingest', '--dry-run'], /Unknown option '--dry-run'/],
		[['sources', 'hf'], /unexpected argument "hf"/],
	])('rejects bad arguments %j with usage, exit 2, touching nothing', async (argv, message) => {
		const { code, stdout, stderr } = await run(argv);
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toMatch(message);
		expect(stderr).toContain(`Usage: paperboy ${argv[0]}`);
		expect(existsSync(join(dir, 'paperboy.sqlite'))).toBe(false);
	});
});

describe('sourcesCommand', () => {
	it('reports never-fetched and switched-off sources without creating a database', async () => {
		const { code, stdout } = await run(['sources']);
		expect(code).toBe(0);
		expect(stdout).toBe(
			`hf: never fetched\n  from ${server.baseUrl}/api/daily_papers\narxiv: off\n  would fetch from ${server.baseUrl}/api/query (no ARXIV_CATEGORIES)\n`,
		);
		expect(existsSync(join(dir, 'paperboy.sqlite'))).toBe(false);
	});

	it('prints [{ name, enabled, endpoint, status }] with --json', async () => {
		const { stdout } = await run(['sources', '--json'], env({ ARXIV_CATEGORIES: 'cs.LG,cs.CL' }));
		expect(JSON.parse(stdout)).toEqual([
			{ name: 'hf', enabled: true, endpoint: `${server.baseUrl}/api/daily_papers` },
			{ name: 'arxiv', enabled: true, endpoint: `${server.baseUrl}/api/query (cs.LG, cs.CL)` },
		]);
	});
});
