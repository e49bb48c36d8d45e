import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../log.js';
import { DiscordErrors, DiscordHttpError } from './errors.js';
import type { FaultInjector } from './faults.js';
import { bucketHeaders, formatSeconds, globalHeaders, type RateLimiter } from './ratelimit.js';
import type { RecordedRequest, RequestRecorder } from './recorder.js';
import { matchRoute, type RouteDef, type RouteResult } from './router.js';
import { multipartBoundary, parseMultipart, type UploadedFile } from './multipart.js';
import { checkUploadSizes } from './uploads.js';

export interface HttpDeps {
	routes: readonly RouteDef[];
	token: () => string;
	clock: () => number;
	faults: FaultInjector;
	rateLimiter: RateLimiter | null;
	recorder: RequestRecorder;
	logger: Logger;
	/** An uploaded file by attachment id, served like Discord's CDN at `/attachments/{channel_id}/{attachment_id}/{filename}`. */
	attachment?: (attachmentId: string) => { data: Buffer; contentType: string | undefined } | undefined;
}

const ATTACHMENT_PATH = /^\/attachments\/\d+\/(\d+)\/[^/]+$/;

const API_PREFIX = /^\/api(?:\/v10)?(?=\/)/;

/** The REST pipeline: parse → route → auth → injected faults → rate limits → handler → record → answer. */
export function createRequestListener(deps: HttpDeps) {
	return (req: IncomingMessage, res: ServerResponse) => {
		void handleRequest(deps, req, res).catch((error: unknown) => {
			deps.logger.error('emulator request failed', { error });
			if (!res.headersSent) send(res, { status: 500, body: { message: '500: Internal Server Error', code: 0 } });
		});
	};
}

async function handleRequest(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const time = deps.clock();
	const method = (req.method ?? 'GET').toUpperCase();
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const rawBody = await readBody(req);
	const file = method === 'GET' ? ATTACHMENT_PATH.exec(url.pathname) : null;
	if (file) return serveAttachment(deps, res, file[1] ?? '');
	const match = API_PREFIX.exec(url.pathname);
	const path = match ? url.pathname.slice(match[0].length) : url.pathname;
	// discord.js encodes `@original` as `%40original`; Discord routes on the decoded path.
	const segments = path.split('/').filter(Boolean).map(safeDecode);
	const decodedPath = `/${segments.join('/')}`;
	const found = match ? matchRoute(deps.routes, method, segments) : ({ kind: 'none' } as const);
	const record: RecordedRequest = {
		seq: deps.recorder.nextSeq(),
		method,
		route: found.kind === 'found' ? found.route.template : found.kind === 'wrongMethod' ? found.template : null,
		path: decodedPath,
		query: Object.fromEntries(url.searchParams),
		body: undefined,
		status: 0,
		response: undefined,
		time,
	};

	let result: RouteResult;
	try {
		const parsed = parseBody(rawBody, req.headers['content-type']);
		record.body = parsed.body;
		if (parsed.files.length > 0) record.files = parsed.files.map(describeFile);
		checkUploadSizes(parsed.files);
		if (found.kind === 'none') throw DiscordErrors.notFound();
		if (found.kind === 'wrongMethod') throw DiscordErrors.methodNotAllowed();
		const { route: def, params } = found;
		if (def.auth === 'bot' && req.headers.authorization !== `Bot ${deps.token()}`) throw DiscordErrors.unauthorized();

		const { latencyMs, failure } = deps.faults.take({ method, route: def.template, path: decodedPath });
		if (latencyMs > 0) await sleep(latencyMs);
		if (failure?.kind === 'serverError') {
			record.fault = 'serverError';
			result = { status: failure.status, body: { message: `${failure.status}: Server Error`, code: 0 } };
		} else if (failure?.kind === 'rateLimit') {
			record.fault = failure.global ? 'globalRateLimit' : 'rateLimit';
			result = injectedRateLimit(failure, deps.clock());
		} else {
			const limit = deps.rateLimiter?.check({ botAuth: def.auth === 'bot', messageChannelId: def.messageBucket ? params[def.messageBucket] : undefined });
			if (limit?.limited) {
				record.fault = 'enforcedRateLimit';
				result = { status: 429, headers: limit.headers, body: { message: 'You are being rate limited.', retry_after: limit.retryAfter, global: limit.global } };
			} else {
				result = await def.handle({ method, path: decodedPath, params, query: url.searchParams, body: record.body, files: parsed.files, headers: req.headers });
				if (limit) result = { ...result, headers: { ...limit.headers, ...result.headers } };
			}
		}
	} catch (error) {
		if (!(error instanceof DiscordHttpError)) throw error;
		result = { status: error.status, body: error.body };
		record.error = error.body;
	}
	record.status = result.status;
	record.response = result.body;
	deps.recorder.record(record);
	deps.logger.debug('emulator request', { method, route: record.route, status: result.status });
	send(res, result);
}

function injectedRateLimit(failure: { retryAfter: number; global: boolean; scope: string }, now: number): RouteResult {
	const body = { message: 'You are being rate limited.', retry_after: failure.retryAfter, global: failure.global };
	if (failure.global) return { status: 429, headers: globalHeaders(failure.retryAfter), body };
	const headers = bucketHeaders(1, 0, now + failure.retryAfter * 1000, failure.retryAfter, 'emulator-injected', failure.scope);
	return { status: 429, headers: { ...headers, 'Retry-After': formatSeconds(failure.retryAfter) }, body };
}

/** A 204 carries no body and no JSON content type, like Discord's. */
function send(res: ServerResponse, result: RouteResult): void {
	const headers: Record<string, string> = { ...result.headers };
	if (result.status === 204 || result.body === undefined) {
		res.writeHead(result.status, headers).end();
		return;
	}
	const text = JSON.stringify(result.body);
	headers['Content-Type'] = 'application/json';
	headers['Content-Length'] = String(Buffer.byteLength(text));
	res.writeHead(result.status, headers).end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** JSON, or multipart with the JSON in `payload_json` beside the uploaded files (discord.js switches to it for files). */
function parseBody(raw: Buffer, contentType: string | undefined): { body: unknown; files: UploadedFile[] } {
	if (raw.length === 0) return { body: undefined, files: [] };
	const boundary = multipartBoundary(contentType);
	if (boundary === undefined) return { body: parseJson(raw.toString('utf8')), files: [] };
	const parts = parseMultipart(raw, boundary);
	if (!parts) throw new DiscordHttpError(400, { code: 50109, message: 'The request body contains invalid JSON.' });
	return { body: parseJson(parts.payloadJson), files: parts.files };
}

function describeFile(file: UploadedFile): NonNullable<RecordedRequest['files']>[number] {
	return { field: file.field, filename: file.filename, contentType: file.contentType, size: file.data.length };
}

function serveAttachment(deps: HttpDeps, res: ServerResponse, attachmentId: string): void {
	const found = deps.attachment?.(attachmentId);
	if (!found) {
		res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
		return;
	}
	res.writeHead(200, { 'Content-Type': found.contentType ?? 'application/octet-stream', 'Content-Length': String(found.data.length) }).end(found.data);
}

function parseJson(text: string | undefined): unknown {
	if (text === undefined) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		throw new DiscordHttpError(400, { code: 50109, message: 'The request body contains invalid JSON.' });
	}
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}
