/**
 * An expected failure whose message is written for the Discord user (or CLI user) and is safe to show.
 * Anything that is not a UserError is a bug: it is logged with context and the user sees a generic line.
 */
export class UserError extends Error {
	override readonly name = 'UserError';
}

export function isUserError(error: unknown): error is UserError {
	return error instanceof UserError;
}
