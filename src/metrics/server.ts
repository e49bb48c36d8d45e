import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { BotMetrics } from './metrics.js';

/** What `/healthz` checks; each probe answers true when that part is healthy. */
export interface HealthProbes {
	/** Every gateway shard this process runs is connected. */
	gatewayConnected(): boolean;
	/** The store accepts writes (no full disk, read-only file, deleted database, lost lease). */
	storeWritable(): boolean;
	/** When the digest scheduler last finished a pass; undefined before the first. */
	lastSchedulerPass(): Date | undefined;
}

export interface MetricsServer {
	readonly port: number;
	close(): Promise<void>;
}

/** A pass is due every minute; three missed in a row means the scheduler is stuck. */
export const SCHEDULER_STALE_MS = 3 * 60_000;

/**
 * `GET /metrics` (Prometheus text) and `GET /healthz` (JSON, 200 when healthy, 503 otherwise) on `port`.
 * Opt-in (METRICS_PORT); bound to `host`, loopback unless the operator opens it for a scraper elsewhere.
 */
export async function startMetricsServer(options: {
	port: number;
	host: string;
	metrics: BotMetrics;
	health: HealthProbes;
	clock: () => Date;
	logger: Logger;
}): Promise<MetricsServer> {
	const { metrics, health } = options;
	const server: Server = createServer((request, response) => {
		const path = new URL(request.url ?? '/', 'http://localhost').pathname;
		if (request.method !== 'GET' && request.method !== 'HEAD') {
			response.writeHead(405, { allow: 'GET, HEAD' }).end();
			return;
		}
		if (path === '/metrics') {
			metrics.registry.metrics().then(
				(text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
				(error: unknown) => {
					options.logger.error('metrics scrape failed', { error });
					response.writeHead(500).end();
				},
			);
			return;
		}
		if (path === '/healthz') {
			const last = health.lastSchedulerPass();
			const checks = {
				gateway: health.gatewayConnected(),
				store: health.storeWritable(),
				scheduler: last !== undefined && options.clock().getTime() - last.getTime() < SCHEDULER_STALE_MS,
			};
			const ok = Object.values(checks).every(Boolean);
			response
				.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
				.end(JSON.stringify({ ok, checks, lastSchedulerPass: last?.toISOString() ?? null }));
			return;
		}
		response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	options.logger.info('metrics server listening', { host: options.host, port });
	return {
		port,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
