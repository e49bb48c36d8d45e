/**
 * The production bot (startBot, wired as src/main.ts wires it) in a process of its own, with the lease timings
 * shortened by LEASE_TTL_MS so the one-instance tests take seconds: renewals every third of it, polls every 200 ms.
 * FEED_POLL_MS shortens the paper feed's poll, DIGEST_CRON sets the digest pass's schedule (the cluster tests).
 * A lost lease ends the process with exit code 1, as in production; SIGTERM stops it cleanly (exit 0).
 */
import { loadConfig } from '../../src/config.js';
import { startBot } from '../../src/discord/bot.js';
import { createLogger } from '../../src/log.js';

const config = loadConfig();
const token = config.discordToken;
if (!token) throw new Error('DISCORD_TOKEN is required');
const logger = createLogger({ level: 'info', secrets: [token] });
const ttlMs = Number(process.env.LEASE_TTL_MS ?? 3000);
const bot = await startBot({
	config,
	apiUrl: config.discordApiUrl,
	token,
	logger,
	lease: { ttlMs, renewEveryMs: Math.floor(ttlMs / 3), pollEveryMs: 200 },
	...(process.env.FEED_POLL_MS ? { feed: { pollEveryMs: Number(process.env.FEED_POLL_MS) } } : {}),
	...(process.env.DIGEST_CRON ? { digestCron: process.env.DIGEST_CRON } : {}),
	// Left to end on its own, as src/main.ts does: nothing the stopped bot opened may keep the process alive.
	onLeaseLost: () => {
		process.exitCode = 1;
	},
});
process.once('SIGTERM', () => {
	bot.stop().then(
		() => process.exit(0),
		() => process.exit(1),
	);
});
