import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { StoreError } from '../src/store/errors.js';
import { openStore, STORE_SCHEMA_VERSION, type Store } from '../src/store/store.js';
import { databaseFileOf, databaseUrlProblem, databaseUrlSecrets, parseDatabaseUrl, redactDatabaseUrl, resolveDatabaseFile } from '../src/store/database-url.js';
import { assertNamespaceName, unchanged } from '../src/store/collection.js';
import type { Subscription } from '../src/store/records.js';

let dir: string;
const opened: Store[] = [];
const open = async (file = join(dir, 'db', 'paperboy.sqlite')) => {
	const store = await openStore(`sqlite://${file}`, silentLogger);
	opened.push(store);
	return store;
};

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-store-'));
});
afterEach(async () => {
	await Promise.all(opened.splice(0).map((store) => store.close()));
	rmSync(dir, { recursive: true, force: true });
});

function subscription(guildId: string, channelId: string): Subscription {
	return { guildId, channelId, time: '09:00', timezone: 'UTC', topics: [], maxPapers: 10, createdBy: 'u', createdAt: '2026-03-14T00:00:00.000Z' };
}

describe('openStore', () => {
	it('creates the parent directory and writes schema version 1 on a fresh database', async () => {
		const store = await open();
		expect(store.file).toBe(join(dir, 'db', 'paperboy.sqlite'));
		expect(await store.meta.get('schemaVersion')).toBe(STORE_SCHEMA_VERSION);
	});

	it('keeps everything across close and reopen', async () => {
		const first = await open();
		await first.subscriptions.set('g1:c1', subscription('g1', 'c1'));
		await first.follows.set('u1', { userId: 'u1', topics: ['llm'], time: '08:00', timezone: 'Europe/London', createdAt: '2026-03-14T00:00:00.000Z' });
		await first.upsertPapers([{ id: '2603.00001', title: 'A', abstract: '', authors: [], listedOn: '2026-03-14', source: 'hf-daily' }]);
		await first.queries.remember('abc', 'a long query');
		await first.close();
		const second = await open();
		expect(await second.subscriptions.get('g1:c1')).toEqual(subscription('g1', 'c1'));
		expect((await second.follows.get('u1'))?.topics).toEqual(['llm']);
		expect((await second.listPapers()).map((paper) => paper.id)).toEqual(['2603.00001']);
		expect(await second.queries.recall('abc')).toBe('a long query');
	});

	it('rejects a path that is a directory, naming it', async () => {
		const path = join(dir, 'a-directory');
		mkdirSync(path);
		await expect(open(path)).rejects.toThrow(StoreError);
		await expect(open(path)).rejects.toThrow(path);
	});

	it('rejects a file that is not a SQLite database, naming it', async () => {
		const path = join(dir, 'notes.sqlite');
		writeFileSync(path, 'these are my notes, not a database; '.repeat(40));
		const failure = open(path);
		await expect(failure).rejects.toThrow(StoreError);
		await expect(failure).rejects.toThrow(/notes\.sqlite.*not a database/);
	});

	it('rejects a database whose directory cannot be created', async () => {
		// A regular file where the directory should be fails for every user, root included.
		writeFileSync(join(dir, 'plain-file'), '');
		const path = join(dir, 'plain-file', 'paperboy.sqlite');
		await expect(open(path)).rejects.toThrow(`Cannot create the directory for database ${path}`);
	});

	it('rejects a database in a directory it cannot write', async () => {
		// Permission bits do not stop root (CI runs as root), so use a place nobody can create files in.
		const unwritable = process.getuid?.() === 0 ? '/proc' : join(dir, 'read-only');
		if (unwritable !== '/proc') {
			mkdirSync(unwritable);
			chmodSync(unwritable, 0o555);
		}
		try {
			await expect(open(join(unwritable, 'paperboy.sqlite'))).rejects.toThrow(/paperboy\.sqlite.*cannot open/);
		} finally {
			if (unwritable !== '/proc') chmodSync(unwritable, 0o755);
		}
	});

	it('refuses a database written by a newer schema version', async () => {
		const store = await open();
		await store.meta.set('schemaVersion', STORE_SCHEMA_VERSION + 1);
		await store.close();
		await expect(open()).rejects.toThrow(/schema version 2, newer than this Paperboy understands \(1\)/);
	});

	it('throws on a failed read instead of answering "nothing stored"', async () => {
		const store = await open();
		await store.subscriptions.set('g1:c1', subscription('g1', 'c1'));
		await store.close();
		await expect(store.subscriptions.get('g1:c1')).rejects.toThrow(StoreError);
		await expect(store.subscriptions.values()).rejects.toThrow(StoreError);
		await expect(store.subscriptions.set('g1:c2', subscription('g1', 'c2'))).rejects.toThrow(StoreError);
	});
});

describe('openSqliteBackend', () => {
	it('answers a read while its namespace is busy writing, and shows every write committed before it', async () => {
		const store = await open();
		await store.meta.set('greeting', 'hello');
		let longWriteDone = false;
		// Not a SELECT, so it takes the write queue and the namespace's own connection for a while.
		const longWrite = store
			.query('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) SELECT count(*) AS c FROM n')
			.then((rows) => {
				longWriteDone = true;
				return rows;
			});
		expect(await store.meta.get('greeting')).toBe('hello');
		expect(longWriteDone).toBe(false);
		expect(await longWrite).toEqual([{ c: 3000000 }]);
		await store.meta.set('greeting', 'hello again');
		expect(await store.meta.get('greeting')).toBe('hello again');
	});
});

describe('Collection.entries', () => {
	it('lists one namespace only, optionally by key prefix, in key order', async () => {
		const store = await open();
		await store.subscriptions.set('g2:c1', subscription('g2', 'c1'));
		await store.subscriptions.set('g1:c2', subscription('g1', 'c2'));
		await store.subscriptions.set('g1:c1', subscription('g1', 'c1'));
		await store.follows.set('g1:c9', { userId: 'x', topics: [], time: '09:00', timezone: 'UTC', createdAt: '' });
		expect((await store.subscriptions.entries()).map(([key]) => key)).toEqual(['g1:c1', 'g1:c2', 'g2:c1']);
		expect((await store.subscriptions.values('g1:')).map((entry) => entry.channelId)).toEqual(['c1', 'c2']);
	});

	it('lists 10,000 subscriptions written in one batch', async () => {
		const store = await open();
		const entries = Array.from({ length: 10_000 }, (_, index) => [`g${index % 50}:c${index}`, subscription(`g${index % 50}`, `c${index}`)] as const);
		await store.subscriptions.setMany(entries);
		expect(await store.subscriptions.values()).toHaveLength(10_000);
		expect(await store.subscriptions.values('g7:')).toHaveLength(200);
		expect(await store.subscriptions.getMany(['g0:c0', 'missing', 'g1:c1'])).toEqual([subscription('g0', 'c0'), undefined, subscription('g1', 'c1')]);
	});
});

describe('Collection.update', () => {
	it('applies concurrent read-modify-writes one after another, losing none', async () => {
		const store = await open();
		await store.subscriptions.set('g:c', subscription('g', 'c'));
		await Promise.all(
			Array.from({ length: 40 }, (_, index) =>
				store.subscriptions.update('g:c', (current) => (current ? { ...current, topics: [...current.topics, `t${index}`] } : current)),
			),
		);
		expect((await store.subscriptions.get('g:c'))?.topics).toHaveLength(40);
	});

	it('deletes on undefined, keeps the record on unchanged, and frees the key when a change throws', async () => {
		const store = await open();
		await store.subscriptions.set('g:c', subscription('g', 'c'));
		expect(await store.subscriptions.update('g:c', () => unchanged)).toMatchObject({ channelId: 'c' });
		await expect(
			store.subscriptions.update('g:c', () => {
				throw new Error('refused');
			}),
		).rejects.toThrow('refused');
		expect(await store.subscriptions.update('g:c', () => undefined)).toBeUndefined();
		expect(await store.subscriptions.get('g:c')).toBeUndefined();
	});
});

describe('recordSourceStatus', () => {
	it('merges updates and sums papers added', async () => {
		const store = await open();
		await store.recordSourceStatus('hf', { lastSuccessAt: '2026-03-14T10:00:00.000Z', added: 5 });
		await store.recordSourceStatus('hf', { lastErrorAt: '2026-03-14T11:00:00.000Z', lastError: 'HTTP 503' });
		const latest = await store.recordSourceStatus('hf', { lastSuccessAt: '2026-03-14T12:00:00.000Z', added: 2 });
		expect(latest).toEqual({
			name: 'hf',
			lastSuccessAt: '2026-03-14T12:00:00.000Z',
			lastErrorAt: '2026-03-14T11:00:00.000Z',
			lastError: 'HTTP 503',
			lastAdded: 2,
			added: 7,
		});
		expect(await store.listSourceStatus()).toEqual([latest]);
	});
});

describe('resolveDatabaseFile', () => {
	it('resolves relative and absolute sqlite URLs', () => {
		expect(resolveDatabaseFile('sqlite://data/paperboy.sqlite', '/srv/bot')).toBe('/srv/bot/data/paperboy.sqlite');
		expect(resolveDatabaseFile('sqlite:///var/lib/paperboy.sqlite', '/srv/bot')).toBe('/var/lib/paperboy.sqlite');
	});

	it('refuses in-memory and non-sqlite URLs', () => {
		expect(() => resolveDatabaseFile('sqlite://:memory:')).toThrow(/in-memory/);
		expect(() => resolveDatabaseFile('postgres://x')).toThrow(/sqlite:\/\//);
	});
});

describe('parseDatabaseUrl', () => {
	it('names the engine for each scheme, masking the password in the label', () => {
		expect(parseDatabaseUrl('sqlite://data/p.sqlite', '/srv/bot')).toEqual({ kind: 'sqlite', file: '/srv/bot/data/p.sqlite', label: '/srv/bot/data/p.sqlite' });
		expect(parseDatabaseUrl('postgresql://bot:s3cret-pw@db.internal:5432/paperboy')).toMatchObject({
			kind: 'postgres',
			label: 'postgresql://bot:***@db.internal:5432/paperboy',
			secrets: ['s3cret-pw'],
		});
		expect(parseDatabaseUrl('postgres://bot@localhost/paperboy')).toMatchObject({ kind: 'postgres', label: 'postgres://bot@localhost/paperboy' });
		expect(parseDatabaseUrl('redis://:s3cret-pw@127.0.0.1:6379/2')).toMatchObject({ kind: 'redis', label: 'redis://:***@127.0.0.1:6379/2' });
		expect(parseDatabaseUrl('rediss://cache.example:6380')).toMatchObject({ kind: 'redis' });
	});

	it('refuses another scheme, or a Redis URL without a host, in one line that never shows the password', () => {
		expect(databaseUrlProblem('mysql://bot:s3cret-pw@db/paperboy')).toBe(
			'DATABASE_URL must start with sqlite://, postgresql:// (or postgres://) or redis:// (for example ' +
				'sqlite://data/paperboy.sqlite); got "mysql://bot:***@db/paperboy"',
		);
		expect(databaseUrlProblem('data/paperboy.sqlite')).toMatch(/^DATABASE_URL must start with sqlite:\/\//);
		expect(databaseUrlProblem('redis:///0')).toBe('DATABASE_URL redis:///0 names no server host (for example redis://127.0.0.1:6379)');
		expect(databaseUrlProblem('redis://:s3cret-pw@/0')).toBe('DATABASE_URL redis://:***@/0 is not a valid URL');
		expect(databaseUrlProblem('postgresql://bot@db/paperboy')).toBeUndefined();
		expect(() => resolveDatabaseFile('postgres://bot:s3cret-pw@db/x')).toThrow(/postgres:\/\/bot:\*\*\*@db\/x/);
	});

	it('tells callers that check a file first which file, and nothing for a server', () => {
		expect(databaseFileOf('sqlite:///var/lib/p.sqlite')).toBe('/var/lib/p.sqlite');
		expect(databaseFileOf('redis://127.0.0.1:6379')).toBeUndefined();
	});
});

describe('redactDatabaseUrl', () => {
	it('masks the whole password, whatever it contains, and password parameters', () => {
		expect(redactDatabaseUrl('postgresql://bot:p@ss/w:rd@db:5432/paperboy?sslmode=require')).toBe('postgresql://bot:***@db:5432/paperboy?sslmode=require');
		expect(redactDatabaseUrl('postgresql://db/paperboy?user=bot&password=s3cret&sslpassword=x')).toBe(
			'postgresql://db/paperboy?user=bot&password=***&sslpassword=***',
		);
		expect(redactDatabaseUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
		expect(databaseUrlSecrets('postgresql://bot:p%40ss@db/x')).toEqual(['p%40ss', 'p@ss']);
	});
});

describe('assertNamespaceName', () => {
	it('refuses names Keyv would match with LIKE wildcards', () => {
		expect(() => assertNamespaceName('sent_ids')).toThrow();
		expect(() => assertNamespaceName('100%')).toThrow();
		expect(() => assertNamespaceName('subscriptions')).not.toThrow();
	});
});
