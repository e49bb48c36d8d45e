import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig, type Config } from '../src/config.js';
import { listSubscriptions } from '../src/digests/subscriptions.js';
import { silentLogger } from '../src/log.js';
import { createEmulator, readSnowflakeTime, type WorldIdentity } from '../src/sandbox/emulator/index.js';
import { runSandbox } from '../src/sandbox/main.js';
import { loadWorldFile, saveWorldFile, worldFilePath, WORLD_FILE_VERSION } from '../src/sandbox/world-file.js';
import { openStore } from '../src/store/store.js';
import { seedsDir } from './support/bot-harness.js';

/** The sandbox keeps its server, channels and people beside its database, so the tenth run works like the first. */

let dir: string;
let count = 0;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-sandbox-world-'));
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
	vi.restoreAllMocks();
});

/** One database (and so one world file) shared by the runs of a test. */
function sandboxDatabase(): { config: Config; database: string; worldFile: string } {
	const database = join(dir, `sandbox-${++count}.sqlite`);
	const config = parseConfig({ DATABASE_URL: `sqlite://${database}`, SEEDS_DIR: seedsDir, PAPERS_YEAR: '2026', HF_ENABLED: 'false' });
	return { config, database, worldFile: join(dir, `sandbox-${count}.world.json`) };
}

/** Runs the sandbox in this process on a script of console lines; with --json, stdout lines that are JSON are the request log. */
async function run(
	config: Config,
	lines: string[],
	json = false,
): Promise<{ code: number; output: string; requests: { method: string; path: string; status: number }[] }> {
	const script = join(dir, `script-${++count}.txt`);
	await writeFile(script, `${lines.join('\n')}\n`);
	let output = '';
	const requests: { method: string; path: string; status: number }[] = [];
	const capture = (chunk: string | Uint8Array) => {
		for (const line of String(chunk).split('\n')) {
			if (json && line.startsWith('{"method"')) requests.push(JSON.parse(line) as { method: string; path: string; status: number });
			else if (line) output += `${line}\n`;
		}
		return true;
	};
	vi.spyOn(process.stdout, 'write').mockImplementation(capture);
	vi.spyOn(process.stderr, 'write').mockImplementation(capture);
	vi.spyOn(console, 'error').mockImplementation((text: unknown) => capture(`${String(text)}\n`));
	try {
		const code = await runSandbox(config, ['--script', script, ...(json ? ['--json'] : [])]);
		return { code, output, requests };
	} finally {
		vi.restoreAllMocks();
	}
}

async function readIdentity(file: string): Promise<WorldIdentity & { version: number }> {
	return JSON.parse(await readFile(file, 'utf8')) as WorldIdentity & { version: number };
}

async function storedSubscriptions(config: Config) {
	const store = await openStore(config.databaseUrl, silentLogger);
	try {
		return await listSubscriptions(store);
	} finally {
		await store.close();
	}
}

const STACK_LINE = /\n\s+at |\\n\s+at /;

describe('runSandbox', () => {
	it('does deliver a digest subscribed in one run to the same #papers channel in the next run, exiting 0', async () => {
		const { config, worldFile } = sandboxDatabase();
		const first = await run(config, ['as admin', '/digest subscribe time:09:00']);
		expect(first.code).toBe(0);
		const world = await readIdentity(worldFile);
		expect(world.version).toBe(WORLD_FILE_VERSION);
		expect((await storedSubscriptions(config)).map((subscription) => [subscription.guildId, subscription.channelId])).toEqual([
			[world.guildId, world.channelId],
		]);

		const second = await run(config, ['as admin', 'time +1d', '/digest list'], true);
		expect(second.output).toContain('── #papers · Paperboy');
		expect(second.output).toMatch(/last 2026-03-14: sent 10 papers/);
		expect(second.requests).toContainEqual(expect.objectContaining({ method: 'POST', path: `/channels/${world.channelId}/messages`, status: 200 }));
		expect(second.requests.filter((request) => request.status >= 400)).toEqual([]);
		expect(second.output).not.toMatch(STACK_LINE);
		expect(second.output).not.toContain('emulator rejected');
		expect(second.code).toBe(0);
		expect(await readIdentity(worldFile)).toEqual(world);
	});

	it('does keep a follower’s DM channel from run to run, so the next DM goes where the stored one points', async () => {
		const { config, worldFile } = sandboxDatabase();
		const first = await run(config, ['as admin', '/paper follow topic:RLHF time:09:00', 'time +1d']);
		expect(first.output).toContain('── DM to admin · Paperboy');
		expect(first.code).toBe(0);
		const { dmChannels, adminId } = await readIdentity(worldFile);
		expect(dmChannels).toEqual([{ userId: adminId, channelId: expect.stringMatching(/^\d{17,20}$/) }]);

		// Something new for the second run's DM: the seeds plus one paper listed after the first DM's day.
		const moreSeeds = await mkdtemp(join(tmpdir(), 'paperboy-seeds-'));
		await writeFile(join(moreSeeds, 'seed.txt'), await readFile(join(seedsDir, '000_44d1e5d38125c694.txt')));
		const later = {
			id: '2603.16001',
			arxivId: '2603.16001',
			title: 'RLHF without reward hacking',
			abstract: 'A new RLHF method.',
			authors: ['Ada'],
			listedOn: '2026-03-16',
			source: 'hf-daily',
		};
		await writeFile(join(moreSeeds, 'later.json'), JSON.stringify([later]));
		const second = await run({ ...config, seedsDir: moreSeeds }, ['time +2d'], true);
		await rm(moreSeeds, { recursive: true, force: true });
		expect(second.output).toContain('── DM to admin · Paperboy');
		expect(second.requests).toContainEqual(expect.objectContaining({ method: 'POST', path: `/channels/${dmChannels[0]?.channelId}/messages`, status: 200 }));
		expect(second.requests.filter((request) => request.status >= 400)).toEqual([]);
		expect(second.code).toBe(0);
	});

	it('does set a corrupt world file aside, start a new world and leave the database alone, exiting 0 when the stale digest pauses', async () => {
		const { config, worldFile } = sandboxDatabase();
		expect((await run(config, ['as admin', '/digest subscribe time:09:00'])).code).toBe(0);
		const old = await readIdentity(worldFile);
		const [subscribed] = await storedSubscriptions(config);
		await writeFile(worldFile, '{"version": 1, "guildId": ');

		const second = await run(config, ['as admin', 'time +1d', '/digest list']);
		expect(second.output).toMatch(
			/! The sandbox world file .*sandbox-\d+\.world\.json is unreadable \(not JSON: .*\); it was kept as .*\.world\.json\.corrupt-\d{4}-\d\d-\d\dT/,
		);
		expect(second.output).toContain('Starting a new sandbox world');
		expect(second.output).toContain('is untouched');
		const aside = (await readdir(dir)).filter((name) => name.startsWith(`sandbox-${worldFile.match(/sandbox-(\d+)/)?.[1]}.world.json.corrupt-`));
		expect(aside).toHaveLength(1);
		expect(await readFile(join(dir, aside[0] ?? ''), 'utf8')).toBe('{"version": 1, "guildId": ');

		const fresh = await readIdentity(worldFile);
		expect(fresh.guildId).not.toBe(old.guildId);
		expect(fresh.channelId).not.toBe(old.channelId);
		// The old world's digest is still there, only paused by its 404, and the new server lists none.
		const after = await storedSubscriptions(config);
		expect(after).toEqual([
			expect.objectContaining({
				guildId: subscribed?.guildId,
				channelId: subscribed?.channelId,
				createdAt: subscribed?.createdAt,
				paused: expect.objectContaining({ code: 10003 }),
			}),
		]);
		expect(second.output).toContain('[warn] digest target paused');
		expect(second.output).toContain('This server has no digest subscriptions yet');
		expect(second.output).not.toMatch(STACK_LINE);
		expect(second.output).not.toContain('emulator rejected');
		expect(second.code).toBe(0);
	});

	it('does say so when the database has no world file beside it', async () => {
		const { config, worldFile } = sandboxDatabase();
		expect((await run(config, ['as admin', '/digest subscribe time:09:00'])).code).toBe(0);
		await unlink(worldFile);
		const second = await run(config, ['/paper today']);
		expect(second.output).toMatch(/! .*sandbox-\d+\.sqlite has no sandbox world file beside it \(.*sandbox-\d+\.world\.json\)\. Starting a new sandbox world/);
		expect(second.code).toBe(0);
		expect((await readIdentity(worldFile)).version).toBe(WORLD_FILE_VERSION);
	});

	it('does list a digest whose channel no longer exists and remove it by channel_id, exiting 0', async () => {
		const { config, worldFile } = sandboxDatabase();
		expect((await run(config, ['as admin', '/digest subscribe channel:#papers time:09:00'])).code).toBe(0);
		// The same server whose #papers was deleted and made again: the stored digest names a channel that is gone.
		const world = await readIdentity(worldFile);
		const gone = world.channelId;
		await writeFile(worldFile, JSON.stringify({ ...world, channelId: String(BigInt(gone) + 1000n) }));

		const second = await run(
			config,
			['as admin', '/digest list', 'time +1d', '/digest unsubscribe channel_id:not-an-id', `/digest unsubscribe channel_id:${gone}`, '/digest list'],
			true,
		);
		expect(second.output).toContain(`(channel ${gone})`);
		// The console wraps the line inside its box.
		expect(second.output).toContain('⚠ This channel no longer exists. Remove its digest with /digest');
		expect(second.output).toContain(`unsubscribe channel_id:${gone}`);
		expect(second.output).toContain('“not-an-id” is not a channel id');
		expect(second.output).toContain(`Unsubscribed the deleted channel ${gone}`);
		expect(second.output).toContain('This server has no digest subscriptions yet');
		expect(second.requests).toContainEqual(expect.objectContaining({ method: 'POST', path: `/channels/${gone}/messages`, status: 404 }));
		expect(second.output).not.toMatch(STACK_LINE);
		expect(second.output).not.toContain('emulator rejected');
		expect(second.code).toBe(0);
		expect(await storedSubscriptions(config)).toEqual([]);
	});
});

describe('worldFilePath', () => {
	it('does put the world file beside the sqlite file, and none without a database file', () => {
		expect(worldFilePath('sqlite://data/sandbox.sqlite', '/srv/paperboy')).toBe('/srv/paperboy/data/sandbox.world.json');
		expect(worldFilePath('sqlite:///tmp/try.db', '/srv')).toBe('/tmp/try.world.json');
		expect(worldFilePath('sqlite://:memory:', '/srv')).toBeUndefined();
		expect(worldFilePath('postgres://localhost/paperboy', '/srv')).toBeUndefined();
	});
});

describe('loadWorldFile', () => {
	const world = createEmulator().identity();
	const identity = (): WorldIdentity => structuredClone(world);

	it('does read back what saveWorldFile wrote', async () => {
		const file = join(dir, `roundtrip-${++count}.world.json`);
		const saved = identity();
		await saveWorldFile(file, saved);
		expect(await loadWorldFile(file)).toEqual({ kind: 'found', identity: saved });
	});

	it('does report a missing file as missing', async () => {
		expect(await loadWorldFile(join(dir, 'nowhere.world.json'))).toEqual({ kind: 'missing' });
	});

	it.each([
		['not JSON', 'nope', /^not JSON/],
		['another version', JSON.stringify({ ...identity(), version: 2 }), /^version 2, this Paperboy reads version 1$/],
		['no version', JSON.stringify(identity()), /^version null/],
		['a bad id', JSON.stringify({ ...identity(), version: 1, guildId: 'guild' }), /^guildId: not a snowflake$/],
		['a missing id', JSON.stringify({ ...identity(), version: 1, channelId: undefined }), /^channelId: /],
		['an unknown field', JSON.stringify({ ...identity(), version: 1, token: 'x' }), /token/],
		['an id used twice', JSON.stringify({ ...identity(), version: 1, adminId: identity().userId }), /^an id is used twice$/],
		[
			'a DM with a stranger',
			JSON.stringify({ ...identity(), version: 1, dmChannels: [{ userId: '123456789012345678', channelId: '223456789012345678' }] }),
			/names a user not in this world/,
		],
	])('does set a file with %s aside, keeping its text', async (_case, text, problem) => {
		const file = join(dir, `corrupt-${++count}.world.json`);
		await writeFile(file, text);
		const loaded = await loadWorldFile(file, new Date('2026-03-14T08:00:00.123Z'));
		expect(loaded).toEqual({ kind: 'corrupt', problem: expect.stringMatching(problem), asideAs: `${file}.corrupt-2026-03-14T08-00-00-123Z` });
		expect(await readFile(`${file}.corrupt-2026-03-14T08-00-00-123Z`, 'utf8')).toBe(text);
		expect(await loadWorldFile(file)).toEqual({ kind: 'missing' });
	});
});

describe('createEmulator', () => {
	it('does rebuild the same world from an identity, DM channels included, and mints none of its ids again', async () => {
		const first = createEmulator();
		first.world.openDm(first.ids.adminId);
		const saved = first.identity();
		const second = createEmulator({ identity: saved });
		expect(second.identity()).toEqual(saved);
		expect(second.ids).toEqual(first.ids);
		expect(second.world.channels.get(saved.channelId)?.name).toBe('papers');
		expect(second.world.users.get(saved.adminId)?.username).toBe('admin');
		const taken = new Set([saved.botId, saved.guildId, saved.channelId, saved.userId, saved.adminId, saved.ownerId, saved.botRoleId, saved.adminRoleId]);
		for (let i = 0; i < 50; i++) expect(taken.has(second.addChannel({ name: `c${i}` }).id)).toBe(false);
	});

	it('does mint its ids from the clock without an identity, as before', () => {
		const emu = createEmulator({ clock: () => Date.UTC(2026, 2, 14) });
		expect(emu.identity()).toEqual({
			...emu.ids,
			botRoleId: expect.stringMatching(/^\d{17,20}$/),
			adminRoleId: expect.stringMatching(/^\d{17,20}$/),
			dmChannels: [],
		});
		expect(readSnowflakeTime(emu.ids.guildId)).toBe(Date.UTC(2026, 2, 14));
	});
});
