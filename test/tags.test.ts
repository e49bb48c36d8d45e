import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { LibraryMessages } from '../src/library/messages.js';
import { normalizeTag, parseTags, requireTags } from '../src/library/tags.js';

function failure(work: () => unknown): string {
	try {
		work();
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		return (error as Error).message;
	}
	throw new Error('expected a UserError');
}

describe('normalizeTag', () => {
	it('trims, lower-cases, folds compatibility forms and drops a leading #', () => {
		expect(normalizeTag('  To-Read ')).toBe('to-read');
		expect(normalizeTag('#RLHF')).toBe('rlhf');
		expect(normalizeTag('ＬＬＭ')).toBe('llm');
		expect(normalizeTag('Grüße')).toBe('grüße');
		expect(normalizeTag('2024')).toBe('2024');
	});

	it('accepts 32 characters and refuses 33, naming the length, also for a 200-character tag', () => {
		expect(normalizeTag('a'.repeat(32))).toBe('a'.repeat(32));
		expect(failure(() => normalizeTag('a'.repeat(33)))).toBe(LibraryMessages.tagTooLong('a'.repeat(33), 33));
		expect(failure(() => normalizeTag('x'.repeat(200)))).toMatch(/is 200 characters long; a tag has 1 to 32 characters/);
	});

	it('counts characters, not UTF-16 units', () => {
		expect(normalizeTag('𝒳'.repeat(16).normalize('NFKC'))).toBe('x'.repeat(16));
		expect(normalizeTag('論'.repeat(32))).toBe('論'.repeat(32));
	});

	it.each(['c++', 'to_read', '-draft', 'a.b', 'x@y', '<@123>'])('refuses %s with the allowed characters named', (tag) => {
		expect(failure(() => normalizeTag(tag))).toMatch(/can only use letters, digits and '-'/);
	});

	it('refuses an empty tag', () => {
		expect(failure(() => normalizeTag('   '))).toBe(LibraryMessages.tagEmpty);
		expect(failure(() => normalizeTag('#'))).toBe(LibraryMessages.tagEmpty);
	});
});

describe('parseTags', () => {
	it('splits on commas and whitespace, normalizes and keeps each tag once in order', () => {
		expect(parseTags('to-read, RLHF  rlhf,,diffusion')).toEqual(['to-read', 'rlhf', 'diffusion']);
	});

	it('answers no tags for an absent or blank option', () => {
		expect(parseTags(undefined)).toEqual([]);
		expect(parseTags(null)).toEqual([]);
		expect(parseTags(' , ')).toEqual([]);
	});

	it('fails on the first bad tag of a list', () => {
		expect(failure(() => parseTags('good, b@d'))).toMatch(/“b@d”/);
	});
});

describe('requireTags', () => {
	it('refuses a list with no tag in it', () => {
		expect(failure(() => requireTags(' ,'))).toBe(LibraryMessages.noTagsGiven);
		expect(requireTags('a b')).toEqual(['a', 'b']);
	});
});
