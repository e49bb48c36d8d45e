import { checkAutocompleteChoices, checkMessageLimits } from '../../cards/measure.js';
import type { FieldError } from './errors.js';

/**
 * Limits Discord enforces that no per-field schema expresses (6,000 characters across embeds, five
 * action rows, unique custom_ids, the bot's 2,000-character content cap — the spec says 4,000, which
 * only Nitro users get). The rules live in src/cards/measure.ts, shared with the card builders; this
 * adapter turns its readable lines (`embeds[0].title: 300 characters > 256`) into Discord field errors.
 */
export function checkMessageCrossFieldLimits(body: Record<string, unknown>): FieldError[] {
	return checkMessageLimits(body).map(toFieldError);
}

export function checkAutocompleteCrossFieldLimits(data: Record<string, unknown> | undefined): FieldError[] {
	return checkAutocompleteChoices(data?.choices).map((problem) => {
		const error = toFieldError(problem);
		return { ...error, path: ['data', ...error.path] };
	});
}

export function toFieldError(problem: string): FieldError {
	const split = problem.indexOf(': ');
	const location = split === -1 ? '' : problem.slice(0, split);
	const detail = split === -1 ? problem : problem.slice(split + 2);
	const path = location === 'message' ? [] : parsePath(location);
	if (/duplicates/.test(detail)) return { path, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' };
	const embedTotal = /characters across embeds > (\d+)/.exec(detail);
	if (embedTotal) return { path, code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${embedTotal[1]}` };
	const max = /> (\d+)$/.exec(detail);
	if (max) return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max[1]} or fewer in length.` };
	return { path, code: 'BASE_TYPE_INVALID', message: detail };
}

/** `embeds[0].fields[1].name` → `['embeds', 0, 'fields', 1, 'name']`. */
function parsePath(location: string): (string | number)[] {
	const path: (string | number)[] = [];
	for (const match of location.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(match[2] === undefined ? (match[1] ?? '') : Number(match[2]));
	return path;
}
