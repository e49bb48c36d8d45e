/**
 * One holder at a time per key, in arrival order. A key is remembered only while someone holds or waits for it,
 * so locking every subscription of a large bot does not keep one object per key alive. A promise chain per key:
 * a fan-out takes thousands of these a second, and a queue object per key cost more than the wait itself.
 */
export interface KeyedLock {
	run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
	const tails = new Map<string, Promise<void>>();
	return {
		async run(key, work) {
			const previous = tails.get(key);
			// Assigned, not declared as a function: tsx names every function a `const`/`let` declares, a property write per call.
			let release: (() => void) | undefined;
			const mine = new Promise<void>((resolve) => {
				release = resolve;
			});
			tails.set(key, mine);
			try {
				if (previous) await previous;
				return await work();
			} finally {
				if (tails.get(key) === mine) tails.delete(key);
				release?.();
			}
		},
	};
}
