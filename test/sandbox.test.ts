import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig, type Config } from '../src/config.js';
import { applySandboxDefaults, runSandbox } from '../src/sandbox/main.js';
import { seedsDir } from './support/bot-harness.js';
import { runScript } from './support/spawn-script.js';

/**
 * The offline sandbox: the emulator, the real bot and the console, run from a script or piped stdin.
 * Fast cases run in this process; the --json request log and piped stdin run as `npm run sandbox` does.
 */

let dir: string;
let config: Config;
let dbCount = 0;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-sandbox-'));
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
	vi.restoreAllMocks();
});

async function writeScript(lines: string[]): Promise<string> {
	const file = join(dir, `script-${++dbCount}.txt`);
	await writeFile(file, `${lines.join('\n')}\n`);
	return file;
}

function freshConfig(): Config {
	config = parseConfig({ DATABASE_URL: `sqlite://${join(dir, `db-${++dbCount}.sqlite`)}`, SEEDS_DIR: seedsDir, PAPERS_YEAR: '2026', HF_ENABLED: 'false' });
	return config;
}

/** Runs the sandbox in this process and collects what it prints (stdout and stderr). */
async function runInProcess(argv: string[], options?: Parameters<typeof runSandbox>[2]): Promise<{ code: number; output: string }> {
	let output = '';
	const capture = (chunk: string | Uint8Array) => {
		output += String(chunk);
		return true;
	};
	vi.spyOn(process.stdout, 'write').mockImplementation(capture);
	vi.spyOn(process.stderr, 'write').mockImplementation(capture);
	vi.spyOn(console, 'error').mockImplementation((text: unknown) => capture(`${String(text)}\n`));
	try {
		const code = await runSandbox(freshConfig(), argv, options);
		return { code, output };
	} finally {
		vi.restoreAllMocks();
	}
}

describe('runSandbox', () => {
	it('replays a time jump so a digest subscribed on the corpus day arrives in #papers', async () => {
		const script = await writeScript(['as admin', '/digest subscribe time:09:00', 'time +1d', '/digest list']);
		const { code, output } = await runInProcess(['--script', script]);
		expect(code).toBe(0);
		expect(output).toContain('Sandbox clock: 2026-03-14 08:00 UTC');
		expect(output).toContain('── #papers · Paperboy');
		expect(output).toMatch(/last 2026-03-14: sent 10 papers/);
	});

	it('shows every promised failure on demand: a revoked permission pauses, a 5xx is retried, a restart keeps the state', async () => {
		const script = await writeScript([
			'as admin',
			'/digest subscribe time:09:00',
			'fault deny SendMessages',
			'time +1d',
			'/digest list',
			'fault allow',
			'/digest resume',
			'fault 5xx 2',
			'time +1d',
			'restart',
			'/digest list',
			'fault dms closed member',
			'fault delete #nowhere',
		]);
		const { code, output } = await runInProcess(['--script', script]);
		expect(output).toContain('Paperboy can no longer use SendMessages in #papers.');
		expect(output).toContain('Missing Permissions');
		expect(output).toContain('Resumed the digest for #papers');
		expect(output).toContain('Discord will answer the next 2 message posts with 503 Service Unavailable.');
		expect(output).toContain('Bot restarted.');
		expect(output).toMatch(/last 2026-03-1\d: sent \d+ papers?/);
		expect(output).toContain('closed their DMs');
		expect(output).toContain('! No channel #nowhere in the sandbox server.');
		expect(output).not.toContain('emulator rejected');
		// The one failed line is the deliberately bad channel name.
		expect(code).toBe(1);
	});

	it('runs a script of console lines, renders the answers, and exits 0', async () => {
		const script = await writeScript([
			'# a comment',
			'help',
			'/paper search query:difusion',
			'click 1',
			'click Similar',
			'autocomplete /paper search query:dif',
			'/paper today',
			'click Next',
			'quit',
			'/paper search query:never reached',
		]);
		const { code, output } = await runInProcess(['--script', script]);
		expect(output).toContain('Sandbox ready');
		expect(output).toContain('Results for “difusion”');
		expect(output).toContain('[Share] [Similar] [Save]');
		expect(output).toContain('→ VQ4DiT');
		expect(output).toContain('Papers listed on 2026-03-14');
		expect(output).not.toContain('never reached”');
		expect(code).toBe(0);
	});

	it('runs the library: save, the Save button, tags, a page, an export file and unsave', async () => {
		const script = await writeScript([
			'/paper save paper:t-b6da3eceecac tags:to-read',
			'/paper search query:difusion',
			'click 1',
			'click Save',
			'/paper tag add paper:VQ4DiT tags:quantization',
			'/paper library tag:to-read',
			'/paper export format:bibtex',
			'/paper tag remove paper:VQ4DiT tags:to-read',
			'/paper unsave paper:VQ4DiT',
			'/paper library',
		]);
		const { code, output } = await runInProcess(['--script', script]);
		expect(output).toContain('Saved “VQ4DiT');
		expect(output).toContain('is already in your library (1 paper)');
		expect(output).toContain('is now tagged to-read, quantization.');
		expect(output).toContain('`to-read` `quantization`');
		expect(output).toMatch(/📎 paperboy-library\.bib \(\d+ B\) http:\/\/127\.0\.0\.1:\d+\/attachments\/\d+\/\d+\/paperboy-library\.bib/);
		expect(output).toContain('Removed “VQ4DiT');
		expect(output).toContain('Your library is empty.');
		expect(code).toBe(0);
	});

	it('tries the richer digests: a forum digest with tagged posts, a named weekly one, a thread, and a "For you" DM', async () => {
		const script = await writeScript([
			'/paper save paper:t-077a9c89b9ab tags:rlhf',
			'/paper follow foryou:true tag:rlhf',
			'as admin',
			'/digest subscribe channel:#paper-talk topics:RLHF max_papers:2',
			'/digest subscribe name:weekly frequency:weekly topics:quantization',
			'/digest subscribe name:talk topics:agents thread:true max_papers:2',
			'/digest list',
			'time +1d',
		]);
		const { code, output } = await runInProcess(['--script', script]);
		expect(output).toContain('One post per paper, tagged “RLHF”');
		expect(output).toContain('weekly on Monday at 09:00 UTC');
		expect(output).toContain('Weekly digests go out on Monday unless you pick a day');
		expect(output).toContain('#papers · “weekly”');
		expect(output).toMatch(/── #paper-talk · Paperboy posted “.+” · tags: RLHF/);
		expect(output).toContain('── #papers · Paperboy started a thread: “2026-03-14 · agents”');
		expect(output).toContain('── DM to reader · Paperboy');
		expect(output).toContain('For you · rlhf');
		expect(code).toBe(0);
	});

	it('exits 1 when a console line is bad', async () => {
		const { code, output } = await runInProcess(['--script', await writeScript(['/paper search query:difusion', 'frobnicate now'])]);
		expect(output).toContain('! Unknown console command "frobnicate"');
		expect(code).toBe(1);
	});

	it('exits 1 and names the request when the emulator rejected one the bot made', async () => {
		// An acknowledgement window of 0 ms makes every callback arrive too late: Discord's 10062.
		const { code, output } = await runInProcess(['--script', await writeScript(['/paper search query:difusion'])], { emulator: { ackWindowMs: 0 } });
		expect(output).toMatch(/! emulator rejected POST \/interactions\/\d+\/\S+\/callback: 404/);
		expect(code).toBe(1);
	});

	it('exits 2 with the usage on an unknown flag', async () => {
		const { code, output } = await runInProcess(['--bogus']);
		expect(output).toContain('usage: npm run sandbox');
		expect(code).toBe(2);
	});
});

describe('sandbox start script', () => {
	it('prints one JSON line per request with --json and exits 0', async () => {
		const script = await writeScript(['/paper search query:difusion', 'click 1']);
		const run = await runScript('src/sandbox/start.ts', ['--script', script, '--json'], {
			env: { DATABASE_URL: `sqlite://${join(dir, 'json.sqlite')}`, PAPERS_YEAR: '2026' },
		}).done;
		expect(run.code).toBe(0);
		const lines = run.stdout.trim().split('\n');
		const requests = lines.map((line) => JSON.parse(line) as { method: string; route: string; status: number });
		for (const request of requests) expect(request).toEqual(expect.objectContaining({ method: expect.any(String), status: expect.any(Number) }));
		const callbacks = requests.filter((request) => request.route === '/interactions/{interaction_id}/{interaction_token}/callback');
		expect(callbacks.map((request) => request.status)).toEqual([204, 204]);
		expect(run.stderr).toContain('Starting the offline sandbox');
	});

	it('delivers in a second run the digest subscribed in the first, in the same #papers, without a stack trace', async () => {
		const env = { DATABASE_URL: `sqlite://${join(dir, 'twice.sqlite')}`, PAPERS_YEAR: '2026' };
		const first = await runScript('src/sandbox/start.ts', ['--script', await writeScript(['as admin', '/digest subscribe time:09:00'])], { env }).done;
		expect(first.code).toBe(0);
		const { channelId } = JSON.parse(await readFile(join(dir, 'twice.world.json'), 'utf8')) as { channelId: string };
		const second = await runScript('src/sandbox/start.ts', ['--script', await writeScript(['time +1d']), '--json'], { env }).done;
		const posted = second.stdout
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as { method: string; path: string; status: number });
		expect(posted).toContainEqual(expect.objectContaining({ method: 'POST', path: `/channels/${channelId}/messages`, status: 200 }));
		expect(second.stderr).toContain('── #papers · Paperboy');
		expect(second.stderr).not.toMatch(/\sat .*\.ts:\d+/);
		expect(second.code).toBe(0);
		// Two processes one after the other: more than one default timeout on a busy machine.
	}, 60_000);

	it('reads console lines from piped stdin', async () => {
		const run = await runScript('src/sandbox/start.ts', [], {
			env: { DATABASE_URL: `sqlite://${join(dir, 'stdin.sqlite')}`, PAPERS_YEAR: '2026' },
			stdin: '/paper search query:difusion\nclick 1\n',
		}).done;
		expect(run.stdout).toContain('> /paper search query:difusion');
		expect(run.stdout).toContain('Results for “difusion”');
		expect(run.stdout).toContain('VQ4DiT: Efficient Post-Training');
		expect(run.code).toBe(0);
	});
});

describe('applySandboxDefaults', () => {
	it('uses its own database file and no live ingest unless the environment sets them', () => {
		const config = parseConfig({});
		expect(applySandboxDefaults(config, {})).toMatchObject({ databaseUrl: 'sqlite://data/sandbox.sqlite', hfEnabled: false });
		expect(applySandboxDefaults(config, { DATABASE_URL: 'sqlite:///tmp/x.sqlite', HF_BASE_URL: 'http://127.0.0.1:8787' })).toMatchObject({
			databaseUrl: config.databaseUrl,
			hfEnabled: true,
		});
	});
});
