import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../src/sandbox/emulator/index.js';
import { runScript } from './support/spawn-script.js';

/**
 * `npm start` (src/main.ts) as a process: which mode it picks from the environment, its first line,
 * its exit codes, and the production path against the emulator standing in for Discord.
 */

let dir: string;
let script: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-main-'));
	script = join(dir, 'session.txt');
	await writeFile(script, '/paper search query:difusion\n');
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

const database = (name: string) => ({ DATABASE_URL: `sqlite://${join(dir, `${name}.sqlite`)}` });

describe('main', () => {
	it('starts the offline sandbox without DISCORD_TOKEN and says so on its first line', async () => {
		const run = await runScript('src/main.ts', ['--script', script], { env: database('sandbox') }).done;
		expect(run.stdout.split('\n')[0]).toMatch(/^Starting the offline sandbox \(no DISCORD_TOKEN set\)/);
		expect(run.stdout).toContain('Results for “difusion”');
		expect(run.code).toBe(0);
	});

	it('refuses to start without DISCORD_TOKEN when NODE_ENV=production, exit 1 with a clear message', async () => {
		const run = await runScript('src/main.ts', [], { env: { ...database('prod'), NODE_ENV: 'production' } }).done;
		expect(run.stderr).toContain('DISCORD_TOKEN is not set and NODE_ENV=production: refusing to start');
		expect(run.stdout).not.toContain('offline sandbox');
		expect(run.code).toBe(1);
	});

	it('exits 2 listing every bad setting', async () => {
		const run = await runScript('src/main.ts', [], { env: { ...database('bad'), PAPERS_YEAR: 'abc', LOG_LEVEL: 'loud' } }).done;
		expect(run.stderr).toContain('PAPERS_YEAR must be a 4-digit year');
		expect(run.stderr).toContain('LOG_LEVEL must be one of debug, info, warn, error');
		expect(run.code).toBe(2);
	});

	it('runs the production path against a Discord API, answers, and shuts down on SIGTERM without printing the token', async () => {
		const emu = createEmulator();
		const { apiUrl, token } = await emu.start();
		try {
			let ready: () => void = () => {};
			const isReady = new Promise<void>((resolve) => (ready = resolve));
			const bot = runScript('src/main.ts', [], {
				env: { ...database('live'), DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, LOG_LEVEL: 'debug' },
				onStderr: (text) => text.includes('"bot ready"') && ready(),
			});
			await Promise.race([isReady, bot.done.then((run) => Promise.reject(new Error(`bot exited early: ${run.stderr}`)))]);
			const reply = await emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query: 'difusion' } }).reply();
			expect(JSON.stringify(reply.embeds)).toContain('VQ4DiT');
			bot.kill('SIGTERM');
			const run = await bot.done;
			expect(run.stderr).toContain('"bot stopped"');
			expect(run.code).toBe(0);
			expect(`${run.stdout}${run.stderr}`).not.toContain(token);
		} finally {
			await emu.stop();
		}
	});

	it('fails with exit 1 on a wrong token, without printing it', async () => {
		const emu = createEmulator();
		const { apiUrl } = await emu.start();
		const wrong = `${'x'.repeat(24)}.wrongtoken.${'y'.repeat(27)}`;
		try {
			const run = await runScript('src/main.ts', [], { env: { ...database('wrong'), DISCORD_TOKEN: wrong, DISCORD_API_URL: apiUrl } }).done;
			expect(run.stderr).toContain('Paperboy failed to start');
			expect(`${run.stdout}${run.stderr}`).not.toContain(wrong);
			expect(run.code).toBe(1);
		} finally {
			await emu.stop();
		}
	});
});
