import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './support/bot-harness.js';
import { hasSharedFixtures, withFixtures } from './support/fixture-server.js';

/** `npm run fixtures` as a user runs it: its own process, a real port, stopped with a signal. */

const SCRIPT = join(repoRoot, 'scripts', 'fixture-server.ts');

interface Running {
	child: ChildProcessWithoutNullStreams;
	output: () => string;
	exited: Promise<number | null>;
}

const started: Running[] = [];

afterEach(() => {
	for (const { child } of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function runFixtureScript(file: string, args: string[]): Running {
	const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
	let text = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
	const running = { child, output: () => text, exited };
	started.push(running);
	return running;
}

/** Waits for the "listening on" line, which carries the port the OS picked for `--port 0`. */
async function baseUrlOf(running: Running): Promise<string> {
	for (let waited = 0; waited < 20_000; waited += 50) {
		const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(running.output())?.[1];
		if (url) return url;
		if (running.child.exitCode !== null) break;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`the fixture server did not start:\n${running.output()}`);
}

describe('fixture-server script', () => {
	it.skipIf(!hasSharedFixtures)(
		withFixtures('serves the recorded HF day, [] for a day without a recording, a recorded arXiv feed, and stops on SIGTERM'),
		async () => {
			const running = runFixtureScript(SCRIPT, ['--port', '0']);
			const baseUrl = await baseUrlOf(running);

			const day = await fetch(`${baseUrl}/api/daily_papers?date=2026-08-21&limit=100&p=0`);
			expect(day.status).toBe(200);
			expect(day.headers.get('content-type')).toContain('application/json');
			const entries = (await day.json()) as { paper: { id: string } }[];
			expect(entries).toHaveLength(17);
			expect(entries[0]?.paper.id).toBe('2608.19880');

			const other = await fetch(`${baseUrl}/api/daily_papers?date=2026-08-20&limit=100&p=0`);
			expect(await other.json()).toEqual([]);

			const feed = await fetch(`${baseUrl}/api/query?search_query=cat:cs.LG&sortBy=submittedDate&sortOrder=descending&start=0&max_results=100`);
			expect(feed.headers.get('content-type')).toContain('application/atom+xml');
			expect(await feed.text()).toContain('<opensearch:totalResults>214881</opensearch:totalResults>');

			expect(running.output()).toContain('GET /api/daily_papers?date=2026-08-21&limit=100&p=0 → 2026-08-21.json');
			running.child.kill('SIGTERM');
			expect(await running.exited).toBe(0);
		},
	);

	it.skipIf(!hasSharedFixtures)(withFixtures('replays a recorded day for other dates when asked to'), async () => {
		const running = runFixtureScript(SCRIPT, ['--port', '0', '--replay', '2025-03-03']);
		const baseUrl = await baseUrlOf(running);
		const today = (await (await fetch(`${baseUrl}/api/daily_papers?date=2026-11-26&p=0`)).json()) as unknown[];
		expect(today).toHaveLength(7);
		expect(await (await fetch(`${baseUrl}/api/daily_papers?date=2026-11-26&p=1`)).json()).toEqual([]);
		running.child.kill('SIGTERM');
		expect(await running.exited).toBe(0);
	});

	it('exits 2 with usage on a bad --port', async () => {
		const running = runFixtureScript(SCRIPT, ['--port', 'eighty']);
		expect(await running.exited).toBe(2);
		expect(running.output()).toContain('--port must be a port number');
		expect(running.output()).toContain('usage: npm run fixtures');
	});

	it('exits 2 saying what is missing when ../shared is absent', async () => {
		// A copy of the script and its support module in a tree with no shared/ beside it.
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-fixtures-'));
		try {
			const repo = join(dir, 'repo');
			mkdirSync(join(repo, 'scripts'), { recursive: true });
			mkdirSync(join(repo, 'test', 'support'), { recursive: true });
			copyFileSync(SCRIPT, join(repo, 'scripts', 'fixture-server.ts'));
			copyFileSync(join(repoRoot, 'test', 'support', 'fixture-server.ts'), join(repo, 'test', 'support', 'fixture-server.ts'));
			const running = runFixtureScript(join(repo, 'scripts', 'fixture-server.ts'), []);
			expect(await running.exited).toBe(2);
			expect(running.output()).toContain('Cannot serve fixtures: ../shared/fixtures is absent');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
