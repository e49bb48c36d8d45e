import { RESTEvents, type Interaction, type TextChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { useEmulators } from './support/emulator-client.js';

const CALLBACK = 'POST /interactions/{interaction_id}/{interaction_token}/callback';
const { startBot, trackEmulator } = useEmulators();

const reply = async (interaction: Interaction) => {
	if (interaction.isChatInputCommand()) await interaction.reply({ content: 'arrived' });
};

describe('FaultInjector', () => {
	it('answers an injected route 429 with Discord headers and discord.js delivers the reply exactly once', async () => {
		const { emu } = await startBot({}, reply);
		emu.faults.rateLimit({ match: CALLBACK, retryAfter: 0.2 });
		const handle = emu.injectCommand({ name: 'paper' });
		expect((await handle.reply()).content).toBe('arrived');
		const calls = emu.requests({ route: '/interactions/{interaction_id}/{interaction_token}/callback' });
		expect(calls.map((r) => r.status)).toEqual([429, 204]);
		expect(calls[0]).toMatchObject({ fault: 'rateLimit', response: { message: 'You are being rate limited.', retry_after: 0.2, global: false } });
		expect(emu.messages()).toHaveLength(1);
		expect(emu.rejectedRequests()).toEqual([]);
	});

	it('sends the global 429 headers and body', async () => {
		const emu = trackEmulator();
		const { apiUrl, token } = await emu.start();
		emu.faults.rateLimit({ global: true, retryAfter: 1.5 });
		const response = await fetch(`${apiUrl}/v10/users/@me`, { headers: { Authorization: `Bot ${token}` } });
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('1.5');
		expect(response.headers.get('x-ratelimit-global')).toBe('true');
		expect(response.headers.get('x-ratelimit-scope')).toBe('global');
		expect(await response.json()).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: true });
	});

	it('sends the route 429 bucket headers', async () => {
		const emu = trackEmulator();
		const { apiUrl, token } = await emu.start();
		emu.faults.rateLimit({ match: '/users/@me', retryAfter: 2 });
		const response = await fetch(`${apiUrl}/v10/users/@me`, { headers: { Authorization: `Bot ${token}` } });
		const headers = Object.fromEntries(response.headers);
		expect(headers).toMatchObject({
			'retry-after': '2',
			'x-ratelimit-limit': '1',
			'x-ratelimit-remaining': '0',
			'x-ratelimit-reset-after': '2',
			'x-ratelimit-scope': 'user',
		});
		expect(headers['x-ratelimit-bucket']).toBeTruthy();
		expect(Number(headers['x-ratelimit-reset'])).toBeGreaterThan(0);
		expect((await fetch(`${apiUrl}/v10/users/@me`, { headers: { Authorization: `Bot ${token}` } })).status).toBe(200);
	});

	it('lets discord.js retry through a 5xx and the reply still arrives once', async () => {
		const { emu } = await startBot({}, reply);
		emu.faults.serverError({ match: CALLBACK, status: 502 });
		expect((await emu.injectCommand({ name: 'paper' }).reply()).content).toBe('arrived');
		expect(emu.requests({ method: 'POST' }).map((r) => r.status)).toEqual([502, 204]);
		expect(emu.messages()).toHaveLength(1);
	});

	it('adds latency to matching requests', async () => {
		const { emu, client } = await startBot();
		emu.faults.latency({ match: /^\/users\/@me$/, ms: 30, times: 1 });
		await client.rest.get('/users/@me');
		expect(emu.requests({ path: '/users/@me' })).toHaveLength(1);
	});
});

describe('RateLimiter', () => {
	it('enforces a per-channel message bucket that discord.js paces itself against, losing nothing', async () => {
		const { emu, client } = await startBot({ rateLimit: { messagesPerChannel: { limit: 3, windowMs: 300 } } });
		const limited: unknown[] = [];
		client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info));
		const channel = (await client.channels.fetch(emu.ids.channelId)) as TextChannel;
		const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => channel.send({ content: `message ${i}` })));
		expect(new Set(sent.map((m) => m.id)).size).toBe(10);
		expect(emu.messages(emu.ids.channelId).map((m) => m.content)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i}`));
		const posts = emu.requests({ method: 'POST', route: '/channels/{channel_id}/messages' });
		expect(posts.filter((r) => r.status === 200)).toHaveLength(10);
		// discord.js learns the bucket from the headers and waits instead of hitting 429s.
		expect(posts.filter((r) => r.status === 429).length).toBeLessThanOrEqual(1);
	});

	it('answers 429 globally past the per-second limit for bot routes only', async () => {
		const emu = trackEmulator({ rateLimit: { globalPerSecond: 2 }, clock: () => 1_700_000_000_000 });
		const { apiUrl, token } = await emu.start();
		const get = () => fetch(`${apiUrl}/v10/users/@me`, { headers: { Authorization: `Bot ${token}` } });
		const statuses = [(await get()).status, (await get()).status];
		const third = await get();
		expect([...statuses, third.status]).toEqual([200, 200, 429]);
		expect(third.headers.get('x-ratelimit-global')).toBe('true');
		expect(await third.json()).toMatchObject({ global: true });
	});
});
