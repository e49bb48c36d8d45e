import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into UsageError and `--help` always available. */
export function parseCommandArgs<T extends Options>(args: readonly string[], options: T) {
	try {
		return parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
	} catch (error) {
		throw new UsageError(cleanParseError(error));
	}
}

/** `--limit abc` → a number or a UsageError that says what was wrong. */
export function parseLimit(raw: string | undefined, fallback: number, max: number): number {
	if (raw === undefined) return fallback;
	const limit = Number(raw);
	if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(limit) || limit < 1 || limit > max) {
		throw new UsageError(`--limit must be a whole number from 1 to ${max} (got "${raw}")`);
	}
	return limit;
}

function cleanParseError(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	// parseArgs appends advice about `--` that does not help a paperboy user.
	return message.replace(/\. To specify a positional argument.*$/s, '').replace(/\.$/, '');
}
