import type { LogLevel } from './config.js';

export type LogContext = Record<string, unknown>;

export interface Logger {
	debug(message: string, context?: LogContext): void;
	info(message: string, context?: LogContext): void;
	warn(message: string, context?: LogContext): void;
	error(message: string, context?: LogContext): void;
	child(context: LogContext): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
	level?: LogLevel;
	/** Receives one finished JSON line per entry; defaults to stderr so stdout stays free for CLI output. */
	write?: (line: string) => void;
	/** Strings that must never be printed (the bot token); replaced by `[redacted]` wherever they appear. */
	secrets?: string[];
}

/** Structured JSON-lines logger. Errors are flattened to name/message/stack, secrets are scrubbed from everything. */
export function createLogger(options: LoggerOptions = {}, bound: LogContext = {}): Logger {
	const threshold = RANK[options.level ?? 'info'];
	const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
	const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 8);

	const emit = (level: LogLevel, message: string, context?: LogContext) => {
		if (RANK[level] < threshold) return;
		const entry = { time: new Date().toISOString(), level, message, ...bound, ...context };
		write(redact(JSON.stringify(entry, serializeErrors), secrets));
	};
	return {
		debug: (message, context) => emit('debug', message, context),
		info: (message, context) => emit('info', message, context),
		warn: (message, context) => emit('warn', message, context),
		error: (message, context) => emit('error', message, context),
		child: (context) => createLogger(options, { ...bound, ...context }),
	};
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = createLogger({ write: () => {} });

export function redact(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) result = result.split(secret).join('[redacted]');
	return result;
}

function serializeErrors(_key: string, value: unknown): unknown {
	if (value instanceof Error) {
		const code = (value as { code?: unknown }).code;
		return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack };
	}
	return value;
}
