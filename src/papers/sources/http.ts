import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { defaultSleep, type RateLimiter } from './limiter.js';
import { CANCELLED, SourceError } from './source-error.js';

export const HTTP_DEFAULTS = Object.freeze({
	retries: 3,
	backoffMs: 1000,
	maxBackoffMs: 30_000,
	/** A Retry-After longer than this is not waited out: the next scheduled ingest will try again. */
	maxRetryAfterMs: 120_000,
	/** The largest real day is well under 1 MB; anything near this is a broken or hostile response. */
	maxBytes: 20 * 1024 * 1024,
	userAgent: 'Paperboy/0.1 (self-hosted Discord paper bot)',
});

export interface FetchTextOptions {
	/** Names the source in errors and logs. */
	source: string;
	timeoutMs: number;
	/** Media types the caller can parse; a response declaring another type is rejected before its body is read. */
	accept: readonly string[];
	retries?: number;
	backoffMs?: number;
	maxBackoffMs?: number;
	maxRetryAfterMs?: number;
	maxBytes?: number;
	/** Non-2xx statuses whose body the caller still wants (arXiv explains a bad query in a 400 Atom feed). */
	acceptStatuses?: readonly number[];
	/** Every attempt, retries included, goes through it. */
	limiter?: RateLimiter;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
	logger?: Logger;
	/** Aborts the request and any retry wait: the bot is shutting down. */
	signal?: AbortSignal;
}

export interface FetchedText {
	url: string;
	status: number;
	contentType: string | undefined;
	text: string;
	/** The body was not valid UTF-8: `text` has U+FFFD in place of the bad bytes, and a warning was logged. */
	invalidUtf8: boolean;
}

type Attempt = { kind: 'done'; result: FetchedText } | { kind: 'retry'; problem: string; status?: number; retryAfterMs?: number };

/**
 * GET with a timeout covering headers and body, retries with exponential backoff on 429, 5xx, timeouts and
 * network errors (honouring Retry-After), a content-type check and a body size cap that aborts the stream.
 * Throws SourceError naming the source and URL.
 */
export async function fetchText(url: string, options: FetchTextOptions): Promise<FetchedText> {
	const retries = options.retries ?? HTTP_DEFAULTS.retries;
	const sleep = options.sleep ?? defaultSleep;
	const logger = options.logger ?? silentLogger;
	const maxRetryAfterMs = options.maxRetryAfterMs ?? HTTP_DEFAULTS.maxRetryAfterMs;
	for (let attempt = 0; ; attempt += 1) {
		if (options.signal?.aborted) throw new SourceError(options.source, url, CANCELLED);
		const run = () => attemptFetch(url, options);
		const outcome = options.limiter ? await options.limiter.run(run) : await run();
		if (outcome.kind === 'done') return outcome.result;
		const attempts = attempt + 1;
		if (attempt >= retries) {
			throw new SourceError(options.source, url, `${outcome.problem} after ${attempts} attempt${attempts === 1 ? '' : 's'}`, outcome.status);
		}
		if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > maxRetryAfterMs) {
			throw new SourceError(options.source, url, `${outcome.problem}, asked to retry after ${Math.ceil(outcome.retryAfterMs / 1000)} s`, outcome.status);
		}
		const delay = outcome.retryAfterMs ?? backoffDelay(attempt, options);
		logger.warn('source request failed, retrying', { source: options.source, url, problem: outcome.problem, attempt: attempts, delayMs: delay });
		await abortable(sleep(delay), options.signal);
	}
}

/** Resolves when `wait` does or as soon as `signal` aborts (the next loop turn then stops). */
function abortable(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return wait;
	return new Promise((resolve) => {
		const done = () => {
			signal.removeEventListener('abort', done);
			resolve();
		};
		signal.addEventListener('abort', done, { once: true });
		void wait.then(done);
	});
}

async function attemptFetch(url: string, options: FetchTextOptions): Promise<Attempt> {
	const controller = new AbortController();
	const cancel = () => controller.abort();
	options.signal?.addEventListener('abort', cancel, { once: true });
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		controller.abort();
	}, options.timeoutMs);
	try {
		const response = await fetch(url, {
			signal: controller.signal,
			headers: { accept: options.accept.join(', '), 'user-agent': HTTP_DEFAULTS.userAgent },
		});
		const { status } = response;
		if (status === 429 || status >= 500) {
			await response.body?.cancel().catch(() => undefined);
			const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now ?? Date.now);
			return { kind: 'retry', problem: `HTTP ${status}`, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
		}
		if (!response.ok && !options.acceptStatuses?.includes(status)) {
			await response.body?.cancel().catch(() => undefined);
			throw new SourceError(options.source, url, `HTTP ${status}`, status);
		}
		const contentType = response.headers.get('content-type') ?? undefined;
		checkContentType(contentType, url, options);
		const body = decodeBody(await readCapped(response, controller, url, options));
		if (!body.valid) {
			(options.logger ?? silentLogger).warn('source response is not valid UTF-8; bad bytes read as U+FFFD', { source: options.source, url });
		}
		return { kind: 'done', result: { url, status, contentType, text: body.text, invalidUtf8: !body.valid } };
	} catch (error) {
		if (error instanceof SourceError) throw error;
		if (options.signal?.aborted) throw new SourceError(options.source, url, CANCELLED);
		if (timedOut) return { kind: 'retry', problem: `no complete response within ${options.timeoutMs} ms` };
		return { kind: 'retry', problem: `network error: ${networkReason(error)}` };
	} finally {
		clearTimeout(timer);
		options.signal?.removeEventListener('abort', cancel);
	}
}

function checkContentType(contentType: string | undefined, url: string, options: FetchTextOptions): void {
	// A missing header is left to the parser, which rejects anything it cannot read anyway.
	if (!contentType) return;
	const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
	if (!options.accept.includes(mediaType)) {
		throw new SourceError(options.source, url, `expected ${options.accept.join(' or ')}, got ${mediaType || 'no media type'}`);
	}
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** Strict first, so a bad byte is noticed and reported; the lossy reading still lets the good entries through. */
export function decodeBody(bytes: Uint8Array): { text: string; valid: boolean } {
	try {
		return { text: strictUtf8.decode(bytes), valid: true };
	} catch {
		return { text: lossyUtf8.decode(bytes), valid: false };
	}
}

async function readCapped(response: Response, controller: AbortController, url: string, options: FetchTextOptions): Promise<Uint8Array> {
	const maxBytes = options.maxBytes ?? HTTP_DEFAULTS.maxBytes;
	const tooLarge = () => new SourceError(options.source, url, `response body exceeds ${formatBytes(maxBytes)}`);
	const declared = Number(response.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) {
		controller.abort();
		throw tooLarge();
	}
	if (!response.body) return new Uint8Array();
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > maxBytes) {
			// Stop the download now rather than buffering the rest of a runaway body.
			controller.abort();
			await reader.cancel().catch(() => undefined);
			throw tooLarge();
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks);
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: () => number = Date.now): number | undefined {
	if (value === null || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
	const at = Date.parse(trimmed);
	return Number.isFinite(at) ? Math.max(0, at - now()) : undefined;
}

function backoffDelay(attempt: number, options: FetchTextOptions): number {
	const base = options.backoffMs ?? HTTP_DEFAULTS.backoffMs;
	return Math.min(base * 2 ** attempt, options.maxBackoffMs ?? HTTP_DEFAULTS.maxBackoffMs);
}

function networkReason(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	// undici hides the useful part (ECONNREFUSED, ECONNRESET) in the cause.
	const cause = error.cause;
	if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message;
	return error.message;
}

function formatBytes(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}
