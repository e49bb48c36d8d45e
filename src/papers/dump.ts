import { capPaperFields, describeCut, formatCount } from './limits.js';
import type { LoadProblem } from './load-report.js';
import { findAbstractLinks } from './links.js';
import { parseDateLine, resolveListingDay, type DayOfYear } from './listing-date.js';
import { cleanText, titleId, type Paper } from './paper.js';

/**
 * Reads the Hugging Face Daily Papers page as copied to text: a few header lines, a date line
 * ("Mar 14"), then blocks of a title line, a blank line and a one-paragraph abstract.
 * Anything that does not fit is reported with its line and the rest is still read.
 */

export interface DumpOptions {
	/** Named in every problem. */
	file: string;
	papersYear?: number;
	now?: Date;
}

export interface DumpResult {
	papers: Paper[];
	skipped: number;
	problems: LoadProblem[];
}

const HEADER_LINES = new Set(['new', 'get trending papers in your email inbox!', 'subscribe', 'byak and the research community']);
// In 9,577 real entries no title is over 180 characters or ends with a period, and every abstract under 300 does.
// A longer line is still a title when an abstract follows it (see isLongTitle); PAPER_LIMITS then bounds it.
const MAX_TITLE_LENGTH = 300;

type Item =
	| { kind: 'header'; line: number; text: string }
	| { kind: 'date'; line: number; text: string; date: DayOfYear }
	| { kind: 'text'; line: number; lines: string[] };

export function parseDailyDump(text: string, options: DumpOptions): DumpResult {
	const { file } = options;
	const now = options.now ?? new Date();
	const result: DumpResult = { papers: [], skipped: 0, problems: [] };
	const problem = (line: number, message: string) => result.problems.push({ file, line, message });
	const skip = (line: number, message: string) => {
		result.skipped++;
		problem(line, message);
	};

	const items = splitItems(text);
	let listedOn: string | undefined;
	let sawHeader = false;
	let sawPaper = false;
	for (let index = 0; index < items.length; index++) {
		const item = items[index]!;
		if (item.kind === 'header') {
			if (sawPaper) problem(item.line, `stray header line "${item.text}" ignored`);
			sawHeader = true;
			continue;
		}
		if (item.kind === 'date') {
			const day = resolveListingDay(item.date, options.papersYear, now);
			if (day) listedOn = day;
			else problem(item.line, `"${item.text}" is not a real date; the papers after it keep the previous date`);
			continue;
		}
		if (listedOn === undefined) {
			listedOn = now.toISOString().slice(0, 10);
			const missing = sawHeader ? 'no date line (like "Mar 14")' : 'no Daily Papers header or date line (like "Mar 14")';
			problem(item.line, `${missing} before the first paper; listing the papers on ${listedOn}`);
		}

		const [first, ...rest] = item.lines.map(cleanText);
		if (!looksLikeTitle(first!) && !isLongTitle(items, index)) {
			skip(item.line, unreadParagraph(first!, item));
			continue;
		}
		let abstract: string | undefined;
		if (rest.length > 0) {
			// Title and abstract with no blank line between them: still unambiguous.
			abstract = rest.join(' ');
		} else if (isAbstractOf(items, index)) {
			abstract = (items[index + 1] as Extract<Item, { kind: 'text' }>).lines.map(cleanText).join(' ');
			index++;
		}
		if (!abstract) {
			skip(item.line, `title with no abstract skipped ("${preview(first!)}")`);
			continue;
		}
		sawPaper = true;
		const { paper, cuts } = capPaperFields(buildPaper(first!, abstract, listedOn));
		for (const cut of cuts) problem(item.line, `${describeCut(cut)} ("${preview(paper.title)}")`);
		result.papers.push(paper);
	}
	if (result.papers.length === 0 && result.problems.length === 0) {
		result.problems.push({ file, message: sawHeader ? 'header only, no papers' : 'no papers found' });
	}
	return result;
}

/** Groups lines into header lines, date lines and blank-line-separated paragraphs, remembering where each starts. */
function splitItems(text: string): Item[] {
	const items: Item[] = [];
	let paragraph: Extract<Item, { kind: 'text' }> | undefined;
	const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
	lines.forEach((raw, index) => {
		const line = raw.trim();
		const lineNumber = index + 1;
		if (line === '') {
			paragraph = undefined;
			return;
		}
		const date = parseDateLine(line);
		if (HEADER_LINES.has(line.toLowerCase()) || date) {
			paragraph = undefined;
			items.push(date ? { kind: 'date', line: lineNumber, text: line, date } : { kind: 'header', line: lineNumber, text: line });
			return;
		}
		if (paragraph) paragraph.lines.push(line);
		else {
			paragraph = { kind: 'text', line: lineNumber, lines: [line] };
			items.push(paragraph);
		}
	});
	return items;
}

/**
 * Whether the paragraph after the title at `index` is its abstract. A short title-like paragraph is
 * itself the next title when a real abstract follows it (or nothing does): then this title has none.
 */
function isAbstractOf(items: readonly Item[], index: number): boolean {
	const next = items[index + 1];
	if (next?.kind !== 'text') return false;
	const nextText = next.lines.map(cleanText).join(' ');
	if (next.lines.length > 1 || !looksLikeTitle(nextText)) return true;
	const after = items[index + 2];
	if (after?.kind !== 'text') return false;
	return after.lines.length === 1 && looksLikeTitle(cleanText(after.lines[0]!));
}

function looksLikeTitle(text: string): boolean {
	return text.length <= MAX_TITLE_LENGTH && !text.endsWith('.');
}

/** A one-line paragraph too long to look like a title, with no closing period, followed by its abstract: a long title. */
function isLongTitle(items: readonly Item[], index: number): boolean {
	const item = items[index];
	if (item?.kind !== 'text' || item.lines.length !== 1) return false;
	return !cleanText(item.lines[0]!).endsWith('.') && isAbstractOf(items, index);
}

/** Why a paragraph that is not a title is skipped: a long title line with nothing after it, or an abstract with no title. */
function unreadParagraph(first: string, item: Extract<Item, { kind: 'text' }>): string {
	if (item.lines.length === 1 && !first.endsWith('.')) {
		return `line of ${formatCount(first.length)} characters with no closing period and no abstract after it skipped ("${preview(first)}")`;
	}
	return `text with no title before it skipped ("${preview(first)}")`;
}

function buildPaper(title: string, abstract: string, listedOn: string): Paper {
	const paper: Paper = { id: titleId(title), title, abstract, authors: [], listedOn, source: 'seed-dump' };
	const links = findAbstractLinks(abstract);
	if (links.codeUrl) paper.codeUrl = links.codeUrl;
	if (links.projectUrl) paper.projectUrl = links.projectUrl;
	return paper;
}

function preview(text: string): string {
	return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
