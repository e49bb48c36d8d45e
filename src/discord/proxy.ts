import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { proxyRequests } from '@discordjs/proxy';
// From @discordjs/rest itself, not discord.js: the proxy checks errors with instanceof against the ESM build it imports.
import { DiscordAPIError, HTTPError, RateLimitError, REST, type InternalRequest } from '@discordjs/rest';
import type { Logger } from '../log.js';
import { GLOBAL_PACE_PER_SECOND, pacedRestOptions } from './paced-rest.js';

export interface RestProxyOptions {
	/** Discord's REST base (or the emulator's), e.g. `https://discord.com/api`. */
	upstream: string;
	port: number;
	host: string;
	/** The bot's global budget, shared by every process that sends through this proxy; GLOBAL_PACE_PER_SECOND by default. */
	globalRequestsPerSecond?: number;
	logger: Logger;
}

export interface RestProxy {
	/** What the bot processes set as DISCORD_API_URL. */
	readonly url: string;
	close(): Promise<void>;
}

/**
 * One @discordjs/proxy for every process of the bot: each bot's REST client points DISCORD_API_URL here, and this
 * single @discordjs/rest instance holds the global limit and every route bucket, so adding processes adds no
 * 429s. The token travels in each request's Authorization header; the proxy itself holds none.
 */
export async function startRestProxy(options: RestProxyOptions): Promise<RestProxy> {
	// One pace for every process behind it: each request sent, retries included, waits for its turn here.
	const rest = new REST({ api: options.upstream, retries: 3, ...pacedRestOptions(options.globalRequestsPerSecond ?? GLOBAL_PACE_PER_SECOND) });
	rest.on('rateLimited', (info) => options.logger.debug('proxy rate limited', { route: info.route, retryAfter: info.retryAfter, global: info.global }));
	// @discordjs/proxy maps only Discord's own answers; anything else (upstream unreachable) would end as an empty
	// 200. Turned into a 502 here, which it does map, so a bot sees "no answer" and retries.
	const queue = rest.queueRequest.bind(rest);
	rest.queueRequest = async (request) => {
		try {
			return await queue(await withReplayableBody(request));
		} catch (error) {
			if (
				error instanceof DiscordAPIError ||
				error instanceof HTTPError ||
				error instanceof RateLimitError ||
				(error instanceof Error && error.name === 'AbortError')
			)
				throw error;
			options.logger.warn('proxy could not reach Discord', { method: request.method, route: request.fullRoute, error });
			throw new HTTPError(502, 'Bad Gateway', request.method, request.fullRoute, { body: undefined, files: undefined });
		}
	};
	const forward = proxyRequests(rest);
	const server: Server = createServer((request, response) => {
		Promise.resolve(forward(request, response)).catch((error: unknown) => options.logger.error('proxy request failed', { method: request.method, error }));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/api`;
	options.logger.info('REST proxy listening', { url, upstream: options.upstream });
	return {
		url,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/**
 * @discordjs/proxy hands the incoming request itself on as the body, a stream read once: a retry after a 429 or a 5xx
 * then went out empty, Discord answered 400 Invalid Form Body, and the bot took its digest as refused for good (97 lost
 * in one sharded fan-out bench run). Read into a buffer first, the same bytes go out on every attempt.
 */
export async function withReplayableBody(request: InternalRequest): Promise<InternalRequest> {
	if (!(request.body instanceof Readable)) return request;
	const chunks: Buffer[] = [];
	for await (const chunk of request.body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
	return { ...request, body: Buffer.concat(chunks) };
}
