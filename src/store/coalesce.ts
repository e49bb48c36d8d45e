/**
 * Group commit for single-row operations. Calls made while a batch is in flight (or in the same turn of the
 * event loop) travel together in the next one: a fan-out's thirty-two concurrent deliveries cost one
 * statement, and one commit, where they cost thirty-two. Nothing is held back when the database is idle:
 * the first call only waits for the current turn to end. Each caller still resolves only once its own
 * row's statement has finished, so a write reported done is as durable as one made alone.
 */
export interface CoalescerOptions<I, O, R> {
	/** Items with the same key never share a batch; a later one waits for the next. */
	key: (item: I) => string;
	/** One batch: a statement (or a few) for every item in it. */
	execute: (items: readonly I[]) => Promise<O>;
	/** The answer of one item, from its batch's output; throwing rejects only that item. */
	pick: (output: O, item: I) => R;
	maxBatch: number;
}

interface Waiting<I, R> {
	item: I;
	resolve: (result: R) => void;
	reject: (error: unknown) => void;
}

export function createCoalescer<I, O, R>(options: CoalescerOptions<I, O, R>): (item: I) => Promise<R> {
	let queue: Waiting<I, R>[] = [];
	let draining = false;

	const takeBatch = (): Waiting<I, R>[] => {
		const batch: Waiting<I, R>[] = [];
		const rest: Waiting<I, R>[] = [];
		const keys = new Set<string>();
		for (const waiting of queue) {
			const key = options.key(waiting.item);
			if (batch.length < options.maxBatch && !keys.has(key)) {
				keys.add(key);
				batch.push(waiting);
			} else rest.push(waiting);
		}
		queue = rest;
		return batch;
	};

	const settle = (batch: readonly Waiting<I, R>[], output: O) => {
		for (const waiting of batch) {
			try {
				waiting.resolve(options.pick(output, waiting.item));
			} catch (error) {
				waiting.reject(error);
			}
		}
	};

	const drain = async () => {
		while (queue.length > 0) {
			const batch = takeBatch();
			let output: O;
			try {
				output = await options.execute(batch.map((waiting) => waiting.item));
			} catch (error) {
				for (const waiting of batch) waiting.reject(error);
				continue;
			}
			settle(batch, output);
		}
		draining = false;
	};

	return (item) =>
		new Promise<R>((resolve, reject) => {
			queue.push({ item, resolve, reject });
			if (draining) return;
			draining = true;
			// The rest of this turn's callers (a burst of deliveries a batch just released, the I/O callbacks already
			// due) join the first batch. Started on the next microtask instead, a fan-out took twice the statements.
			setImmediate(() => void drain());
		});
}
