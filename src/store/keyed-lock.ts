import { AsyncQueue } from '@sapphire/async-queue';

/**
 * One holder at a time per key, in arrival order. A queue exists only while someone holds or waits for
 * its key, so locking every subscription of a large bot does not keep one object per key alive.
 */
export interface KeyedLock {
	run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
	const queues = new Map<string, AsyncQueue>();
	return {
		async run(key, work) {
			let queue = queues.get(key);
			if (!queue) queues.set(key, (queue = new AsyncQueue()));
			await queue.wait();
			try {
				return await work();
			} finally {
				queue.shift();
				if (queue.remaining === 0) queues.delete(key);
			}
		},
	};
}
