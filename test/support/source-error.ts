import { expect } from 'vitest';
import { SourceError } from '../../src/papers/sources/source-error.js';

/** Awaits a fetch that must fail, asserts it failed with a SourceError, and returns it for closer checks. */
export async function expectSourceError(promise: Promise<unknown>): Promise<SourceError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(SourceError);
	return error as SourceError;
}
