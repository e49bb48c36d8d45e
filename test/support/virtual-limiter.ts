import { createRateLimiter, type RateLimiter } from '../../src/papers/sources/limiter.js';

/** A real rate limiter on a virtual clock: its waits are recorded and advance the clock instead of sleeping. */
export function createVirtualLimiter(intervalMs: number) {
	const clock = { now: 0 };
	const waits: number[] = [];
	const limiter: RateLimiter = createRateLimiter({
		intervalMs,
		now: () => clock.now,
		sleep: async (ms) => {
			waits.push(ms);
			clock.now += ms;
		},
	});
	return { limiter, waits, clock };
}
