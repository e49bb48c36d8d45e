/**
 * One tokenizer for indexing and querying, so both sides always agree: lower-cased, accents folded,
 * split on anything that is not a letter or digit (`3DGS` → `3dgs`, `GPT-4o` → `gpt`, `4o`).
 */

/** Longer runs are hashes, URLs or base64 noise; truncating keeps the vocabulary small. */
export const MAX_TOKEN_LENGTH = 40;

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-case with diacritics removed; the NFKD pass is skipped for plain ASCII, which is nearly all text. */
export function foldText(text: string): string {
	const lower = text.toLowerCase();
	return NON_ASCII.test(lower) ? lower.normalize('NFKD').replace(MARKS, '') : lower;
}

/** Receives each token as a range of `text` (which may be the token itself on the Unicode path). */
export type TokenRangeSink = (text: string, start: number, end: number) => void;

/**
 * The one tokenizer, feeding ranges so the index builder can look tokens up without slicing. Plain
 * ASCII (nearly all text) is scanned by hand; from the first non-ASCII character on, the rest of the
 * text is folded and split by Unicode letter/digit classes. Tokens shorter than 2 are dropped (single
 * letters and digits match everything and mean nothing alone); longer than MAX_TOKEN_LENGTH are cut.
 */
export function scanTokens(text: string, sink: TokenRangeSink): void {
	const lower = text.toLowerCase();
	let start = -1;
	for (let i = 0; i <= lower.length; i++) {
		const code = i < lower.length ? lower.charCodeAt(i) : 0;
		if (code > 127) {
			scanUnicode(lower.slice(start >= 0 ? start : i), sink);
			return;
		}
		const isWordChar = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
		if (isWordChar) {
			if (start < 0) start = i;
		} else if (start >= 0) {
			if (i - start >= 2) sink(lower, start, Math.min(i, start + MAX_TOKEN_LENGTH));
			start = -1;
		}
	}
}

function scanUnicode(lower: string, sink: TokenRangeSink): void {
	const folded = lower.normalize('NFKD').replace(MARKS, '');
	for (const match of folded.matchAll(WORD)) {
		const token = match[0];
		if (token.length >= 2) sink(token, 0, Math.min(token.length, MAX_TOKEN_LENGTH));
	}
}

/** A token as a range of `source` plus its hashRange over the lower-cased characters. */
export type HashedTokenSink = (source: string, start: number, end: number, hash: number, lowerCased: boolean) => void;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * scanTokens for the index builder: the same tokens, but it neither lower-cases a copy of the text
 * (ASCII upper case is folded on the fly; `lowerCased` is false then) nor walks a token twice to hash it.
 */
export function scanHashedTokens(text: string, sink: HashedTokenSink): void {
	let start = -1;
	let hash = FNV_OFFSET;
	for (let i = 0; i <= text.length; i++) {
		let code = i < text.length ? text.charCodeAt(i) : 0;
		if (code > 127) {
			scanUnicode(text.slice(start >= 0 ? start : i).toLowerCase(), (token, from, to) => sink(token, from, to, hashRange(token, from, to), true));
			return;
		}
		if (code >= 65 && code <= 90) code += 32;
		if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
			if (start < 0) {
				start = i;
				hash = FNV_OFFSET;
			}
			if (i - start < MAX_TOKEN_LENGTH) hash = Math.imul(hash ^ code, FNV_PRIME);
		} else if (start >= 0) {
			if (i - start >= 2) sink(text, start, Math.min(i, start + MAX_TOKEN_LENGTH), hash, false);
			start = -1;
		}
	}
}

/** FNV-1a over UTF-16 code units; scanHashedTokens computes the same value incrementally. */
export function hashRange(text: string, start: number, end: number): number {
	let hash = FNV_OFFSET;
	for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
	return hash;
}

/** Calls `emit` for every token of `text`. */
export function forEachToken(text: string, emit: (token: string) => void): void {
	scanTokens(text, (source, start, end) => emit(start === 0 && end === source.length ? source : source.slice(start, end)));
}

export function tokenize(text: string): string[] {
	const tokens: string[] = [];
	forEachToken(text, (token) => tokens.push(token));
	return tokens;
}

/**
 * Function words are left out of the abstract postings (they would be the largest lists and never
 * decide a ranking); titles keep them so `the` or `attention is all` still autocompletes.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
	(
		'an and are as at be been but by can do does for from has have how if in into is it its of on or our over so such ' +
		'than that the their them then there these they this those to under up us via was we were what when where which while who ' +
		'why will with within without you your also both each more most not only other same some very all any between through ' +
		'during about after before above below further here once just should could would may might must shall yet however thus'
	).split(' '),
);

export function isStopword(token: string): boolean {
	return STOPWORDS.has(token);
}
