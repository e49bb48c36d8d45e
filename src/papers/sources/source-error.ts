/**
 * A live source failed: unreachable, timed out, refused, or answered something we will not store.
 * The message always names the source and the URL so one log line is enough to act on.
 */
export class SourceError extends Error {
	override readonly name = 'SourceError';
	constructor(
		readonly source: string,
		readonly url: string,
		readonly problem: string,
		readonly status?: number,
		options?: { cause?: unknown },
	) {
		super(`${source}: ${problem} (${url})`, options);
	}
}

/** The problem text of a request stopped because the bot is shutting down: not a failure of the source. */
export const CANCELLED = 'cancelled: shutting down';

export function isCancelled(error: unknown): boolean {
	return error instanceof SourceError && error.problem === CANCELLED;
}

export function isSourceError(error: unknown): error is SourceError {
	return error instanceof SourceError;
}
