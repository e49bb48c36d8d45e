import { pino, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config.js';

export type LogContext = Record<string, unknown>;

export interface Logger {
	debug(message: string, context?: LogContext): void;
	info(message: string, context?: LogContext): void;
	warn(message: string, context?: LogContext): void;
	error(message: string, context?: LogContext): void;
	child(context: LogContext): Logger;
}

export interface LoggerOptions {
	level?: LogLevel;
	/** Receives one finished JSON line per entry; defaults to stderr so stdout stays free for CLI output. */
	write?: (line: string) => void;
	/** Strings that must never be printed (the bot token); replaced by `[redacted]` wherever they appear. */
	secrets?: string[];
}

/** Fields that carry credentials by name, removed by pino before anything is written. */
const REDACTED_PATHS = ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'password', '*.password'];

/**
 * Structured JSON lines on pino: `{"level":"info","time":"…","message":"…",…context}`. Errors anywhere in the
 * context are flattened to name/message/code/stack (with their cause), credentials are removed by field name,
 * and every secret string is scrubbed from the finished line, wherever it appears (an error message, a URL).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
	const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
	const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 8);
	const destination = { write: (line: string) => write(redact(line.endsWith('\n') ? line.slice(0, -1) : line, secrets)) };
	const root = pino(
		{
			level: options.level ?? 'info',
			messageKey: 'message',
			base: undefined,
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: { level: (label) => ({ level: label }) },
			redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
		},
		destination,
	);
	return wrap(root);
}

function wrap(logger: PinoLogger): Logger {
	const emit = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, context?: LogContext) => {
		if (context === undefined) logger[level](message);
		else logger[level](plainErrors(context) as object, message);
	};
	return {
		debug: emit('debug'),
		info: emit('info'),
		warn: emit('warn'),
		error: emit('error'),
		child: (context) => wrap(logger.child(plainErrors(context) as object)),
	};
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = createLogger({ write: () => {} });

export function redact(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) result = result.split(secret).join('[redacted]');
	return result;
}

const MAX_DEPTH = 6;

/** Errors as plain objects (pino only knows `err`), deep and cycle-safe, so every `error` field reads the same. */
function plainErrors(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
	if (value === null || typeof value !== 'object') return value;
	if (seen.has(value) || depth > MAX_DEPTH) return '[circular or too deep]';
	seen.add(value);
	if (value instanceof Error) {
		const code = (value as { code?: unknown }).code;
		const cause = (value as { cause?: unknown }).cause;
		return {
			name: value.name,
			message: value.message,
			...(code === undefined ? {} : { code }),
			stack: value.stack,
			...(cause === undefined ? {} : { cause: plainErrors(cause, depth + 1, seen) }),
		};
	}
	if (Array.isArray(value)) return value.map((entry) => plainErrors(entry, depth + 1, seen));
	if (value instanceof Date || value instanceof URL) return value;
	const result: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) result[key] = plainErrors(entry, depth + 1, seen);
	return result;
}
