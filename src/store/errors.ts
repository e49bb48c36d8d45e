/**
 * What went wrong with the storage, as far as an operator's fix goes: `full` (disk or quota), `read-only`
 * (permissions, a read-only mount), `io` (the disk, the filesystem, or the connection to the database
 * server), `replaced` (the file was deleted or
 * swapped under the running bot), `corrupt` (unreadable data), `lease-lost` (another instance took the
 * database over), `other` (anything else: a bug, a closed connection, a lock held too long).
 */
export type StoreFaultKind = 'full' | 'read-only' | 'io' | 'replaced' | 'corrupt' | 'lease-lost' | 'other';

/**
 * The database could not be opened, read or written. Always names the database (the file, or the server
 * URL with its password masked), because the fix (a path, a permission, a disk, a server) is on the
 * operator's side and they need to know which one.
 */
export class StoreError extends Error {
	override readonly name = 'StoreError';
	readonly kind: StoreFaultKind;
	constructor(
		message: string,
		readonly file: string,
		options?: { cause?: unknown; kind?: StoreFaultKind },
	) {
		super(message, options);
		this.kind = options?.kind ?? classifyStoreFault(options?.cause);
	}
}

export function isStoreError(error: unknown): error is StoreError {
	return error instanceof StoreError;
}

/**
 * SQLite's result codes (node-sqlite3 puts the primary one in `code`), the errno codes under them and
 * under a lost server connection, and Redis's error replies (the first word of the message).
 */
const FAULT_CODES: ReadonlyArray<readonly [prefix: string, kind: StoreFaultKind]> = [
	['SQLITE_FULL', 'full'],
	['ENOSPC', 'full'],
	['EDQUOT', 'full'],
	['OOM ', 'full'],
	['SQLITE_READONLY', 'read-only'],
	['EROFS', 'read-only'],
	['READONLY ', 'read-only'],
	['SQLITE_IOERR', 'io'],
	['EIO', 'io'],
	['ECONNREFUSED', 'io'],
	['ECONNRESET', 'io'],
	['ETIMEDOUT', 'io'],
	['EPIPE', 'io'],
	['EHOSTUNREACH', 'io'],
	['ENETUNREACH', 'io'],
	['ENOTFOUND', 'io'],
	['EAI_AGAIN', 'io'],
	['MISCONF ', 'io'],
	['LOADING ', 'io'],
	['SQLITE_CORRUPT', 'corrupt'],
	['SQLITE_NOTADB', 'corrupt'],
];

/** PostgreSQL SQLSTATE codes (pg puts them in `code`), by their longest matching prefix. */
const SQLSTATE_FAULTS: ReadonlyArray<readonly [prefix: string, kind: StoreFaultKind]> = [
	['53100', 'full'],
	['53', 'full'],
	['25006', 'read-only'],
	['42501', 'read-only'],
	['08', 'io'],
	['57P', 'io'],
	['58', 'io'],
	['XX001', 'corrupt'],
	['XX002', 'corrupt'],
];

/** node-redis's connection errors, by class name: the server is unreachable or the socket dropped. */
const CONNECTION_ERROR_NAMES: ReadonlySet<string> = new Set([
	'SocketClosedUnexpectedlyError',
	'ClientClosedError',
	'ClientOfflineError',
	'ConnectionTimeoutError',
	'ReconnectStrategyError',
	'SocketTimeoutError',
]);

/** Text of a lost connection from pg and @keyv/redis, which carry no code. */
const CONNECTION_MESSAGES = [
	/^Connection terminated/,
	/timeout exceeded when trying to connect/,
	/^Redis client is not connected/,
	/connection error and is not queryable/,
];

/** Walks the cause chain for the first code that names a storage fault. */
export function classifyStoreFault(error: unknown): StoreFaultKind {
	for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
		if (current instanceof StoreError) return current.kind;
		// JSON.parse on a stored value: the row is damaged, not the disk.
		if (current instanceof SyntaxError) return 'corrupt';
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
			const state = SQLSTATE_FAULTS.find(([prefix]) => code.startsWith(prefix));
			if (state) return state[1];
		}
		const text = typeof code === 'string' ? code : current.message;
		const match = FAULT_CODES.find(([prefix]) => text.startsWith(prefix)) ?? FAULT_CODES.find(([prefix]) => current.message.startsWith(prefix));
		if (match) return match[1];
		if (CONNECTION_ERROR_NAMES.has(current.constructor.name) || CONNECTION_ERROR_NAMES.has(current.name)) return 'io';
		if (CONNECTION_MESSAGES.some((pattern) => pattern.test(current.message))) return 'io';
	}
	return 'other';
}

export function describeCause(error: unknown): string {
	if (error instanceof Error) {
		const code = (error as { code?: unknown }).code;
		return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
	}
	return String(error);
}
