import { titleId, type Paper } from './paper.js';

/**
 * How much of one paper, and of one source response, Paperboy keeps. A live source or a seed file can send
 * anything (a 10,000-entry page, a 1 MB abstract); what is over these is cut, counted and reported, never
 * stored whole. Real data is far under every one: in 9,577 real entries and the recorded days, the longest
 * title is 175 characters, abstract 1,923, author name 55, keyword 73; the most authors 664, keywords 44,
 * entries on one day 59.
 */
export const PAPER_LIMITS = Object.freeze({
	/** Entries kept from one response (a Hugging Face daily_papers page, an arXiv feed page); the rest are dropped. */
	entriesPerPage: 500,
	titleChars: 1000,
	abstractChars: 10_000,
	/** Author names kept per paper (collaboration papers list hundreds). */
	authors: 1000,
	authorNameChars: 200,
	keywords: 100,
	keywordChars: 200,
});

export type CutField = 'title' | 'abstract' | 'authors' | 'author name' | 'keywords' | 'keyword';

/** One field shortened to its limit: how long it was (characters, or items for a list) and what was allowed. */
export interface FieldCut {
	field: CutField;
	length: number;
	limit: number;
}

const ELLIPSIS = '…';
/** Characters either side of a cut searched for a grapheme boundary; segmenting a whole 1 MB text would cost more. */
const BOUNDARY_WINDOW = 64;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Shortens `text` to at most `max` UTF-16 units, ending with `…`, cut between graphemes: never inside a
 * surrogate pair, an emoji sequence or a letter and its accents.
 */
export function truncateText(text: string, max: number): string {
	if (text.length <= max) return text;
	if (max < ELLIPSIS.length) return '';
	const end = graphemeBoundaryAtOrBefore(text, max - ELLIPSIS.length);
	return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/** The last grapheme boundary at or before `at` (a UTF-16 index): where a cut splits nothing a reader sees as one character. */
export function graphemeBoundaryAtOrBefore(text: string, at: number): number {
	let start = Math.max(0, at - BOUNDARY_WINDOW);
	if (start > 0 && isHighSurrogate(text.charCodeAt(start - 1))) start -= 1;
	// Flags pair regional indicators from the start of their run: begin the window before the run.
	while (start >= 2 && isRegionalIndicator(text, start - 2)) start -= 2;
	let boundary = start;
	for (const { index } of graphemes.segment(text.slice(start, at + BOUNDARY_WINDOW))) {
		if (start + index > at) break;
		boundary = start + index;
	}
	// A window that starts inside a pair, or one grapheme longer than the window: still never split a pair.
	if (boundary > 0 && isHighSurrogate(text.charCodeAt(boundary - 1))) boundary -= 1;
	return boundary;
}

function isRegionalIndicator(text: string, index: number): boolean {
	const code = text.codePointAt(index) ?? 0;
	return code >= 0x1f1e6 && code <= 0x1f1ff;
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The paper with every field within PAPER_LIMITS, and what was cut. A title-derived id follows the shortened
 * title, so the same paper gets the same id whichever source shortened it.
 */
export function capPaperFields(paper: Paper): { paper: Paper; cuts: FieldCut[] } {
	const cuts: FieldCut[] = [];
	const text = (field: CutField, value: string, limit: number) => {
		if (value.length <= limit) return value;
		cuts.push({ field, length: value.length, limit });
		return truncateText(value, limit);
	};
	const list = (field: CutField, item: CutField, values: readonly string[], count: number, itemLimit: number) => {
		if (values.length > count) cuts.push({ field, length: values.length, limit: count });
		return values.slice(0, count).map((value) => text(item, value, itemLimit));
	};
	const title = text('title', paper.title, PAPER_LIMITS.titleChars);
	const abstract = text('abstract', paper.abstract, PAPER_LIMITS.abstractChars);
	const authors = overLimit(paper.authors, PAPER_LIMITS.authors, PAPER_LIMITS.authorNameChars)
		? list('authors', 'author name', paper.authors, PAPER_LIMITS.authors, PAPER_LIMITS.authorNameChars)
		: paper.authors;
	const keywords =
		paper.keywords && overLimit(paper.keywords, PAPER_LIMITS.keywords, PAPER_LIMITS.keywordChars)
			? list('keywords', 'keyword', paper.keywords, PAPER_LIMITS.keywords, PAPER_LIMITS.keywordChars)
			: paper.keywords;
	if (cuts.length === 0) return { paper, cuts };
	const capped: Paper = { ...paper, title, abstract, authors };
	if (keywords) capped.keywords = keywords;
	if (title !== paper.title && paper.id === titleId(paper.title)) capped.id = titleId(title);
	return { paper: capped, cuts };
}

function overLimit(values: readonly string[], count: number, itemLimit: number): boolean {
	return values.length > count || values.some((value) => value.length > itemLimit);
}

/** `title of 1,072 characters is longer than the 1,000 allowed; shortened`, for load problems and logs. */
export function describeCut(cut: FieldCut): string {
	const length = formatCount(cut.length);
	const limit = formatCount(cut.limit);
	if (cut.field === 'authors' || cut.field === 'keywords') return `${length} ${cut.field} are more than the ${limit} kept; the rest left out`;
	return `${cut.field} of ${length} characters is longer than the ${limit} allowed; shortened`;
}

export function formatCount(value: number): string {
	return value.toLocaleString('en-US');
}
