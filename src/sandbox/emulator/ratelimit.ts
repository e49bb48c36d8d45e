import { DiscordLimits } from '../../cards/limits.js';

export interface RateLimitOptions {
	/** Requests per second across all bot-authenticated routes; Discord's default is 50. */
	globalPerSecond?: number;
	/**
	 * Message creation per channel. Discord does not publish this bucket; it has long been observed
	 * as 5 per 5 s per channel, which is the default.
	 */
	messagesPerChannel?: { limit: number; windowMs: number };
}

export const DEFAULT_RATE_LIMITS = Object.freeze({
	globalPerSecond: DiscordLimits.globalRequestsPerSecond,
	messagesPerChannel: Object.freeze({ limit: 5, windowMs: 5000 }),
});

export type RateLimitDecision =
	| { limited: false; headers: Record<string, string> }
	| { limited: true; headers: Record<string, string>; retryAfter: number; global: boolean };

/** The bucket hash Discord would return for POST /channels/{id}/messages; opaque to clients. */
const MESSAGE_BUCKET = 'b6c3f2a1e4d5c7b8a9f0e1d2c3b4a5f6';

/** Discord's 50/s global limit and the per-channel message bucket, answered with Discord's headers. */
export class RateLimiter {
	readonly #global: number;
	readonly #messages: { limit: number; windowMs: number };
	#globalWindow = { start: Number.NEGATIVE_INFINITY, count: 0 };
	readonly #channels = new Map<string, { resetAt: number; count: number }>();

	constructor(
		options: RateLimitOptions,
		private readonly clock: () => number,
	) {
		this.#global = options.globalPerSecond ?? DEFAULT_RATE_LIMITS.globalPerSecond;
		this.#messages = options.messagesPerChannel ?? DEFAULT_RATE_LIMITS.messagesPerChannel;
	}

	/** `botAuth`: interaction callbacks and webhook-token routes are exempt from the global limit, as on Discord. */
	check(request: { botAuth: boolean; messageChannelId?: string }): RateLimitDecision {
		const now = this.clock();
		if (request.botAuth) {
			if (now - this.#globalWindow.start >= 1000) this.#globalWindow = { start: now, count: 0 };
			if (this.#globalWindow.count >= this.#global) {
				const retryAfter = (this.#globalWindow.start + 1000 - now) / 1000;
				return { limited: true, global: true, retryAfter, headers: globalHeaders(retryAfter) };
			}
			this.#globalWindow.count += 1;
		}
		if (request.messageChannelId === undefined) return { limited: false, headers: {} };

		let bucket = this.#channels.get(request.messageChannelId);
		if (!bucket || now >= bucket.resetAt) {
			bucket = { resetAt: now + this.#messages.windowMs, count: 0 };
			this.#channels.set(request.messageChannelId, bucket);
		}
		const resetAfter = (bucket.resetAt - now) / 1000;
		if (bucket.count >= this.#messages.limit) {
			const headers = bucketHeaders(this.#messages.limit, 0, bucket.resetAt, resetAfter);
			return { limited: true, global: false, retryAfter: resetAfter, headers: { ...headers, 'Retry-After': formatSeconds(resetAfter) } };
		}
		bucket.count += 1;
		return { limited: false, headers: bucketHeaders(this.#messages.limit, this.#messages.limit - bucket.count, bucket.resetAt, resetAfter) };
	}
}

export function bucketHeaders(
	limit: number,
	remaining: number,
	resetAtMs: number,
	resetAfterSeconds: number,
	bucket = MESSAGE_BUCKET,
	scope = 'user',
): Record<string, string> {
	return {
		'X-RateLimit-Limit': String(limit),
		'X-RateLimit-Remaining': String(remaining),
		'X-RateLimit-Reset': (resetAtMs / 1000).toFixed(3),
		'X-RateLimit-Reset-After': formatSeconds(resetAfterSeconds),
		'X-RateLimit-Bucket': bucket,
		'X-RateLimit-Scope': scope,
	};
}

export function globalHeaders(retryAfterSeconds: number): Record<string, string> {
	return { 'Retry-After': formatSeconds(retryAfterSeconds), 'X-RateLimit-Global': 'true', 'X-RateLimit-Scope': 'global' };
}

export function formatSeconds(seconds: number): string {
	return String(Math.max(0, Math.round(seconds * 1000) / 1000));
}
