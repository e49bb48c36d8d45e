import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const seedsDir = join(repoRoot, 'seeds');
const vq4dit = 'VQ4DiT: Efficient Post-Training Vector Quantization for Diffusion Transformers';
// A database left in the work tree by `npm start` must not leak ingested papers into these tests.
const DATABASE_URL = `sqlite://${join(tmpdir(), `paperboy-cli-${process.pid}.sqlite`)}`;

async function run(argv: string[], env: NodeJS.ProcessEnv = { SEEDS_DIR: seedsDir, PAPERS_YEAR: '2025' }) {
	env = { DATABASE_URL, ...env };
	let stdout = '';
	let stderr = '';
	const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
	const code = await runCli(argv, { io, env });
	return { code, stdout, stderr };
}

let messyDir: string;
let hostileDir: string;
beforeAll(async () => {
	messyDir = await mkdtemp(join(tmpdir(), 'paperboy-cli-'));
	const entry = {
		paper: {
			id: '2401.00001',
			title: 'Direct Preference Optimization',
			summary: 'We align models with DPO.',
			authors: [{ name: 'Ada' }],
			publishedAt: '2024-01-02T00:00:00Z',
			upvotes: 7,
		},
	};
	await writeFile(join(messyDir, 'day.json'), JSON.stringify([entry, { paper: { id: '2401.00002' } }]));
	hostileDir = await mkdtemp(join(tmpdir(), 'paperboy-cli-hostile-'));
	const hostile = {
		paper: {
			id: '2401.00003',
			title: 'Terminal \u001b[2J\u001b]0;pwned\u0007escape \u202esneaky',
			summary: 'Clears \u001b[31mscreens\u001b[0m.',
			authors: [{ name: 'Eve\u0000' }],
			publishedAt: '2024-01-02T00:00:00Z',
		},
	};
	await writeFile(join(hostileDir, 'day.json'), JSON.stringify([hostile]).replace(/\\\\u/g, '\\u'));
});
afterAll(async () => {
	await rm(messyDir, { recursive: true, force: true });
	await rm(hostileDir, { recursive: true, force: true });
});

describe('runCli on hostile corpus text', () => {
	it('prints no terminal control sequence or bidi override from a title, abstract or author', async () => {
		const env = { SEEDS_DIR: hostileDir, PAPERS_YEAR: '2025' };
		const search = await run(['search', 'terminal escape'], env);
		expect(search.code).toBe(0);
		const show = await run(['show', '2401.00003'], env);
		for (const output of [search.stdout, show.stdout]) {
			expect(output).toContain('Terminal');
			expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
		}
	});
});

describe('runCli', () => {
	it('searches the seed and prints readable results', async () => {
		const { code, stdout, stderr } = await run(['search', 'difusion', '--limit', '3']);
		expect(code).toBe(0);
		expect(stderr).toBe('');
		expect(stdout).toContain(vq4dit);
		expect(stdout).toMatch(/^ ?1\. /);
	});

	it('prints search results as [{ id, title, score }] with --json, at most --limit', async () => {
		const { code, stdout } = await run(['search', 'preference optimization', '--json', '--limit', '2']);
		expect(code).toBe(0);
		const hits = JSON.parse(stdout) as unknown[];
		expect(hits.length).toBeGreaterThan(0);
		expect(hits.length).toBeLessThanOrEqual(2);
		for (const hit of hits) expect(Object.keys(hit as object)).toEqual(['id', 'title', 'score']);
	});

	it('shows a paper by id, as text and as the Paper object', async () => {
		const [hit] = JSON.parse((await run(['search', 'VQ4DiT', '--json'])).stdout) as { id: string }[];
		const text = await run(['show', hit!.id]);
		expect(text.code).toBe(0);
		expect(text.stdout.split('\n')[0]).toBe(vq4dit);
		expect(text.stdout).toContain(`id ${hit!.id} · listed 2025-03-14`);
		const json = await run(['show', hit!.id, '--json']);
		expect(JSON.parse(json.stdout)).toMatchObject({ id: hit!.id, title: vq4dit, listedOn: '2025-03-14', source: 'seed-dump', authors: [] });
	});

	it('says clearly when an id is unknown, exit 1', async () => {
		const { code, stdout, stderr } = await run(['show', '9999.99999']);
		expect(code).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toMatch(/^paperboy: no paper with id "9999.99999"/);
	});

	it('prints stats as text and as a stable JSON object', async () => {
		const text = await run(['stats']);
		expect(text.code).toBe(0);
		expect(text.stdout).toContain('Corpus:   63 papers (63 from the seeds, 0 ingested into the database');
		expect(text.stdout).toContain('Seeds:    63 from');
		expect(text.stdout).toContain('000_44d1e5d38125c694.txt  63 loaded, 0 skipped');
		const stats = JSON.parse((await run(['stats', '--json'])).stdout);
		expect(stats).toMatchObject({ seedsDir, corpus: 63, stored: 0, papers: 63, loaded: 63, merged: 0, skipped: 0, problems: [] });
		expect(stats.files).toEqual([{ file: join(seedsDir, '000_44d1e5d38125c694.txt'), loaded: 63, skipped: 0, problems: [] }]);
	});

	it('lists skipped records with reasons in stats and warns on stderr elsewhere', async () => {
		const env = { SEEDS_DIR: messyDir };
		const stats = await run(['stats'], env);
		expect(stats.stdout).toContain('Records:  1 loaded, 0 merged as duplicates, 1 skipped');
		expect(stats.stdout).toMatch(/day\.json record 2: missing title/);
		const search = await run(['search', 'dpo', '--json'], env);
		expect(search.code).toBe(0);
		expect(JSON.parse(search.stdout)[0]).toMatchObject({ id: '2401.00001' });
		expect(search.stderr).toBe('paperboy: 1 corpus problem while loading; run "paperboy stats" to see it\n');
	});

	it.each([
		[['frobnicate'], /unknown command "frobnicate"/],
		[[], /^Usage: paperboy <command>/],
		[['search'], /missing query/],
		[['search', 'x', '--limit', 'abc'], /--limit must be a whole number from 1 to 100 \(got "abc"\)/],
		[['search', 'x', '--limit', '0'], /--limit must be a whole number/],
		[['search', 'x', '--colour'], /Unknown option '--colour'/],
		[['search', '!!!'], /no letters or digits/],
		[['show'], /missing paper id/],
		[['stats', 'extra'], /unexpected argument "extra"/],
	])('rejects bad arguments %j with usage on stderr, exit 2', async (argv, message) => {
		const { code, stdout, stderr } = await run(argv);
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toMatch(message);
		expect(stderr).toContain('Usage: paperboy');
	});

	it('prints help on stdout with exit 0', async () => {
		const all = await run(['--help']);
		expect(all).toMatchObject({ code: 0, stderr: '' });
		expect(all.stdout).toMatch(/search.*\n.*show.*\n.*stats/);
		const search = await run(['search', '--help']);
		expect(search.code).toBe(0);
		expect(search.stdout).toMatch(/^Usage: paperboy search/);
	});

	it('prints configuration problems one per line, exit 2, and a missing seeds folder, exit 1', async () => {
		const config = await run(['stats'], { PAPERS_YEAR: 'abc' });
		expect(config.code).toBe(2);
		expect(config.stderr).toContain('PAPERS_YEAR must be a 4-digit year');
		const missing = join(messyDir, 'absent');
		const seeds = await run(['stats'], { SEEDS_DIR: missing });
		expect(seeds.code).toBe(1);
		expect(seeds.stderr).toContain(`Seeds directory not found: ${missing}`);
	});
});

describe('bin/paperboy.js', () => {
	it('runs the real command from the repo root', async () => {
		const { stdout } = await promisify(execFile)(process.execPath, ['bin/paperboy.js', 'search', 'difusion', '--json'], {
			cwd: repoRoot,
			env: { ...process.env, SEEDS_DIR: seedsDir, DATABASE_URL },
		});
		expect(JSON.parse(stdout)[0]).toMatchObject({ title: vq4dit });
	});

	it('exits 2 on bad arguments', async () => {
		const failure = await promisify(execFile)(process.execPath, ['bin/paperboy.js', 'search'], { cwd: repoRoot }).catch(
			(error: { code: number; stderr: string }) => error,
		);
		expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('missing query') });
	});
});
