import { describe, expect, it } from 'vitest';
import { collectGarbageNow } from '../src/search/collect-garbage.js';

describe('collectGarbageNow', () => {
	it('does collect an object nothing refers to any more, with no flag given to node', async () => {
		let dropped: { scratch: Uint8Array } | undefined = { scratch: new Uint8Array(1 << 20) };
		const ref = new WeakRef(dropped);
		dropped = undefined;
		// A WeakRef's target lives to the end of the job that made it.
		await new Promise((resolve) => setImmediate(resolve));
		collectGarbageNow();
		expect(ref.deref()).toBeUndefined();
	});
});
