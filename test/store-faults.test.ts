import { chmodSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../src/log.js';
import { openCollection, type OpenedCollection } from '../src/store/collection.js';
import { classifyStoreFault, StoreError } from '../src/store/errors.js';
import { createStoreHealth } from '../src/store/health.js';
import { StoreMessages } from '../src/store/messages.js';
import type { Follow, Subscription } from '../src/store/records.js';
import { openStore, type StoreOptions } from '../src/store/store.js';

/** Storage faults on real temp SQLite files: missing, deleted and replaced files, a full or read-only database, damaged rows. */

let dir: string;
let file: string;
let lines: string[];
const logger = () => createLogger({ level: 'debug', write: (line) => lines.push(line) });
const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const opened: Array<{ close(): Promise<void> }> = [];
const open = async (options: StoreOptions = {}) => {
	const store = await openStore(`sqlite://${file}`, logger(), options);
	opened.push(store);
	return store;
};
const raw = async <T>(name: string): Promise<OpenedCollection<T>> => {
	const collection = openCollection<T>(file, name, silentLogger);
	opened.push(collection);
	await collection.ready;
	return collection;
};

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-faults-'));
	file = join(dir, 'paperboy.sqlite');
	lines = [];
});
afterEach(async () => {
	await Promise.all(opened.splice(0).map((store) => store.close()));
	chmodSync(dir, 0o755);
	rmSync(dir, { recursive: true, force: true });
});

function subscription(channelId: string): Subscription {
	return { guildId: 'g', channelId, time: '09:00', timezone: 'UTC', topics: [], maxPapers: 10, createdBy: 'u', createdAt: '2026-03-14T00:00:00.000Z' };
}
function follow(userId: string): Follow {
	return { userId, topics: [], time: '09:00', timezone: 'UTC', createdAt: '2026-03-14T00:00:00.000Z' };
}
const refusal = async (write: Promise<unknown>) => {
	const error = await write.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(StoreError);
	return error as StoreError;
};

describe('openStore', () => {
	it('warns loudly when it creates a new database because no file was there, and logs the path with counts', async () => {
		await open();
		expect(entries().find((entry) => entry.level === 'warn')?.message).toBe(
			`creating a new database at ${file}: no file was there; if you expected existing subscriptions, check DATABASE_URL / the mounted volume`,
		);
		expect(entries().find((entry) => entry.message === 'store opened')).toMatchObject({ file, created: true, subscriptions: 0, follows: 0, papers: 0 });
	});

	it('opens an existing file without the warning and counts its subscriptions, follows and papers', async () => {
		const first = await open();
		await first.subscriptions.setMany([
			['g:c1', subscription('c1')],
			['g:c2', subscription('c2')],
		]);
		await first.follows.set('u1', follow('u1'));
		await first.upsertPapers([{ id: '2603.00001', title: 'A', abstract: '', authors: [], listedOn: '2026-03-14', source: 'hf-daily' }]);
		await first.close();
		lines = [];
		await open();
		expect(entries().filter((entry) => entry.level === 'warn')).toEqual([]);
		expect(entries().find((entry) => entry.message === 'store opened')).toMatchObject({ file, created: false, subscriptions: 2, follows: 1, papers: 1 });
	});

	it('refuses every write once the file is deleted and logs it as an error once', async () => {
		const store = await open({ fileCheckIntervalMs: 0 });
		await store.subscriptions.set('g:c1', subscription('c1'));
		rmSync(file);
		// Unchecked, this connection (the last writer) would carry on writing into the unlinked file without an error.
		const first = await refusal(store.subscriptions.set('g:c2', subscription('c2')));
		expect(first.kind).toBe('replaced');
		expect(first.message).toContain(`Database ${file} was deleted while the bot was running: writes are refused`);
		expect((await refusal(store.follows.set('u1', follow('u1')))).kind).toBe('replaced');
		expect((await refusal(store.deliveries.delete('channel:c1'))).kind).toBe('replaced');
		expect((await refusal(store.sources.setMany([['hf', { name: 'hf' }]]))).kind).toBe('replaced');
		expect(entries().filter((entry) => entry.level === 'error' && String(entry.message).includes('was deleted while the bot was running'))).toHaveLength(1);
		expect(store.health()).toMatchObject({ failing: true, lastError: { kind: 'replaced' } });
	});

	it('notices a file replaced by another one at the same path', async () => {
		const store = await open({ fileCheckIntervalMs: 0 });
		const other = openCollection(join(dir, 'other.sqlite'), 'meta', silentLogger);
		await other.ready;
		await other.close();
		renameSync(join(dir, 'other.sqlite'), file);
		const error = await refusal(store.meta.set('x', 1));
		expect(error.message).toContain('was replaced while the bot was running');
	});

	it('checks the file at once on checkFile (the lease renewal) even between write checks', async () => {
		const store = await open();
		rmSync(file);
		expect((await store.checkFile())?.kind).toBe('replaced');
		expect((await refusal(store.subscriptions.set('g:c1', subscription('c1')))).kind).toBe('replaced');
	});

	it('refuses writes after refuseWrites, with that error', async () => {
		const store = await open();
		store.refuseWrites(new StoreError('lost the lease', file, { kind: 'lease-lost' }));
		const error = await refusal(store.subscriptions.set('g:c1', subscription('c1')));
		expect(error).toMatchObject({ kind: 'lease-lost', message: 'lost the lease' });
	});

	it.skipIf(process.getuid?.() === 0)('fails with a read-only StoreError on a file it may not write', async () => {
		await (await open()).close();
		chmodSync(file, 0o444);
		chmodSync(dir, 0o555);
		const error = await refusal(openStore(`sqlite://${file}`, silentLogger));
		expect(error.kind).toBe('read-only');
	});
});

describe('Collection.set', () => {
	it('throws a StoreError of kind full when the database may not grow', async () => {
		await (await open()).close();
		const subscriptions = await raw<unknown>('subscriptions');
		const [{ page_count: pages }] = (await subscriptions.query('PRAGMA page_count')) as [{ page_count: number }];
		// SQLite's own SQLITE_FULL, as on a full disk: the file may not grow past its current pages.
		await subscriptions.query(`PRAGMA max_page_count = ${pages}`);
		const error = await refusal(subscriptions.collection.set('g:c1', { text: 'x'.repeat(200_000) }));
		expect(error.kind).toBe('full');
		expect(error.message).toContain('SQLITE_FULL');
	});

	it('throws a StoreError of kind read-only when the database refuses writes', async () => {
		await (await open()).close();
		const subscriptions = await raw<unknown>('subscriptions');
		// Permission bits do not stop root (CI runs as root); query_only makes SQLite itself answer SQLITE_READONLY.
		await subscriptions.query('PRAGMA query_only = ON');
		const error = await refusal(subscriptions.collection.set('g:c1', subscription('c1')));
		expect(error.kind).toBe('read-only');
		expect(error.message).toContain('SQLITE_READONLY');
	});
});

describe('Collection.entries', () => {
	it('skips a corrupt row, reporting it by namespace and key, and still lists every other row', async () => {
		const store = await open();
		await store.follows.setMany([
			['u1', follow('u1')],
			['u2', follow('u2')],
			['u3', follow('u3')],
			['u4', follow('u4')],
		]);
		const follows = await raw<Follow>('follows');
		await follows.query(`UPDATE keyv SET value = '{"value": {"userId": "u2", trunc' WHERE key = 'follows:u2'`);
		await follows.query(`UPDATE keyv SET value = '{"userId": "u4"}' WHERE key = 'follows:u4'`);

		expect((await store.follows.values()).map((entry) => entry.userId)).toEqual(['u1', 'u3']);
		expect((await store.follows.entries('u')).map(([key]) => key)).toEqual(['u1', 'u3']);
		expect(await store.follows.getMany(['u1', 'u2', 'u3'])).toEqual([follow('u1'), undefined, follow('u3')]);
		const reported = entries().filter((entry) => entry.message === 'unreadable stored record skipped');
		expect(reported.map((entry) => [entry.namespace, entry.key])).toContainEqual(['follows', 'u2']);
		expect(reported.map((entry) => [entry.namespace, entry.key])).toContainEqual(['follows', 'u4']);
		expect(reported.every((entry) => entry.level === 'error')).toBe(true);
		expect(store.health().corruptRows).toBe(2);
		// One key asked for by name cannot be skipped: it fails loudly, naming the key.
		const error = await refusal(store.follows.get('u2'));
		expect(error.kind).toBe('corrupt');
		expect(error.message).toContain('u2');
	});
});

describe('classifyStoreFault', () => {
	const coded = (code: string) => Object.assign(new Error(`${code}: something`), { code });
	it('maps SQLite and errno codes to the fault an operator fixes', () => {
		expect(classifyStoreFault(coded('SQLITE_FULL'))).toBe('full');
		expect(classifyStoreFault(coded('ENOSPC'))).toBe('full');
		expect(classifyStoreFault(coded('SQLITE_READONLY'))).toBe('read-only');
		expect(classifyStoreFault(coded('SQLITE_IOERR'))).toBe('io');
		expect(classifyStoreFault(coded('SQLITE_IOERR_WRITE'))).toBe('io');
		expect(classifyStoreFault(coded('SQLITE_CORRUPT'))).toBe('corrupt');
		expect(classifyStoreFault(new Error('wrapped', { cause: coded('SQLITE_IOERR') }))).toBe('io');
		expect(classifyStoreFault(new Error('SQLITE_BUSY: database is locked'))).toBe('other');
		expect(new StoreError('x', 'f', { cause: coded('SQLITE_FULL') }).kind).toBe('full');
	});
});

describe('createStoreHealth', () => {
	it('is failing from an error until a later write succeeds, and for good after a refusal', () => {
		const health = createStoreHealth(() => new Date('2026-03-14T10:00:00.000Z'));
		expect(health.snapshot()).toEqual({ failing: false, corruptRows: 0 });
		health.recordError(new StoreError('disk full', 'f', { kind: 'full' }));
		expect(health.snapshot()).toEqual({ failing: true, lastError: { kind: 'full', message: 'disk full', at: '2026-03-14T10:00:00.000Z' }, corruptRows: 0 });
		health.recordWrite();
		expect(health.snapshot().failing).toBe(false);
		health.recordRefusal(new StoreError('gone', 'f', { kind: 'replaced' }));
		health.recordError(new StoreError('later', 'f', { kind: 'io' }));
		health.recordWrite();
		expect(health.snapshot()).toMatchObject({ failing: true, lastError: { kind: 'replaced' } });
	});
});

describe('StoreMessages.healthWarning', () => {
	it('says nothing while healthy and names the fault, its time and skipped rows otherwise', () => {
		expect(StoreMessages.healthWarning({ failing: false, corruptRows: 0 })).toBeUndefined();
		const warning = StoreMessages.healthWarning({ failing: true, lastError: { kind: 'full', message: 'x', at: '2026-03-14T10:00:00.000Z' }, corruptRows: 1 });
		expect(warning).toBe(
			'⚠️ Storage is failing since <t:1773482400:R>: the disk is full, so changes are not being saved. 1 unreadable ' +
				'stored record was skipped. The operators have been alerted.',
		);
	});
});
