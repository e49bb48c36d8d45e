import { createVirtualLimiter } from './support/virtual-limiter.js';
import { isCancelled } from '../src/papers/sources/source-error.js';
import { expectSourceError } from './support/source-error.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { decodeBody, fetchText, parseRetryAfter, type FetchTextOptions } from '../src/papers/sources/http.js';
import { createRateLimiter } from '../src/papers/sources/limiter.js';
import { json, startFixtureServer, type FixtureServer } from './support/fixture-server.js';

let server: FixtureServer;
let sleeps: number[];

beforeAll(async () => {
	server = await startFixtureServer();
});
afterAll(() => server.close());

function options(overrides: Partial<FetchTextOptions> = {}): FetchTextOptions {
	sleeps = [];
	return {
		source: 'test',
		timeoutMs: 5000,
		accept: ['application/json'],
		backoffMs: 100,
		// Record the waits instead of taking them: tests never depend on the clock.
		sleep: async (ms) => {
			sleeps.push(ms);
		},
		...overrides,
	};
}

describe('fetchText', () => {
	it('returns the body, status and content type of a good response', async () => {
		server.setHandler(() => json({ ok: true }));
		const result = await fetchText(`${server.baseUrl}/good`, options());
		expect(JSON.parse(result.text)).toEqual({ ok: true });
		expect(result.status).toBe(200);
		expect(result.contentType).toContain('application/json');
	});

	it('waits out a 429 for as long as Retry-After says, then succeeds', async () => {
		let calls = 0;
		server.setHandler(() => (++calls === 1 ? { status: 429, headers: { 'retry-after': '2' }, body: 'slow down' } : json([1])));
		const before = server.requests.length;
		const result = await fetchText(`${server.baseUrl}/limited`, options());
		expect(result.text).toBe('[1]');
		expect(sleeps).toEqual([2000]);
		expect(server.requests.length - before).toBe(2);
	});

	it('backs off exponentially on 503 and succeeds when the server recovers', async () => {
		let calls = 0;
		server.setHandler(() => (++calls <= 2 ? { status: 503, body: 'busy' } : json([])));
		await fetchText(`${server.baseUrl}/flaky`, options());
		expect(sleeps).toEqual([100, 200]);
	});

	it('gives up after the allowed retries with an error naming source, status and URL', async () => {
		server.setHandler(() => ({ status: 502, body: 'bad gateway' }));
		const error = await expectSourceError(fetchText(`${server.baseUrl}/down`, options({ retries: 2 })));
		expect(error.status).toBe(502);
		expect(error.message).toBe(`test: HTTP 502 after 3 attempts (${server.baseUrl}/down)`);
	});

	it('does not wait out a Retry-After longer than the cap', async () => {
		server.setHandler(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
		const error = await expectSourceError(fetchText(`${server.baseUrl}/later`, options()));
		expect(error.message).toContain('asked to retry after 3600 s');
		expect(sleeps).toEqual([]);
	});

	it('does not retry a plain client error', async () => {
		server.setHandler(() => ({ status: 404, body: 'nope' }));
		const before = server.requests.length;
		const error = await expectSourceError(fetchText(`${server.baseUrl}/missing`, options()));
		expect(error.message).toContain('HTTP 404');
		expect(server.requests.length - before).toBe(1);
	});

	it('hands over the body of a status the caller accepts', async () => {
		server.setHandler(() => ({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"bad"}' }));
		const result = await fetchText(`${server.baseUrl}/explained`, options({ acceptStatuses: [400] }));
		expect(result.status).toBe(400);
		expect(result.text).toBe('{"error":"bad"}');
	});

	it('times out a connection that never answers, with a clean error', async () => {
		server.setHandler(() => ({ hang: true }));
		const error = await expectSourceError(fetchText(`${server.baseUrl}/hang`, options({ timeoutMs: 150, retries: 1 })));
		expect(error.message).toBe(`test: no complete response within 150 ms after 2 attempts (${server.baseUrl}/hang)`);
	});

	it('stops a hanging request and its retries at once when the signal aborts (shutdown)', async () => {
		server.setHandler(() => ({ hang: true }));
		const before = server.requests.length;
		const shutdown = new AbortController();
		setTimeout(() => shutdown.abort(), 50);
		const error = await expectSourceError(fetchText(`${server.baseUrl}/hang`, options({ timeoutMs: 60_000, retries: 5, signal: shutdown.signal })));
		expect(isCancelled(error)).toBe(true);
		expect(server.requests.length - before).toBe(1);
	});

	it('rejects HTML served where JSON was expected, before reading it', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><p>Login</p>' }));
		const error = await expectSourceError(fetchText(`${server.baseUrl}/html`, options()));
		expect(error.message).toContain('expected application/json, got text/html');
	});

	it('aborts a 50 MB body at the 20 MB cap', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'application/json' }, stream: { chunk: Buffer.alloc(1024 * 1024, 0x20), count: 50 } }));
		const error = await expectSourceError(fetchText(`${server.baseUrl}/huge`, options()));
		expect(error.message).toContain('response body exceeds 20 MB');
	});

	it('refuses a body whose declared length is over the cap without reading it', async () => {
		server.setHandler(() => ({ headers: { 'content-type': 'application/json', 'content-length': '2048' }, body: ' '.repeat(2048) }));
		const error = await expectSourceError(fetchText(`${server.baseUrl}/declared`, options({ maxBytes: 1024 })));
		expect(error.message).toContain('response body exceeds 1024 bytes');
	});

	it('reads a valid UTF-8 body whole, a multi-byte character split across chunks included', async () => {
		// 120 kB arrive in several chunks, which split characters; the body is decoded once it is whole.
		server.setHandler(() => ({ headers: { 'content-type': 'application/json' }, stream: { chunk: Buffer.from('ö😀', 'utf8'), count: 20_000 } }));
		const result = await fetchText(`${server.baseUrl}/utf8`, options());
		expect(result.invalidUtf8).toBe(false);
		expect(result.text).toBe('ö😀'.repeat(20_000));
	});

	it('reads invalid UTF-8 lossily, flags it and warns naming the source and URL', async () => {
		const lines: Record<string, unknown>[] = [];
		const body = Buffer.concat([Buffer.from('["caf'), Buffer.from([0xe9]), Buffer.from('", "ok"]')]);
		server.setHandler(() => ({ headers: { 'content-type': 'application/json' }, body }));
		const url = `${server.baseUrl}/latin1`;
		const result = await fetchText(url, options({ logger: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) }));
		expect(result.invalidUtf8).toBe(true);
		expect(JSON.parse(result.text)).toEqual(['caf\uFFFD', 'ok']);
		expect(lines).toEqual([
			expect.objectContaining({ level: 'warn', message: 'source response is not valid UTF-8; bad bytes read as U+FFFD', source: 'test', url }),
		]);
	});

	it('reports an unreachable host as a network error', async () => {
		const gone = await startFixtureServer();
		await gone.close();
		const error = await expectSourceError(fetchText(`${gone.baseUrl}/x`, options({ retries: 1 })));
		expect(error.message).toMatch(/network error: ECONNREFUSED after 2 attempts/);
	});

	it('sends every attempt through the limiter', async () => {
		let calls = 0;
		server.setHandler(() => (++calls === 1 ? { status: 503 } : json([])));
		let runs = 0;
		const limiter = {
			run: <T>(task: () => Promise<T>) => {
				runs++;
				return task();
			},
		};
		await fetchText(`${server.baseUrl}/limited-twice`, options({ limiter }));
		expect(runs).toBe(2);
	});
});

describe('decodeBody', () => {
	it('decodes strictly and says when it had to replace bad bytes', () => {
		expect(decodeBody(Buffer.from('\uFEFF[1]', 'utf8'))).toEqual({ text: '[1]', valid: true });
		expect(decodeBody(new Uint8Array([0x61, 0xc3]))).toEqual({ text: 'a\uFFFD', valid: false });
		// A lone surrogate encoded as bytes (CESU-style) is not UTF-8 either.
		expect(decodeBody(new Uint8Array([0xed, 0xa0, 0x80])).valid).toBe(false);
	});
});

describe('parseRetryAfter', () => {
	it('reads delay-seconds', () => {
		expect(parseRetryAfter('120')).toBe(120_000);
	});

	it('reads an HTTP date relative to now', () => {
		const now = () => Date.parse('2026-08-21T12:00:00Z');
		expect(parseRetryAfter('Fri, 21 Aug 2026 12:00:30 GMT', now)).toBe(30_000);
	});

	it('ignores a missing or unreadable value', () => {
		expect(parseRetryAfter(null)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});

describe('createRateLimiter', () => {
	it('spaces calls by the interval and never runs two at once', async () => {
		const { limiter, waits, clock } = createVirtualLimiter(3000);
		let active = 0;
		let maxActive = 0;
		const task = async () => {
			active += 1;
			maxActive = Math.max(maxActive, active);
			await Promise.resolve();
			clock.now += 500;
			active -= 1;
		};
		await Promise.all([limiter.run(task), limiter.run(task), limiter.run(task)]);
		expect(waits).toEqual([3000, 3000]);
		expect(maxActive).toBe(1);
	});

	it('keeps going after a failed call', async () => {
		const limiter = createRateLimiter({ intervalMs: 0 });
		await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
	});
});
