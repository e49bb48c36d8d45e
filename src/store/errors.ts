/**
 * What went wrong with the storage, as far as an operator's fix goes: `full` (disk or quota), `read-only`
 * (permissions, a read-only mount), `io` (the disk or the filesystem), `replaced` (the file was deleted or
 * swapped under the running bot), `corrupt` (unreadable data), `lease-lost` (another instance took the
 * database over), `other` (anything else: a bug, a closed connection, a lock held too long).
 */
export type StoreFaultKind = 'full' | 'read-only' | 'io' | 'replaced' | 'corrupt' | 'lease-lost' | 'other';

/**
 * The database could not be opened, read or written. Always names the file, because the fix
 * (a path, a permission, a disk) is on the operator's side and they need to know which file.
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

/** SQLite's result codes (node-sqlite3 puts the primary one in `code`) and the errno codes under them. */
const FAULT_CODES: ReadonlyArray<readonly [prefix: string, kind: StoreFaultKind]> = [
	['SQLITE_FULL', 'full'],
	['ENOSPC', 'full'],
	['EDQUOT', 'full'],
	['SQLITE_READONLY', 'read-only'],
	['EROFS', 'read-only'],
	['SQLITE_IOERR', 'io'],
	['EIO', 'io'],
	['SQLITE_CORRUPT', 'corrupt'],
	['SQLITE_NOTADB', 'corrupt'],
];

/** Walks the cause chain for the first code that names a storage fault. */
export function classifyStoreFault(error: unknown): StoreFaultKind {
	for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
		if (current instanceof StoreError) return current.kind;
		// JSON.parse on a stored value: the row is damaged, not the disk.
		if (current instanceof SyntaxError) return 'corrupt';
		const code = (current as { code?: unknown }).code;
		const text = typeof code === 'string' ? code : current.message;
		const match = FAULT_CODES.find(([prefix]) => text.startsWith(prefix));
		if (match) return match[1];
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
