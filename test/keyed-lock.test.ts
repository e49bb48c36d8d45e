import { describe, expect, it } from 'vitest';
import { createKeyedLock } from '../src/store/keyed-lock.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('createKeyedLock', () => {
	it('runs one holder of a key at a time, in arrival order, and other keys beside it', async () => {
		const lock = createKeyedLock();
		const events: string[] = [];
		const hold = (key: string, name: string) =>
			lock.run(key, async () => {
				events.push(`${name} in`);
				await tick();
				events.push(`${name} out`);
			});
		await Promise.all([hold('a', 'a1'), hold('a', 'a2'), hold('b', 'b1'), hold('a', 'a3')]);
		expect(events.filter((event) => event.startsWith('a'))).toEqual(['a1 in', 'a1 out', 'a2 in', 'a2 out', 'a3 in', 'a3 out']);
		expect(events.indexOf('b1 in')).toBeLessThan(events.indexOf('a1 out'));
	});

	it('frees the key when the holder throws', async () => {
		const lock = createKeyedLock();
		await expect(
			lock.run('a', async () => {
				throw new Error('refused');
			}),
		).rejects.toThrow('refused');
		expect(await lock.run('a', async () => 'next')).toBe('next');
	});
});
