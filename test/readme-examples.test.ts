import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../src/config.js';
import { runCli } from '../src/cli/run.js';
import { CONSOLE_HELP } from '../src/sandbox/console.js';
import { runSandbox } from '../src/sandbox/main.js';
import { repoRoot, seedsDir } from './support/bot-harness.js';
import { hasSharedFixtures, hfDailyHandler, NO_FIXTURES_REASON, startFixtureServer, type FixtureServer } from './support/fixture-server.js';

/**
 * Every example a newcomer copies must work on a fresh clone: the README's `npx paperboy …` lines and the
 * concrete lines of the console's `help`, run as written (optional `[…]` parts left out, the first of
 * `a|b` alternatives taken). Ingest examples run against the recorded Hugging Face answers.
 */

let dir: string;
let server: FixtureServer | undefined;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-readme-'));
	if (hasSharedFixtures) server = await startFixtureServer(hfDailyHandler());
});
afterAll(async () => {
	await server?.close();
	await rm(dir, { recursive: true, force: true });
});

/** `npx paperboy search "a b" [--json]   # why` → ['search', 'a b']. */
function cliExample(line: string): string[] {
	const command = line
		.replace(/\s+#.*$/, '')
		.replace(/\[[^\]]*\]/g, '')
		.replace(/^npx paperboy\s+/, '');
	return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** `time 2026-03-15T09:00 | time +1d      move…` → ['time 2026-03-15T09:00', 'time +1d']; placeholders dropped. */
function consoleExamples(help: string): string[] {
	return help
		.split('\n')
		.slice(1)
		.map((line) => line.trim().split(/\s{2,}/)[0] ?? '')
		.flatMap((column) => column.split(' | '))
		.filter((example) => example && !example.includes('<'))
		.map((example) =>
			example
				.replace(/\s*\[[^\]]*\]/g, '')
				.replace(/(\w+)\|\w+/g, '$1')
				.trim(),
		);
}

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const cliLines = [...new Set(readme.split('\n').filter((line) => line.startsWith('npx paperboy ')))];

describe('README CLI examples', () => {
	it('lists some to check', () => {
		expect(cliLines.length).toBeGreaterThanOrEqual(5);
	});

	for (const line of cliLines) {
		const args = cliExample(line);
		const needsNetwork = args[0] === 'ingest';
		it.skipIf(needsNetwork && !hasSharedFixtures)(
			`runs \`${line.replace(/\s+#.*$/, '')}\`${needsNetwork && !hasSharedFixtures ? ` — skipped: ${NO_FIXTURES_REASON}` : ''}`,
			async () => {
				let stdout = '';
				let stderr = '';
				const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
				const env = {
					DATABASE_URL: `sqlite://${join(dir, 'cli.sqlite')}`,
					SEEDS_DIR: seedsDir,
					PAPERS_YEAR: '2026',
					HF_ENABLED: 'true',
					...(server ? { HF_BASE_URL: server.baseUrl } : {}),
				};
				const code = await runCli(args, { io, env });
				expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
				expect(stdout.length).toBeGreaterThan(0);
			},
		);
	}
});

describe('console help examples', () => {
	it('runs every concrete line of `help` in the sandbox without a failure', async () => {
		const examples = consoleExamples(CONSOLE_HELP);
		expect(examples).toContain('/paper search query:difusion');
		// Deleting #papers and quitting go last; the admin can run every command.
		const ordered = [
			'as admin',
			...examples.filter((line) => !/^fault delete|^quit|^as /.test(line)),
			...examples.filter((line) => /^fault delete/.test(line)),
			'quit',
		];
		const script = join(dir, 'help.txt');
		await writeFile(script, `${ordered.join('\n')}\n`);
		let output = '';
		const capture = (chunk: string | Uint8Array) => {
			output += String(chunk);
			return true;
		};
		vi.spyOn(process.stdout, 'write').mockImplementation(capture);
		vi.spyOn(process.stderr, 'write').mockImplementation(capture);
		try {
			const config = parseConfig({ DATABASE_URL: `sqlite://${join(dir, 'sandbox.sqlite')}`, SEEDS_DIR: seedsDir, PAPERS_YEAR: '2026', HF_ENABLED: 'false' });
			const code = await runSandbox(config, ['--script', script]);
			expect(output.split('\n').filter((line) => line.startsWith('! '))).toEqual([]);
			expect(code).toBe(0);
		} finally {
			vi.restoreAllMocks();
		}
	});
});
