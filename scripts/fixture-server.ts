import { parseArgs } from 'node:util';
import {
	NO_FIXTURES_REASON,
	SHARED_DIR,
	hasSharedFixtures,
	recordedSiteHandler,
	startFixtureServer,
	type FixtureHandler,
} from '../test/support/fixture-server.js';

/**
 * `npm run fixtures`: the real recorded Hugging Face and arXiv responses from ../shared/fixtures on a loopback
 * port, so `HF_BASE_URL=http://127.0.0.1:8787 npm start` ingests real papers without the internet.
 */

const FIXTURES_USAGE =
	'usage: npm run fixtures -- [--port 8787] [--replay YYYY-MM-DD]\n  --replay  answer every HF date without a ' +
	'recording with this recorded day (e.g. 2026-08-21), so "today" has papers';
const DEFAULT_PORT = 8787;

interface FixtureArgs {
	port: number;
	replay: string | undefined;
}

function readArgs(argv: string[]): FixtureArgs {
	const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, replay: { type: 'string' } }, strict: true, allowPositionals: false });
	const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number (got ${JSON.stringify(values.port)})`);
	return { port, replay: values.replay };
}

/** Logs each request with what it was answered from, so a user can see the bot's ingest arrive. */
function logRequests(handler: FixtureHandler): FixtureHandler {
	return async (request) => {
		const reply = await handler(request);
		const answer = reply?.file
			? reply.file.slice(reply.file.lastIndexOf('/') + 1)
			: reply
				? `${reply.status ?? 200} ${String(reply.body ?? '').slice(0, 20)}`
				: '404';
		console.log(`${request.method} ${request.url.pathname}${request.url.search} → ${answer}`);
		return reply;
	};
}

async function main(): Promise<number> {
	let args: FixtureArgs;
	try {
		args = readArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${(error as Error).message}\n${FIXTURES_USAGE}`);
		return 2;
	}
	if (!hasSharedFixtures) {
		console.error(`Cannot serve fixtures: ${NO_FIXTURES_REASON}. Expected ${SHARED_DIR}fixtures/hf-daily and fixtures/arxiv beside the repo.`);
		return 2;
	}
	let handler: FixtureHandler;
	try {
		handler = recordedSiteHandler(args.replay === undefined ? {} : { replayDay: args.replay });
	} catch (error) {
		console.error(`${(error as Error).message}\n${FIXTURES_USAGE}`);
		return 2;
	}
	const server = await startFixtureServer(logRequests(handler), { port: args.port });
	console.log(`Fixture server listening on ${server.baseUrl}`);
	console.log(`Try: HF_BASE_URL=${server.baseUrl} ARXIV_BASE_URL=${server.baseUrl} npm start   (Ctrl-C stops this server)`);
	await new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	await server.close();
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		const code = (error as NodeJS.ErrnoException).code;
		console.error(
			code === 'EADDRINUSE' ? 'Cannot listen: the port is in use (pick another with --port).' : `fixture server failed: ${(error as Error).message}`,
		);
		process.exit(1);
	},
);
