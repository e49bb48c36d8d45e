import { UserError } from '../errors.js';
import { LibraryLimits } from './limits.js';
import { LibraryMessages } from './messages.js';

/** Letters and digits of any script, and '-' after the first character. */
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}-]*$/u;
/** Tags in one option are separated by commas or whitespace: "to-read, rlhf" and "to-read rlhf" are the same two. */
const SEPARATORS = /[\s,]+/u;

/**
 * The stored form of a tag: trimmed, NFKC, lower case, a leading '#' dropped (people type hashtags), then
 * 1 to LibraryLimits.tagChars letters, digits and '-'. Anything else is a UserError that says what is wrong.
 */
export function normalizeTag(raw: string): string {
	const tag = String(raw).normalize('NFKC').trim().replace(/^#/, '').toLowerCase();
	if (tag === '') throw new UserError(LibraryMessages.tagEmpty);
	const length = [...tag].length;
	if (length > LibraryLimits.tagChars) throw new UserError(LibraryMessages.tagTooLong(tag, length));
	if (!TAG.test(tag)) throw new UserError(LibraryMessages.tagBadCharacters(tag));
	return tag;
}

/** Every tag of an option, normalized, each once, in the order given; none for an absent or blank option. */
export function parseTags(raw: string | undefined | null): string[] {
	if (raw === undefined || raw === null) return [];
	const tags = String(raw)
		.split(SEPARATORS)
		.filter((part) => part !== '')
		.map(normalizeTag);
	return [...new Set(tags)];
}

/** Like parseTags, for commands where a tag is required. */
export function requireTags(raw: string | undefined | null): string[] {
	const tags = parseTags(raw);
	if (tags.length === 0) throw new UserError(LibraryMessages.noTagsGiven);
	return tags;
}
