import { resolve } from 'node:path';
import { StoreError } from './errors.js';

/**
 * `sqlite://data/paperboy.sqlite` → an absolute file path. `:memory:` is refused: every namespace opens
 * its own connection, and each in-memory connection would be a separate, empty database.
 */
export function resolveDatabaseFile(databaseUrl: string, cwd = process.cwd()): string {
	const match = /^sqlite:\/\/(.+)$/.exec(databaseUrl.trim());
	const path = match?.[1];
	if (!path) throw new StoreError(`DATABASE_URL must look like sqlite://data/paperboy.sqlite (got ${JSON.stringify(databaseUrl)})`, databaseUrl);
	if (path === ':memory:' || path.startsWith('file:')) {
		throw new StoreError('DATABASE_URL must name a database file; an in-memory database would lose everything on restart', path);
	}
	return resolve(cwd, path);
}
