/**
 * The database could not be opened, read or written. Always names the file, because the fix
 * (a path, a permission, a disk) is on the operator's side and they need to know which file.
 */
export class StoreError extends Error {
	override readonly name = 'StoreError';
	constructor(
		message: string,
		readonly file: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}

export function describeCause(error: unknown): string {
	if (error instanceof Error) {
		const code = (error as { code?: unknown }).code;
		return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
	}
	return String(error);
}
