/**
 * A send or DM-open that Discord (or the network) refused, as the digest domain sees it.
 * The Discord edge maps DiscordAPIError / HTTPError / network failures to this; status 0 means no HTTP answer.
 */
export class DeliveryError extends Error {
	override readonly name = 'DeliveryError';
	readonly status: number;
	/** Discord's JSON error code (50001, 50013, 10003, 50007, …) when there is one. */
	readonly code: number | undefined;
	readonly retryAfterMs: number | undefined;
	constructor(message: string, details: { status: number; code?: number; retryAfterMs?: number }, options?: { cause?: unknown }) {
		super(message, options);
		this.status = details.status;
		this.code = details.code;
		this.retryAfterMs = details.retryAfterMs;
	}
}

export const DiscordErrorCode = Object.freeze({
	unknownChannel: 10003,
	unknownUser: 10013,
	missingAccess: 50001,
	cannotSendToUser: 50007,
	missingPermissions: 50013,
});
