import { findAutocompleteViolations, findMessageViolations, type LimitViolation } from '../../cards/measure.js';
import type { FieldError } from './errors.js';

/**
 * Limits Discord enforces that no per-field schema expresses (6,000 characters across embeds, five
 * action rows, unique custom_ids, the bot's 2,000-character content cap — the spec says 4,000, which
 * only Nitro users get). The rules live in src/cards/measure.ts, shared with the card builders; this
 * adapter turns their structured violations into Discord's field errors.
 */
export function checkMessageCrossFieldLimits(body: Record<string, unknown>): FieldError[] {
	return findMessageViolations(body).map(toFieldError);
}

export function checkAutocompleteCrossFieldLimits(data: Record<string, unknown> | undefined): FieldError[] {
	return findAutocompleteViolations(data?.choices).map((violation) => {
		const error = toFieldError(violation);
		return { ...error, path: ['data', ...error.path] };
	});
}

export function toFieldError(violation: LimitViolation): FieldError {
	const path = violation.path === 'message' ? [] : parsePath(violation.path);
	switch (violation.kind) {
		case 'duplicateCustomId':
			return { path, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' };
		case 'embedTotal':
			return { path, code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${violation.limit}` };
		case 'tooLong':
		case 'tooMany':
			return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${violation.limit} or fewer in length.` };
		case 'invalid':
			return { path, code: 'BASE_TYPE_INVALID', message: violation.detail };
	}
}

/** `embeds[0].fields[1].name` → `['embeds', 0, 'fields', 1, 'name']`. */
function parsePath(location: string): (string | number)[] {
	const path: (string | number)[] = [];
	for (const match of location.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(match[2] === undefined ? (match[1] ?? '') : Number(match[2]));
	return path;
}
