import { REST, Routes } from 'discord.js';
import { DiscordLimits } from '../src/cards/limits.js';
import { afterEach, describe, expect, it } from 'vitest';
import { GLOBAL_PACE_PER_SECOND } from '../src/discord/paced-rest.js';
import { startRestProxy, type RestProxy } from '../src/discord/proxy.js';
import { silentLogger } from '../src/log.js';
import { createEmulator, type DiscordEmulator } from '../src/sandbox/emulator/index.js';

/** Two bot processes' REST clients, each believing it has 50 requests/s, against the emulator enforcing Discord's global limit. */

let emu: DiscordEmulator | undefined;
let proxy: RestProxy | undefined;
afterEach(async () => {
	await proxy?.close();
	await emu?.stop();
	proxy = undefined;
	emu = undefined;
});

const body = { content: 'digest', allowed_mentions: { parse: [] } };

/** Requests per one-second window as the emulator's limiter counts them: each opens at the first request after the last closed. */
function discordSeconds(times: readonly number[]): number[] {
	const counts: number[] = [];
	let opened = Number.NEGATIVE_INFINITY;
	for (const time of times) {
		if (time - opened >= 1000) {
			opened = time;
			counts.push(0);
		}
		counts[counts.length - 1] = (counts.at(-1) ?? 0) + 1;
	}
	return counts;
}

async function burst(api: string, token: string, channels: readonly string[]): Promise<void> {
	const rest = new REST({ api, retries: 3 }).setToken(token);
	await Promise.all(channels.map((channelId) => rest.post(Routes.channelMessages(channelId), { body })));
}

describe('startRestProxy', () => {
	it('shares one global limit between processes: no 429 from Discord where two direct clients get them', async () => {
		emu = createEmulator({ rateLimit: true });
		const { apiUrl, token } = await emu.start();
		const channels = Array.from({ length: 120 }, (_, index) => emu!.addChannel({ name: `c${index}` }).id);

		proxy = await startRestProxy({ upstream: apiUrl, port: 0, host: '127.0.0.1', logger: silentLogger });
		await Promise.all([burst(proxy.url, token, channels.slice(0, 60)), burst(proxy.url, token, channels.slice(60))]);
		const posts = emu.requests({ method: 'POST' });
		expect(posts.filter((request) => request.status !== 200).map((request) => `${request.status} ${request.fault ?? ''}`)).toEqual([]);
		expect(posts).toHaveLength(120);

		// Without the proxy (after Discord's window has passed): each process paces itself to 50/s, together 100/s.
		await new Promise((resolve) => setTimeout(resolve, 1200));
		emu.clearRecords();
		await Promise.all([burst(apiUrl, token, channels.slice(0, 60)), burst(apiUrl, token, channels.slice(60))]).catch(() => undefined);
		expect(emu.requests({ status: 429 }).length).toBeGreaterThan(0);
	}, 30_000);

	it('sends the same body again when Discord answers a 429 or a 5xx first, so the retry posts the message', async () => {
		emu = createEmulator();
		const { apiUrl, token } = await emu.start();
		proxy = await startRestProxy({ upstream: apiUrl, port: 0, host: '127.0.0.1', logger: silentLogger });
		const route = 'POST /channels/{channel_id}/messages';
		emu.faults.rateLimit({ match: route, retryAfter: 0.1 });
		emu.faults.serverError({ match: route, status: 502 });
		const rest = new REST({ api: proxy.url, retries: 0 }).setToken(token);
		await rest.post(Routes.channelMessages(emu.ids.channelId), { body });
		expect(emu.requests({ method: 'POST' }).map((request) => [request.status, request.body])).toEqual([
			[429, body],
			[502, body],
			[200, body],
		]);
		expect(emu.messages(emu.ids.channelId).map((message) => message.content)).toEqual(['digest']);
		expect(emu.rejectedRequests()).toEqual([]);
	}, 30_000);

	it('paces a queue from two processes: none refused, GLOBAL_PACE_PER_SECOND a second of Discord’s at most, give or take jitter', async () => {
		emu = createEmulator({ rateLimit: true });
		const { apiUrl, token } = await emu.start();
		const channels = Array.from({ length: 150 }, (_, index) => emu!.addChannel({ name: `c${index}` }).id);
		proxy = await startRestProxy({ upstream: apiUrl, port: 0, host: '127.0.0.1', logger: silentLogger });
		// Each process keeps 32 digests in flight, one request after another, as the digest fan-out does.
		let next = 0;
		const sender = async () => {
			const rest = new REST({ api: proxy!.url, retries: 3 }).setToken(token);
			const worker = async () => {
				while (next < channels.length) await rest.post(Routes.channelMessages(channels[next++] as string), { body });
			};
			await Promise.all(Array.from({ length: 32 }, worker));
		};
		await Promise.all([sender(), sender()]);
		const posts = emu.requests({ method: 'POST' });
		expect(posts.filter((request) => request.status !== 200)).toEqual([]);
		const seconds = discordSeconds(posts.map((request) => request.time));
		expect(seconds.length).toBeGreaterThanOrEqual(Math.ceil(channels.length / GLOBAL_PACE_PER_SECOND));
		expect(Math.max(...seconds)).toBeLessThanOrEqual(DiscordLimits.globalRequestsPerSecond);
	}, 30_000);

	it('forwards Discord’s errors as they are, and answers 502 when Discord cannot be reached', async () => {
		emu = createEmulator();
		const { apiUrl, token } = await emu.start();
		proxy = await startRestProxy({ upstream: apiUrl, port: 0, host: '127.0.0.1', logger: silentLogger });
		const rest = new REST({ api: proxy.url, retries: 0 }).setToken(token);
		await expect(rest.post(Routes.channelMessages('123456789012345678'), { body })).rejects.toMatchObject({ status: 404, code: 10003 });
		await proxy.close();
		proxy = await startRestProxy({ upstream: 'http://127.0.0.1:9/api', port: 0, host: '127.0.0.1', logger: silentLogger });
		const offline = new REST({ api: proxy.url, retries: 0 }).setToken(token);
		await expect(offline.get(Routes.gatewayBot())).rejects.toMatchObject({ status: 502 });
	}, 30_000);
});
