import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/bot-harness.js';
import { runScript } from './support/spawn-script.js';

/**
 * `npm start` is bin/start.js: the bot from an esbuild bundle of the sources, rebuilt when a source changed,
 * and from the sources through tsx when no bundle can be made. Run as users run it, in its own process.
 */

let dir: string;
let script: string;
// Inside the project, as the real one is: the bundle resolves its packages from where it lies.
const bundlesRoot = join(repoRoot, 'node_modules', '.cache', `paperboy-start-test-${process.pid}`);

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-start-'));
	script = join(dir, 'session.txt');
	await writeFile(script, '/paper search query:difusion\n');
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
	await rm(bundlesRoot, { recursive: true, force: true });
});

const start = (bundles: string, name: string) =>
	runScript('bin/start.js', ['--script', script], {
		plainNode: true,
		timeoutMs: 60_000,
		env: { DATABASE_URL: `sqlite://${join(dir, `${name}.sqlite`)}`, PAPERBOY_BUNDLE_DIR: bundles },
	}).done;

const manifestOf = async (bundles: string) => JSON.parse(await readFile(join(bundles, 'current.json'), 'utf8')) as { dir: string; inputs: [string, string][] };

describe('bin/start.js', () => {
	it('bundles the sources on a first start, reuses the bundle after, and rebuilds when a source changed', async () => {
		const bundles = join(bundlesRoot, 'bundles');
		const first = await start(bundles, 'first');
		expect(first.stdout).toContain('Results for “difusion”');
		expect(first.code).toBe(0);
		const built = await manifestOf(bundles);
		expect(built.inputs.map(([file]) => file)).toContain('src/search/index.ts');

		const again = await start(bundles, 'again');
		expect(again.code).toBe(0);
		expect((await manifestOf(bundles)).dir).toBe(built.dir);

		// As if src/search/index.ts had been edited since the bundle was built.
		const edited = { ...built, inputs: built.inputs.map(([file, stamp]) => [file, file === 'src/search/index.ts' ? `0:${stamp}` : stamp]) };
		await writeFile(join(bundles, 'current.json'), JSON.stringify(edited));
		const rebuilt = await start(bundles, 'rebuilt');
		expect(rebuilt.stdout).toContain('Results for “difusion”');
		expect((await manifestOf(bundles)).dir).not.toBe(built.dir);
	});

	it('starts from the sources through tsx, saying why, when no bundle can be built', async () => {
		const notAFolder = join(bundlesRoot, 'a-file');
		await mkdir(bundlesRoot, { recursive: true });
		await writeFile(notAFolder, 'in the way');
		const run = await start(join(notAFolder, 'bundles'), 'fallback');
		expect(run.stderr).toContain('could not bundle the sources');
		expect(run.stdout).toContain('Results for “difusion”');
		expect(run.code).toBe(0);
	});
});
