/**
 * Spaces out calls to one host: each call starts at least `intervalMs` after the previous one finished,
 * and calls never run concurrently (arXiv asks for one request every 3 s over a single connection).
 */
export interface RateLimiter {
	run<T>(task: () => Promise<T>): Promise<T>;
}

export interface RateLimiterOptions {
	intervalMs: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
	const now = options.now ?? Date.now;
	const sleep = options.sleep ?? defaultSleep;
	let lastFinishedAt = Number.NEGATIVE_INFINITY;
	let queue: Promise<unknown> = Promise.resolve();

	const runNext = async <T>(task: () => Promise<T>): Promise<T> => {
		const wait = lastFinishedAt + options.intervalMs - now();
		if (wait > 0) await sleep(wait);
		try {
			return await task();
		} finally {
			lastFinishedAt = now();
		}
	};
	return {
		run<T>(task: () => Promise<T>): Promise<T> {
			const result = queue.then(() => runNext(task));
			// The chain must survive a failed task, or one error would block the source forever.
			queue = result.catch(() => undefined);
			return result;
		},
	};
}

export function defaultSleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
