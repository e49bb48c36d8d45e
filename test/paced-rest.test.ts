import { REST, Routes } from 'discord.js';
import { DiscordLimits } from '../src/cards/limits.js';
import { afterEach, describe, expect, it } from 'vitest';
import { GLOBAL_PACE_PER_SECOND, pacedRestOptions } from '../src/discord/paced-rest.js';
import { createEmulator, type DiscordEmulator } from '../src/sandbox/emulator/index.js';

let emu: DiscordEmulator | undefined;
afterEach(async () => {
	await emu?.stop();
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

describe('pacedRestOptions', () => {
	it('paces what a REST client sends: 120 asked at once reach Discord spread over its seconds, none refused', async () => {
		emu = createEmulator({ rateLimit: true });
		const { apiUrl, token } = await emu.start();
		const channels = Array.from({ length: 120 }, (_, index) => emu!.addChannel({ name: `c${index}` }).id);
		const rest = new REST({ api: apiUrl, ...pacedRestOptions() }).setToken(token);
		await Promise.all(channels.map((channelId) => rest.post(Routes.channelMessages(channelId), { body })));
		const posts = emu.requests({ method: 'POST' });
		expect(posts.filter((request) => request.status !== 200)).toEqual([]);
		const seconds = discordSeconds(posts.map((request) => request.time));
		// 45 a second, not 50 at once and 50 more a second later: three of Discord's seconds at least.
		expect(seconds.length).toBeGreaterThanOrEqual(Math.ceil(channels.length / GLOBAL_PACE_PER_SECOND));
		expect(Math.max(...seconds)).toBeLessThanOrEqual(DiscordLimits.globalRequestsPerSecond);
	}, 30_000);

	it('gives each REST client a pace of its own', async () => {
		const [first, second] = [pacedRestOptions(), pacedRestOptions()];
		expect(first.makeRequest).not.toBe(second.makeRequest);
	});
});
