import { resolve } from 'node:path';
import type { Logger } from '../log.js';
import { backendContext, type BackendContext, type StoreBackend } from './backend.js';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { lazyBackend } from './lazy-backend.js';
import { openSqliteBackend } from './sqlite-backend.js';

export interface OpenedBackend {
	target: DatabaseTarget;
	backend: StoreBackend;
	context: BackendContext;
}

/**
 * `database` is a DATABASE_URL (sqlite://, postgresql://, postgres://, redis://) or, for tools and tests on
 * a SQLite file, its path. Servers are connected to in the background: each namespace's `ready` says how it went.
 */
export function openBackend(database: string, logger: Logger, cwd = process.cwd()): OpenedBackend {
	const target: DatabaseTarget = /^[a-z][a-z0-9+.-]*:\/\//i.test(database.trim())
		? parseDatabaseUrl(database, cwd)
		: { kind: 'sqlite', file: resolve(cwd, database), label: resolve(cwd, database) };
	return openTarget(target, logger);
}

export function openTarget(target: DatabaseTarget, logger: Logger): OpenedBackend {
	const context = backendContext(target, logger);
	const backend =
		target.kind === 'sqlite'
			? openSqliteBackend(target.file, context)
			: target.kind === 'postgres'
				? lazyBackend('postgres', target.label, async () => (await import('./postgres-backend.js')).openPostgresBackend(target.url, target.label, context))
				: lazyBackend('redis', target.label, async () => (await import('./redis-backend.js')).openRedisBackend(target.url, target.label, context));
	return { target, backend, context };
}
