import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../src/store/coalesce.js';

/** A batch runner that records every batch it was given and answers each item with its double. */
function recordingCoalescer(options: { fail?: (items: readonly number[]) => boolean; maxBatch?: number } = {}) {
	const batches: number[][] = [];
	const run = createCoalescer<number, Map<number, number>, number>({
		key: (item) => String(item % 100),
		execute: async (items) => {
			batches.push([...items]);
			await new Promise((resolve) => setTimeout(resolve, 5));
			if (options.fail?.(items)) throw new Error('statement failed');
			return new Map(items.map((item) => [item, item * 2]));
		},
		pick: (output, item) => {
			if (item < 0) throw new Error(`no answer for ${item}`);
			return output.get(item) as number;
		},
		maxBatch: options.maxBatch ?? 500,
	});
	return { run, batches };
}

describe('createCoalescer', () => {
	it('sends the calls of one turn together, and those made while it is in flight in the next batch', async () => {
		const { run, batches } = recordingCoalescer();
		const first = [1, 2, 3].map(run);
		await new Promise((resolve) => setImmediate(resolve));
		const second = [4, 5].map(run);
		expect(await Promise.all([...first, ...second])).toEqual([2, 4, 6, 8, 10]);
		expect(batches).toEqual([
			[1, 2, 3],
			[4, 5],
		]);
	});

	it('never puts two items with the same key in one batch', async () => {
		const { run, batches } = recordingCoalescer();
		expect(await Promise.all([7, 107, 8].map(run))).toEqual([14, 214, 16]);
		expect(batches).toEqual([[7, 8], [107]]);
	});

	it('splits a burst larger than maxBatch', async () => {
		const { run, batches } = recordingCoalescer({ maxBatch: 2 });
		await Promise.all([1, 2, 3, 4, 5].map(run));
		expect(batches).toEqual([[1, 2], [3, 4], [5]]);
	});

	it('rejects every item of a failed batch and goes on with the next', async () => {
		const { run } = recordingCoalescer({ fail: (items) => items.includes(1) });
		const failing = [1, 2].map((item) => run(item).catch((error: Error) => error.message));
		await new Promise((resolve) => setImmediate(resolve));
		const later = run(3);
		expect(await Promise.all(failing)).toEqual(['statement failed', 'statement failed']);
		expect(await later).toBe(6);
	});

	it('rejects only the item whose answer cannot be picked', async () => {
		const { run } = recordingCoalescer();
		const results = await Promise.allSettled([run(1), run(-1), run(2)]);
		expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
	});
});
