import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { cronBefore, scheduleIngest } from '../src/papers/sources/schedule.js';

const logger = createLogger({ write: () => {} });

describe('cronBefore', () => {
	it('schedules the lead time before a digest, wrapping past midnight', () => {
		expect(cronBefore('08:00', 10)).toBe('50 7 * * *');
		expect(cronBefore('00:05', 10)).toBe('55 23 * * *');
		expect(() => cronBefore('8am', 10)).toThrow('Digest time must be HH:MM (got "8am")');
	});
});

describe('scheduleIngest', () => {
	it('runs hourly by default plus before each digest time', async () => {
		const schedule = scheduleIngest({ extraTimes: ['08:00', '07:30'], run: async () => {}, logger });
		try {
			expect(schedule.expressions).toEqual(['5 * * * *', '50 7 * * *', '20 7 * * *']);
			expect(schedule.tasks.every((task) => task.getNextRun() instanceof Date)).toBe(true);
		} finally {
			await schedule.stop();
		}
	});

	it('never runs two ingests at once, across all its tasks', async () => {
		let calls = 0;
		let release: () => void = () => {};
		const run = () => {
			calls += 1;
			return new Promise<void>((resolve) => {
				release = resolve;
			});
		};
		const schedule = scheduleIngest({ cron: '0 * * * *', extraTimes: ['09:00'], run, logger });
		try {
			const first = schedule.runNow();
			const fromTask = schedule.tasks[1]!.execute();
			// Let node-cron reach our function before the first run ends.
			await new Promise((resolve) => setImmediate(resolve));
			expect(calls).toBe(1);
			release();
			await Promise.all([first, fromTask]);
			const second = schedule.runNow();
			release();
			await second;
		} finally {
			release();
			await schedule.stop();
		}
		expect(calls).toBe(2);
	});

	it('logs a failed run instead of throwing it at the scheduler', async () => {
		const lines: string[] = [];
		const schedule = scheduleIngest({ run: () => Promise.reject(new Error('boom')), logger: createLogger({ write: (line) => lines.push(line) }) });
		try {
			await schedule.runNow();
			expect(lines.some((line) => line.includes('scheduled ingest failed') && line.includes('boom'))).toBe(true);
		} finally {
			await schedule.stop();
		}
	});

	it('refuses an invalid cron expression', () => {
		expect(() => scheduleIngest({ cron: 'every hour', run: async () => {}, logger })).toThrow('Invalid ingest cron expression "every hour"');
	});
});
