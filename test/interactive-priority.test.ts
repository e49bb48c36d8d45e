import { describe, expect, it } from 'vitest';
import { beginInteraction, yieldToInteractions } from '../src/interactive-priority.js';

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A yield whose resumption can be watched, and a check that it is still held two turns later. */
async function heldYield(): Promise<{ resumed: () => boolean; yielded: Promise<void> }> {
	let resumed = false;
	const yielded = yieldToInteractions().then(() => {
		resumed = true;
	});
	await nextMacrotask();
	await nextMacrotask();
	return { resumed: () => resumed, yielded };
}

describe('yieldToInteractions', () => {
	it('resolves on the next turn of the event loop when no interaction is in flight', async () => {
		const order: string[] = [];
		const yielded = yieldToInteractions().then(() => order.push('background'));
		await Promise.resolve();
		order.push('same turn');
		await yielded;
		expect(order).toEqual(['same turn', 'background']);
	});

	it('holds background work while an interaction is handled and lets it go when the interaction ends', async () => {
		const end = beginInteraction();
		const { resumed, yielded } = await heldYield();
		expect(resumed()).toBe(false);
		end();
		await yielded;
		expect(resumed()).toBe(true);
	});

	it('waits for the last of several interactions, and counts an interaction ended twice once', async () => {
		const first = beginInteraction();
		const second = beginInteraction();
		first();
		first();
		const { resumed, yielded } = await heldYield();
		expect(resumed()).toBe(false);
		second();
		await yielded;
		expect(resumed()).toBe(true);
	});

	it('never holds background work for good while interactions keep coming', async () => {
		const end = beginInteraction();
		try {
			await yieldToInteractions();
		} finally {
			end();
		}
		// After the bound it went on although the interaction was still in flight; nothing is left held.
		await expect(yieldToInteractions()).resolves.toBeUndefined();
	});
});
