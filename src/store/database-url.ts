import { resolve } from 'node:path';
import { StoreError } from './errors.js';

export type BackendKind = 'sqlite' | 'postgres' | 'redis';

/**
 * Where DATABASE_URL points. `label` names the database in every message and log line: the file path, or
 * the server URL with its password masked. Only `url` (never logged) carries the password.
 */
export type DatabaseTarget = { kind: 'sqlite'; file: string; label: string } | { kind: 'postgres' | 'redis'; url: string; label: string; secrets: string[] };

const SERVER_SCHEMES: Readonly<Record<string, 'postgres' | 'redis'>> = Object.freeze({
	postgresql: 'postgres',
	postgres: 'postgres',
	redis: 'redis',
	rediss: 'redis',
});

export const DatabaseUrlMessages = Object.freeze({
	badScheme: (shown: string) =>
		`DATABASE_URL must start with sqlite://, postgresql:// (or postgres://) or redis:// (for example ` +
		`sqlite://data/paperboy.sqlite); got ${JSON.stringify(shown)}`,
	notUrl: (shown: string) => `DATABASE_URL ${shown} is not a valid URL`,
	noHost: (shown: string) => `DATABASE_URL ${shown} names no server host (for example redis://127.0.0.1:6379)`,
	noFile: (shown: string) => `DATABASE_URL must look like sqlite://data/paperboy.sqlite (got ${JSON.stringify(shown)})`,
	inMemory: 'DATABASE_URL must name a database file; an in-memory database would lose everything on restart',
});

/** `sqlite://…` → the absolute file; `postgresql://…`, `postgres://…`, `redis://…` (`rediss://` for TLS) → the server. */
export function parseDatabaseUrl(databaseUrl: string, cwd = process.cwd()): DatabaseTarget {
	const text = databaseUrl.trim();
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
	if (scheme === 'sqlite') {
		const file = resolveDatabaseFile(text, cwd);
		return { kind: 'sqlite', file, label: file };
	}
	const label = redactDatabaseUrl(text);
	const kind = scheme === undefined ? undefined : SERVER_SCHEMES[scheme];
	if (!kind) throw new StoreError(DatabaseUrlMessages.badScheme(label), label);
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		throw new StoreError(DatabaseUrlMessages.notUrl(label), label);
	}
	// libpq's postgresql:///db?host=/run/postgresql means a local socket; Redis always needs a host.
	if (kind === 'redis' && !parsed.hostname) throw new StoreError(DatabaseUrlMessages.noHost(label), label);
	return { kind, url: text, label, secrets: databaseUrlSecrets(text) };
}

/** The one line config reports for a bad DATABASE_URL; undefined when it is usable. */
export function databaseUrlProblem(databaseUrl: string): string | undefined {
	try {
		parseDatabaseUrl(databaseUrl);
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

/**
 * `sqlite://data/paperboy.sqlite` → an absolute file path. `:memory:` is refused: every namespace opens
 * its own connection, and each in-memory connection would be a separate, empty database.
 */
export function resolveDatabaseFile(databaseUrl: string, cwd = process.cwd()): string {
	const match = /^sqlite:\/\/(.+)$/.exec(databaseUrl.trim());
	const path = match?.[1];
	if (!path) throw new StoreError(DatabaseUrlMessages.noFile(redactDatabaseUrl(databaseUrl.trim())), redactDatabaseUrl(databaseUrl));
	if (path === ':memory:' || path.startsWith('file:')) throw new StoreError(DatabaseUrlMessages.inMemory, path);
	return resolve(cwd, path);
}

/** The sqlite file DATABASE_URL names, or undefined for a server (or a bad URL): for callers that check a file exists before opening. */
export function databaseFileOf(databaseUrl: string, cwd = process.cwd()): string | undefined {
	try {
		const target = parseDatabaseUrl(databaseUrl, cwd);
		return target.kind === 'sqlite' ? target.file : undefined;
	} catch {
		return undefined;
	}
}

const MASK = '***';

/**
 * The URL as it may be printed: the password in the user part and any `password=` parameter masked. The
 * last `@` before the query ends the user part, so a password holding `@` or `/` is masked whole.
 */
export function redactDatabaseUrl(url: string): string {
	const start = url.indexOf('//') + 2;
	const queryAt = url.indexOf('?', start);
	const authorityEnd = queryAt === -1 ? url.length : queryAt;
	const at = url.lastIndexOf('@', authorityEnd - 1);
	let result = url;
	if (at >= start) {
		const userInfo = url.slice(start, at);
		const colon = userInfo.indexOf(':');
		if (colon !== -1) result = `${url.slice(0, start)}${userInfo.slice(0, colon)}:${MASK}${url.slice(at)}`;
	}
	return result.replace(/([?&](?:ssl)?password=)[^&#]*/gi, `$1${MASK}`);
}

/** Every form of the password a driver's error text might repeat (as written and percent-decoded). */
export function databaseUrlSecrets(url: string): string[] {
	const found = new Set<string>();
	const start = url.indexOf('//') + 2;
	const queryAt = url.indexOf('?', start);
	const at = url.lastIndexOf('@', (queryAt === -1 ? url.length : queryAt) - 1);
	if (at >= start) {
		const userInfo = url.slice(start, at);
		const colon = userInfo.indexOf(':');
		if (colon !== -1) found.add(userInfo.slice(colon + 1));
	}
	for (const match of url.matchAll(/[?&](?:ssl)?password=([^&#]*)/gi)) found.add(match[1] ?? '');
	const secrets = new Set<string>();
	for (const secret of found) {
		if (secret.length < 3) continue;
		secrets.add(secret);
		try {
			secrets.add(decodeURIComponent(secret));
		} catch {
			// Not percent-encoded: the raw form is the one a driver would repeat.
		}
	}
	return [...secrets];
}
