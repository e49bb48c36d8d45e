import { startRestProxy } from '../src/discord/proxy.js';
import { createLogger, type LogContext } from '../src/log.js';

/**
 * `npm run proxy`: the one REST rate-limit proxy every bot process sends through (point their DISCORD_API_URL
 * at the URL it prints). PROXY_PORT (default 8080), PROXY_HOST (default 127.0.0.1; 0.0.0.0 for other hosts),
 * PROXY_UPSTREAM_URL (default https://discord.com/api).
 */

const env = process.env;
const problems: string[] = [];
const port = Number(env.PROXY_PORT?.trim() || 8080);
if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push('PROXY_PORT must be a TCP port from 0 to 65535');
const host = env.PROXY_HOST?.trim() || '127.0.0.1';
const upstream = env.PROXY_UPSTREAM_URL?.trim() || 'https://discord.com/api';
if (!/^https?:\/\//.test(upstream)) problems.push('PROXY_UPSTREAM_URL must be an http(s) URL, e.g. https://discord.com/api');
if (problems.length > 0) {
	console.error(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
	process.exit(2);
}
const logger = createLogger({ level: env.LOG_LEVEL === 'debug' ? 'debug' : 'info' });
const proxy = await startRestProxy({ upstream, port, host, logger });
process.stdout.write(`REST proxy on ${proxy.url} → ${upstream}. Set DISCORD_API_URL=${proxy.url} for every bot process.\n`);
const stop = (signal: string) => {
	logger.info('REST proxy stopping', { signal } satisfies LogContext);
	proxy.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
