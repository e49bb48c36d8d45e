import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A loopback HTTP server for source tests: real responses from ../shared/fixtures, or whatever a test's
 * handler says (status, headers, a body, a runaway stream, or no answer at all).
 */

export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const HF_FIXTURES = join(SHARED_DIR, 'fixtures', 'hf-daily');
export const ARXIV_FIXTURES = join(SHARED_DIR, 'fixtures', 'arxiv');
export const hasSharedFixtures = existsSync(HF_FIXTURES) && existsSync(ARXIV_FIXTURES);
export const NO_FIXTURES_REASON = '../shared/fixtures is absent (real recorded responses are not part of the repo)';

export interface FixtureRequest {
	url: URL;
	method: string;
	/** 1-based number of this request since the server started. */
	count: number;
}

export interface FixtureReply {
	status?: number;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** Read from disk at request time. */
	file?: string;
	/** Accept the request and never answer. */
	hang?: boolean;
	/** Stream `count` copies of `chunk` (honouring backpressure) until done or the client goes away. */
	stream?: { chunk: Buffer; count: number };
}

export type FixtureHandler = (request: FixtureRequest) => FixtureReply | undefined | Promise<FixtureReply | undefined>;

export interface FixtureServer {
	baseUrl: string;
	/** Every request URL received, in order. */
	readonly requests: URL[];
	setHandler(handler: FixtureHandler): void;
	close(): Promise<void>;
}

export interface ListenOptions {
	/** 0 (the default) picks a free port. */
	port?: number;
	/** Loopback by default: the fixture server is never meant to be reachable from elsewhere. */
	host?: string;
}

export async function startFixtureServer(initial: FixtureHandler = () => undefined, listen: ListenOptions = {}): Promise<FixtureServer> {
	let handler = initial;
	const requests: URL[] = [];
	const server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		requests.push(url);
		Promise.resolve(handler({ url, method: request.method ?? 'GET', count: requests.length }))
			.then((reply) => sendReply(response, reply))
			.catch((error: unknown) => {
				response.writeHead(500, { 'content-type': 'text/plain' });
				response.end(`fixture handler failed: ${String(error)}`);
			});
	});
	const host = listen.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(listen.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://${host}:${port}`,
		requests,
		setHandler: (next) => {
			handler = next;
		},
		close: () =>
			new Promise<void>((resolve) => {
				// Hanging replies keep their sockets open; close them or close() would wait forever.
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

function sendReply(response: ServerResponse, reply: FixtureReply | undefined): void {
	if (!reply) {
		response.writeHead(404, { 'content-type': 'text/plain' });
		response.end('no fixture for this request');
		return;
	}
	if (reply.hang) return;
	const headers = { ...(reply.file ? { 'content-type': contentTypeFor(reply.file) } : {}), ...reply.headers };
	response.writeHead(reply.status ?? 200, headers);
	if (reply.stream) {
		streamChunks(response, reply.stream.chunk, reply.stream.count);
		return;
	}
	response.end(reply.file ? readFileSync(reply.file) : (reply.body ?? ''));
}

function streamChunks(response: ServerResponse, chunk: Buffer, count: number): void {
	let sent = 0;
	const pump = () => {
		while (sent < count && !response.destroyed) {
			sent += 1;
			if (!response.write(chunk)) {
				response.once('drain', pump);
				return;
			}
		}
		if (!response.destroyed) response.end();
	};
	response.on('error', () => undefined);
	pump();
}

function contentTypeFor(file: string): string {
	if (file.endsWith('.json')) return 'application/json; charset=utf-8';
	if (file.endsWith('.xml')) return 'application/atom+xml; charset=utf-8';
	return 'application/octet-stream';
}

export function json(body: unknown, status = 200): FixtureReply {
	return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

export function atom(body: string, status = 200): FixtureReply {
	return { status, headers: { 'content-type': 'application/atom+xml; charset=utf-8' }, body };
}

/** Serves `/api/daily_papers?date=D` from `<dir>/D.json`; a day without a file, and any page after the first, is `[]`. */
export function hfDailyHandler(dir = HF_FIXTURES): FixtureHandler {
	return ({ url }) => {
		if (url.pathname !== '/api/daily_papers') return undefined;
		const file = join(dir, `${url.searchParams.get('date')}.json`);
		if (url.searchParams.get('p') !== '0' || !existsSync(file)) return json([]);
		return { file };
	};
}

export interface ArxivFixture {
	file: string;
	status: number;
	query: URLSearchParams;
}

/** The recorded arXiv responses that SOURCES.tsv gives a request URL for. */
export function readArxivFixtures(dir = ARXIV_FIXTURES): ArxivFixture[] {
	const [header, ...rows] = readFileSync(join(dir, 'SOURCES.tsv'), 'utf8')
		.trim()
		.split('\n')
		.map((line) => line.split('\t'));
	const column = (name: string) => header?.indexOf(name) ?? -1;
	return rows.flatMap((row) => {
		const requestUrl = row[column('request_url')] ?? '';
		if (!requestUrl.startsWith('http')) return [];
		return [{ file: join(dir, row[column('file')] ?? ''), status: Number(row[column('http_status')] || 200), query: new URL(requestUrl).searchParams }];
	});
}

/** Answers `/api/query` with the recorded response whose search_query, id_list, start and max_results match. */
export function arxivRecordedHandler(fixtures = readArxivFixtures()): FixtureHandler {
	const keys = ['search_query', 'id_list', 'start', 'max_results'];
	return ({ url }) => {
		if (url.pathname !== '/api/query') return undefined;
		const match = fixtures.find((fixture) => keys.every((key) => (fixture.query.get(key) ?? '') === (url.searchParams.get(key) ?? '')));
		return match ? { status: match.status, file: match.file } : undefined;
	};
}

/** The recorded HF days by listing date; the malformed day counts too (`malformed-python-repr-2024-12-12.json` → 2024-12-12). */
export function readHfDays(dir = HF_FIXTURES): Map<string, string> {
	const days = new Map<string, string>();
	for (const name of readdirSync(dir)) {
		const day = /(\d{4}-\d{2}-\d{2})\.json$/.exec(name)?.[1];
		if (day) days.set(day, join(dir, name));
	}
	return days;
}

export interface RecordedSiteOptions {
	hfDir?: string;
	arxivDir?: string;
	/** Serve this recorded day for every date without a recording of its own (so "today's" ingest finds papers). */
	replayDay?: string;
}

/** The recording served to arXiv queries no recording matches; its second page is the recorded empty result. */
export const ARXIV_FALLBACK_FEED = 'arxivpy-2026-q_testing_s0_m100_cfe7536492ca.xml';
export const ARXIV_EMPTY_FEED = 'arxivpy-2026-id_0000.0000_s0_m100_8b51d9633a68.xml';

/**
 * Both APIs from the recordings, for `npm run fixtures` and tests: HF `/api/daily_papers?date=D` → D's recorded
 * day (`[]` for other days and pages after the first), arXiv `/api/query` → the exact recording when one
 * matches, else a real recorded feed (later pages empty), so a bot pointed here ingests real responses.
 */
export function recordedSiteHandler(options: RecordedSiteOptions = {}): FixtureHandler {
	const hfDays = readHfDays(options.hfDir);
	const replay = options.replayDay === undefined ? undefined : hfDays.get(options.replayDay);
	if (options.replayDay !== undefined && !replay) throw new Error(`no recorded HF day ${options.replayDay} (have: ${[...hfDays.keys()].sort().join(', ')})`);
	const arxivDir = options.arxivDir ?? ARXIV_FIXTURES;
	const arxivExact = arxivRecordedHandler(readArxivFixtures(arxivDir));
	return async (request) => {
		const { url } = request;
		if (url.pathname === '/api/daily_papers') {
			const file = hfDays.get(url.searchParams.get('date') ?? '') ?? replay;
			return file && (url.searchParams.get('p') ?? '0') === '0' ? { file } : json([]);
		}
		if (url.pathname === '/api/query') {
			const exact = await arxivExact(request);
			if (exact) return exact;
			const firstPage = (url.searchParams.get('start') ?? '0') === '0';
			return { file: join(arxivDir, firstPage ? ARXIV_FALLBACK_FEED : ARXIV_EMPTY_FEED) };
		}
		if (url.pathname === '/') {
			const days = [...hfDays.keys()].sort().join(', ');
			return {
				headers: { 'content-type': 'text/plain; charset=utf-8' },
				body:
					`Paperboy fixture server: /api/daily_papers?date=YYYY-MM-DD (recorded days: ` +
					`${days}${options.replayDay ? `; other days replay ${options.replayDay}` : ''}), /api/query (arXiv)\n`,
			};
		}
		return undefined;
	};
}

/** A minimal Hugging Face daily_papers entry in the current API shape. */
export function hfEntry(fields: { id: string; title: string; upvotes?: number; day?: string; summary?: string; githubRepo?: string }): unknown {
	const day = fields.day ?? '2026-08-21';
	return {
		paper: {
			id: fields.id,
			authors: [{ name: 'Ada Lovelace', hidden: false }],
			publishedAt: `${day}T00:00:00.000Z`,
			title: fields.title,
			summary: fields.summary ?? `Abstract of ${fields.title}.`,
			upvotes: fields.upvotes ?? 0,
			...(fields.githubRepo ? { githubRepo: fields.githubRepo } : {}),
		},
		publishedAt: `${day}T00:00:00.000Z`,
		title: fields.title,
		numComments: 0,
	};
}

/** A small export-API feed in the 2026 format, for cases the recordings do not cover (versions, duplicates). */
export function atomFeed(
	entries: { id: string; title: string; published: string; updated?: string; summary?: string; authors?: string[] }[],
	total = entries.length,
): string {
	const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
	const body = entries
		.map(
			(entry) => `  <entry>
    <id>http://arxiv.org/abs/${entry.id}</id>
    <title>${escapeXml(entry.title)}</title>
    <updated>${entry.updated ?? entry.published}</updated>
    <link href="https://arxiv.org/abs/${entry.id}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/${entry.id}" rel="related" type="application/pdf" title="pdf"/>
    <summary>${escapeXml(entry.summary ?? `Abstract of ${entry.title}.`)}</summary>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <published>${entry.published}</published>
    <arxiv:primary_category term="cs.LG"/>
${(entry.authors ?? ['Grace Hopper']).map((name) => `    <author>\n      <name>${escapeXml(name)}</name>\n    </author>`).join('\n')}
  </entry>`,
		)
		.join('\n');
	return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fixture</id>
  <title>arXiv Query: fixture</title>
  <updated>2026-08-21T00:00:00Z</updated>
  <opensearch:itemsPerPage>${entries.length}</opensearch:itemsPerPage>
  <opensearch:totalResults>${total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
${body}
</feed>
`;
}

/** A test name that carries the skip reason when the shared fixtures are missing. */
export function withFixtures(title: string): string {
	return hasSharedFixtures ? title : `${title} — skipped: ${NO_FIXTURES_REASON}`;
}
