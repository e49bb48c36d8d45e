import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../log.js';

export const SCHEDULE_DEFAULTS = Object.freeze({
	cron: '5 * * * *',
	/** Ingest this long before a digest time so the digest carries the morning's papers. */
	leadMinutes: 10,
});

export interface ScheduleIngestOptions {
	/** The regular run (INGEST_CRON); defaults to hourly. */
	cron?: string;
	/** Digest times `HH:MM`; an extra run is scheduled `leadMinutes` before each (usually just the earliest). */
	extraTimes?: readonly string[];
	leadMinutes?: number;
	timezone?: string;
	run: () => Promise<unknown>;
	logger: Logger;
}

export interface IngestSchedule {
	readonly expressions: readonly string[];
	readonly tasks: readonly ScheduledTask[];
	/** Runs the ingest now unless one is already running (then waits for that one). */
	runNow(): Promise<void>;
	stop(): Promise<void>;
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** `08:00` with a 10-minute lead → `50 7 * * *` (wrapping past midnight). */
export function cronBefore(time: string, leadMinutes: number): string {
	const match = TIME.exec(time.trim());
	if (!match) throw new Error(`Digest time must be HH:MM (got ${JSON.stringify(time)})`);
	const minuteOfDay = (((Number(match[1]) * 60 + Number(match[2]) - leadMinutes) % 1440) + 1440) % 1440;
	return `${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)} * * *`;
}

/**
 * Schedules the ingest with node-cron. All the tasks share one in-flight run, so the hourly and the pre-digest
 * run never overlap each other either; node-cron's own messages go to our logger, not the console.
 */
export function scheduleIngest(options: ScheduleIngestOptions): IngestSchedule {
	const { logger } = options;
	const lead = options.leadMinutes ?? SCHEDULE_DEFAULTS.leadMinutes;
	const expressions = [...new Set([options.cron ?? SCHEDULE_DEFAULTS.cron, ...(options.extraTimes ?? []).map((time) => cronBefore(time, lead))])];
	for (const expression of expressions) {
		if (!cron.validate(expression)) throw new Error(`Invalid ingest cron expression ${JSON.stringify(expression)}`);
	}
	let running: Promise<void> | undefined;
	const runNow = (): Promise<void> => {
		if (running) {
			logger.info('ingest already running, not starting another');
			return running;
		}
		running = options
			.run()
			.then(() => undefined)
			.catch((error: unknown) => logger.error('scheduled ingest failed', { error }))
			.finally(() => {
				running = undefined;
			});
		return running;
	};
	const cronLogger = toCronLogger(logger);
	const tasks = expressions.map((expression, index) =>
		cron.schedule(expression, runNow, {
			name: `ingest-${index}`,
			noOverlap: true,
			logger: cronLogger,
			...(options.timezone ? { timezone: options.timezone } : {}),
		}),
	);
	return {
		expressions,
		tasks,
		runNow,
		stop: async () => {
			await Promise.all(tasks.map((task) => task.destroy()));
		},
	};
}

function toCronLogger(logger: Logger) {
	const context = (error?: Error) => ({ component: 'node-cron', ...(error ? { error } : {}) });
	const text = (message: string | Error) => (message instanceof Error ? message.message : message);
	return {
		info: (message: string) => logger.debug(message, context()),
		warn: (message: string) => logger.warn(message, context()),
		error: (message: string | Error, error?: Error) => logger.error(text(message), context(error ?? (message instanceof Error ? message : undefined))),
		debug: (message: string | Error, error?: Error) => logger.debug(text(message), context(error)),
	};
}
