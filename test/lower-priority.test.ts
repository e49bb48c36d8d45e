import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/** Runs lowerThreadPriority in a worker thread of its own and answers what it did, and the thread's priority after. */
function lowerInWorker(): Promise<{ lowered: boolean; threadPriority: number | null }> {
	const tsx = import.meta.resolve('tsx/esm/api');
	const entry = new URL('../src/search/lower-priority.ts', import.meta.url).href;
	const code = `
		const { parentPort } = await import('node:worker_threads');
		const { readlinkSync } = await import('node:fs');
		const { getPriority } = await import('node:os');
		const { register } = await import(${JSON.stringify(tsx)});
		register();
		const { lowerThreadPriority } = await import(${JSON.stringify(entry)});
		const lowered = lowerThreadPriority();
		let threadPriority = null;
		try { threadPriority = getPriority(Number(readlinkSync('/proc/thread-self').split('/').pop())); } catch {}
		parentPort.postMessage({ lowered, threadPriority });`;
	const worker = new Worker(`(async () => {${code}})()`, { eval: true });
	return new Promise((resolve, reject) => {
		worker.once('message', (answer) => {
			void worker.terminate();
			resolve(answer);
		});
		worker.once('error', reject);
	});
}

describe('lowerThreadPriority', () => {
	it.runIf(process.platform === 'linux')('lowers only the calling thread to the lowest priority on Linux', async () => {
		const before = getPriority();
		const { lowered, threadPriority } = await lowerInWorker();
		expect(lowered).toBe(true);
		expect(threadPriority).toBe(19);
		expect(getPriority()).toBe(before);
	});
});
