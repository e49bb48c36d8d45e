import { graphemeBoundaryAtOrBefore } from '../papers/limits.js';

/**
 * Text hygiene for anything that reaches Discord: strip invisible tricks, escape markdown,
 * defuse mentions, and cut to a limit without leaving half a character or half an escape.
 *
 * Lengths are measured in UTF-16 code units: never fewer than code points, so it is the stricter
 * of the two counts and a string that fits by this measure fits whatever Discord counts.
 */

export const ZERO_WIDTH_SPACE = '\u200b';
export const ELLIPSIS = '…';

/**
 * Invisible characters used to hide or spoof text: zero-width spaces and joiners' lookalikes, bidi
 * overrides and isolates, soft hyphen, Hangul fillers. ZWJ and ZWNJ stay: emoji sequences and
 * Persian or Indic words need them.
 */
const INVISIBLE = /\u034f|[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]/gu;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** "Zalgo" stacks: more than a few combining marks on one letter are noise that inflates length. */
const MARK_FLOOD = /(\p{M}{4})\p{M}+/gu;

export interface CleanOptions {
	/** Collapse newlines too (titles, labels, names); otherwise paragraphs survive, at most one blank line. */
	singleLine?: boolean;
}

/** Strips zero-width, bidi and control characters (newlines survive unless singleLine) and collapses whitespace. */
export function cleanForDiscord(text: string, options: CleanOptions = {}): string {
	const normalized = String(text)
		.replace(LONE_SURROGATE, '\ufffd')
		.normalize('NFC')
		.replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
		.replace(/\t/g, ' ')
		.replace(CONTROL_EXCEPT_NEWLINE, '')
		.replace(INVISIBLE, '')
		.replace(MARK_FLOOD, '$1');
	if (options.singleLine) return normalized.replace(/\s+/g, ' ').trim();
	return normalized
		.replace(/[^\S\n]+/g, ' ')
		.replace(/ ?\n ?/g, '\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** Bare URLs stay untouched: a backslash inside one would break the link Discord auto-detects. */
const URL_PATTERN = /https?:\/\/[^\s<>"[\]|`*\\]+[^\s<>"[\]|`*\\.,;:!?')]/g;
/** Characters with inline meaning anywhere: emphasis, strike, spoiler, code, masked links, escapes. */
const INLINE_MARKDOWN = /[\\*_~`|[\]]/g;
/** Block syntax that only counts at the start of a line: headings, subtext, quotes, lists. */
const LINE_START_MARKER = /^( *)([#>+-])/gm;
const LINE_START_ORDERED = /^( *)(\d+)([.)])/gm;

/** Escapes Discord markdown so text renders literally (a backslash before punctuation hides itself). */
export function escapeMarkdown(text: string): string {
	let result = '';
	let last = 0;
	for (const match of text.matchAll(URL_PATTERN)) {
		result += escapeInline(text.slice(last, match.index)) + match[0];
		last = match.index + match[0].length;
	}
	result += escapeInline(text.slice(last));
	return result.replace(LINE_START_MARKER, '$1\\$2').replace(LINE_START_ORDERED, '$1$2\\$3');
}

function escapeInline(text: string): string {
	return text.replace(INLINE_MARKDOWN, '\\$&');
}

/**
 * Makes @everyone, @here, user/role/channel and slash-command mentions inert by breaking them with a
 * zero-width space. allowed_mentions already blocks pings; this also stops them rendering as mentions.
 */
export function neutralizeMentions(text: string): string {
	return text.replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`).replace(/<(?=[@#/]|id:)/g, `<${ZERO_WIDTH_SPACE}`);
}

/** Length as Discord limits are checked here: UTF-16 code units, never less than the code-point count. */
export function measureLength(text: string): number {
	return text.length;
}

/**
 * Cuts text to at most max code units, ending in '…'. Never splits a grapheme (a surrogate pair, an emoji
 * sequence, a flag, a letter and its accents), never leaves a
 * dangling backslash (which would escape the ellipsis), prefers a word boundary near the end.
 */
export function truncate(text: string, max: number): string {
	if (measureLength(text) <= max) return text;
	if (max < 1) return '';
	let head = text.slice(0, graphemeBoundaryAtOrBefore(text, max - 1));
	const space = head.lastIndexOf(' ');
	if (space > 0 && space >= head.length - 20 && space >= head.length / 2) head = head.slice(0, space);
	return `${tidyCut(head)}${ELLIPSIS}`;
}

const SENTENCE_END = /[.!?](?=\s)|[。！？]/g;

/**
 * Cuts text at the last sentence end that fits (keeping at least half the budget), marked with ' …';
 * falls back to truncate when no sentence boundary is close enough.
 */
export function truncateAtSentence(text: string, max: number): string {
	if (measureLength(text) <= max) return text;
	const room = max - 2;
	let best = -1;
	for (const match of text.slice(0, Math.max(room, 0)).matchAll(SENTENCE_END)) {
		// `1\.` is an escaped list number, not the end of a sentence.
		if (text[match.index - 1] === '\\') continue;
		best = match.index + 1;
	}
	if (best >= max / 2) return `${text.slice(0, best)} ${ELLIPSIS}`;
	return truncate(text, max);
}

/** Removes what must not end a cut: trailing spaces, a joiner, or an odd run of backslashes. */
function tidyCut(head: string): string {
	let result = head.replace(/[\s\u200d]+$/u, '');
	const slashes = /\\+$/.exec(result);
	if (slashes && slashes[0].length % 2 === 1) result = result.slice(0, -1).replace(/\s+$/u, '');
	return result;
}

/** User- or paper-provided text shown as markdown: cleaned, escaped, mentions defused, cut to max. */
export function toSafeMarkdown(text: string, max: number, options: CleanOptions = { singleLine: true }): string {
	return truncate(neutralizeMentions(escapeMarkdown(cleanForDiscord(text, options))), max);
}

/** Text shown where Discord renders no markdown (labels, footers, choice names): cleaned, mentions defused, cut. */
export function toPlainText(text: string, max: number): string {
	return truncate(neutralizeMentions(cleanForDiscord(text, { singleLine: true })), max);
}

/**
 * What a user typed, echoed back inside an error or confirmation: one line, markdown escaped, mentions,
 * control and bidi characters defused, cut to `max`. Every reply that quotes input goes through here.
 */
export function quoteInput(text: string, max = 80): string {
	return toSafeMarkdown(String(text), max);
}
