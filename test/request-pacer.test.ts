import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRequestPacer, isOutsideGlobalLimit } from '../src/discord/request-pacer.js';

/** On vitest's fake clock: each request asks at its own instant, and its turn is read off the same clock. */
const fakeSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function turnsFor(perSecond: number, askAt: readonly number[], stallAt?: { at: number; ms: number }): Promise<number[]> {
	const start = Date.now();
	let stalled = false;
	const now = () => {
		// A stalled event loop: the clock jumps ahead the first time the pacer reads it past `at`.
		if (stallAt && !stalled && Date.now() - start >= stallAt.at) {
			stalled = true;
			vi.setSystemTime(Date.now() + stallAt.ms);
		}
		return Date.now();
	};
	const pacer = createRequestPacer({ perSecond, now, sleep: fakeSleep });
	const turns: number[] = [];
	for (const at of askAt) setTimeout(() => void pacer.wait().then(() => turns.push(Date.now() - start)), at);
	await vi.runAllTimersAsync();
	return turns;
}

const busiestSecond = (turns: readonly number[]) => Math.max(...turns.map((from) => turns.filter((turn) => turn >= from && turn < from + 1000).length));

describe('createRequestPacer', () => {
	beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
	afterEach(() => vi.useRealTimers());

	it('spaces turns 1000 / perSecond ms apart in the order asked, with room for one more at the start', async () => {
		expect(await turnsFor(40, [0, 0, 0, 0, 0])).toEqual([0, 0, 25, 50, 75]);
	});

	it('never lets more than perSecond go in any second, however the requests come', async () => {
		// Bursts of 30 asked at once, a pause of 700 ms after every other one.
		const askAt = Array.from({ length: 300 }, (_, index) => Math.floor(index / 60) * 700);
		const turns = await turnsFor(45, askAt);
		expect(turns).toHaveLength(300);
		expect(busiestSecond(turns)).toBeLessThanOrEqual(45 + 1);
		// Spaced, not let out a second's worth at once: never three within one gap.
		const threes = turns.slice(2).map((turn, index) => turn - (turns[index] as number));
		expect(Math.min(...threes)).toBeGreaterThanOrEqual(1000 / 45);
	});

	it('lets a request go at once after an idle spell, with no burst saved up', async () => {
		expect(await turnsFor(10, [0, 5_000, 5_000, 5_000, 5_000])).toEqual([0, 5_000, 5_000, 5_100, 5_200]);
	});

	it('delays what follows a stalled event loop instead of sending it all at once after', async () => {
		const turns = await turnsFor(
			20,
			Array.from({ length: 10 }, () => 0),
			{ at: 100, ms: 400 },
		);
		// One extra goes at once when the loop comes back, then the pace again: no backlog let out together.
		expect(turns).toEqual([0, 0, 50, 500, 500, 550, 600, 650, 700, 750]);
	});

	it('gives up the place of a wait whose signal is aborted, and refuses one already aborted', async () => {
		const pacer = createRequestPacer({ perSecond: 1, now: Date.now, sleep: fakeSleep });
		const start = Date.now();
		// The first two go at once (the room for one); the third waits a second.
		await Promise.all([pacer.wait(), pacer.wait()]);
		const aborted = new AbortController();
		const third = pacer.wait(aborted.signal);
		const fourth = pacer.wait().then(() => Date.now() - start);
		aborted.abort(new Error('the caller gave up'));
		await expect(third).rejects.toThrow('the caller gave up');
		await vi.runAllTimersAsync();
		// The fourth takes the third's turn.
		expect(await fourth).toBe(1000);
		await expect(pacer.wait(aborted.signal)).rejects.toThrow('the caller gave up');
	});

	it('refuses a pace of 0 requests per second', () => {
		expect(() => createRequestPacer({ perSecond: 0 })).toThrow(RangeError);
	});
});

describe('isOutsideGlobalLimit', () => {
	it('does not pace interaction callbacks and webhook-token routes, which Discord leaves out of the global limit', () => {
		expect(isOutsideGlobalLimit('http://127.0.0.1:9/api/v10/interactions/123/aW50ZXJhY3Rpb24/callback')).toBe(true);
		expect(isOutsideGlobalLimit('https://discord.com/api/v10/webhooks/456/tok3n/messages/@original')).toBe(true);
		expect(isOutsideGlobalLimit('https://discord.com/api/webhooks/456/tok3n')).toBe(true);
	});

	it('paces bot-authenticated routes: messages, DMs, a webhook by id alone', () => {
		expect(isOutsideGlobalLimit('https://discord.com/api/v10/channels/123/messages')).toBe(false);
		expect(isOutsideGlobalLimit('https://discord.com/api/v10/users/@me/channels')).toBe(false);
		expect(isOutsideGlobalLimit('https://discord.com/api/v10/webhooks/456')).toBe(false);
	});
});
