import { DefaultRestOptions, type RESTOptions } from '@discordjs/rest';
import { createRequestPacer, isOutsideGlobalLimit, type RequestPacer } from './request-pacer.js';

/**
 * Requests per second a bot process (and the REST proxy, for all of them) sends to Discord, evenly spaced
 * (src/discord/request-pacer.ts): a margin under Discord's 50 for requests that do not go through it
 * (`npm run deploy-commands`, the CLI), the pacer's room for one, and about 60 ms of network jitter. When every turn
 * is used, 1.11 × the 50/s floor.
 */
export const GLOBAL_PACE_PER_SECOND = 45;

/** How long Discord gets to answer once a request is sent; its wait for a turn comes on top. */
export const UPSTREAM_TIMEOUT_MS = 15_000;

/** How long a request may take in all, its wait for a turn included. */
const QUEUED_REQUEST_TIMEOUT_MS = 120_000;

/** @discordjs/rest's own fixed one-second windows, left open: the pacer spaces every request actually sent instead. */
const UNLIMITED_PER_SECOND = Number.MAX_SAFE_INTEGER;

export type PacedRestOptions = Pick<RESTOptions, 'globalRequestsPerSecond' | 'timeout' | 'makeRequest'>;

/**
 * @discordjs/rest options that pace every request it sends, retries included, instead of its fixed one-second global
 * windows; route buckets, 429 handling and retries stay its own. Each call is a pacer of its own: one per REST client.
 */
export function pacedRestOptions(perSecond = GLOBAL_PACE_PER_SECOND): PacedRestOptions {
	return { globalRequestsPerSecond: UNLIMITED_PER_SECOND, timeout: QUEUED_REQUEST_TIMEOUT_MS, makeRequest: pacedRequest(createRequestPacer({ perSecond })) };
}

/** The default HTTP call, after the request's turn (unless Discord leaves it out of the global limit), with its own upstream timeout. */
function pacedRequest(pacer: RequestPacer): RESTOptions['makeRequest'] {
	return async (url, init) => {
		const outer = init.signal ?? undefined;
		if (!isOutsideGlobalLimit(url)) await pacer.wait(outer);
		const upstream = new AbortController();
		const abort = () => upstream.abort(outer?.reason);
		outer?.addEventListener('abort', abort, { once: true });
		const timer = setTimeout(() => upstream.abort(new DOMException('Discord did not answer in time', 'AbortError')), UPSTREAM_TIMEOUT_MS);
		try {
			return await DefaultRestOptions.makeRequest(url, { ...init, signal: upstream.signal });
		} finally {
			clearTimeout(timer);
			outer?.removeEventListener('abort', abort);
		}
	};
}
