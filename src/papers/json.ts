import { capPaperFields, describeCut } from './limits.js';
import type { LoadProblem } from './load-report.js';
import type { Paper } from './paper.js';
import { paperFromRecord } from './paper-record.js';

/**
 * Reads JSON arrays and JSON Lines of paper records (Hugging Face API entries or Paperboy exports).
 * A bad record is skipped with its record index (arrays) or line (JSONL); the others still load.
 */

export interface JsonResult {
	papers: Paper[];
	skipped: number;
	problems: LoadProblem[];
}

export interface JsonLinesOptions {
	file: string;
}

export function parsePaperJson(text: string, file: string): JsonResult {
	const result: JsonResult = { papers: [], skipped: 0, problems: [] };
	if (text.trim() === '') {
		result.problems.push({ file, message: 'empty file, no papers' });
		return result;
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		// A .json file that is really JSON Lines is common enough to accept as such.
		if (/^\s*\{[^\n]*\}\s*\n\s*\{/.test(text)) return parsePaperJsonLines(text, { file });
		const where = locateJsonError(text, error);
		result.skipped = 1;
		result.problems.push({ file, ...(where ? { line: where.line } : {}), message: `invalid JSON, file skipped: ${(error as Error).message}` });
		return result;
	}
	const records = topLevelRecords(value);
	if (!records) {
		result.skipped = 1;
		result.problems.push({ file, message: `expected a JSON array of papers, got ${describe(value)}` });
		return result;
	}
	records.forEach((record, index) => {
		const read = paperFromRecord(record);
		if (read.ok) keepPaper(result, read.paper, { file, record: index + 1 });
		else {
			result.skipped++;
			result.problems.push({ file, record: index + 1, message: read.reason });
		}
	});
	if (records.length === 0) result.problems.push({ file, message: 'no papers in file (empty array)' });
	return result;
}

export function parsePaperJsonLines(text: string, options: JsonLinesOptions): JsonResult {
	const reader = createJsonLinesReader(options.file);
	const lines = text.replace(/^\uFEFF/, '').split('\n');
	for (const [index, raw] of lines.entries()) reader.line(raw, index + 1);
	return reader.finish();
}

/** parsePaperJsonLines a line at a time, for a file read as a stream (src/papers/jsonl-file.ts). */
export interface JsonLinesReader {
	line(raw: string, line: number): void;
	/** A line that was not valid UTF-8: reported and skipped. */
	badLine(line: number): void;
	finish(): JsonResult;
}

/**
 * Papers `from` to `to` of a file's list, seen while the file is still being read: the receiver may put equal
 * papers in their places (until the load returns). A file found to be binary further on is skipped whole even so.
 */
export type PapersRead = (papers: Paper[], from: number, to: number) => void;

export const JsonLinesDefaults = Object.freeze({
	/** Papers per PapersRead call: few enough that their abstracts, moved off the heap then, die young. */
	papersPerRead: 500,
});

export function createJsonLinesReader(file: string, onRead?: PapersRead): JsonLinesReader {
	const result: JsonResult = { papers: [], skipped: 0, problems: [] };
	let handed = 0;
	const hand = () => {
		if (onRead && handed < result.papers.length) onRead(result.papers, handed, result.papers.length);
		handed = result.papers.length;
	};
	const skip = (line: number, message: string) => {
		result.skipped++;
		result.problems.push({ file, line, message });
	};
	return {
		line(raw, line) {
			if (raw.trim() === '') return;
			let value: unknown;
			try {
				value = JSON.parse(raw);
			} catch (error) {
				skip(line, `invalid JSON: ${(error as Error).message}`);
				return;
			}
			const read = paperFromRecord(value);
			if (read.ok) {
				keepPaper(result, read.paper, { file, line });
				if (result.papers.length - handed >= JsonLinesDefaults.papersPerRead) hand();
			} else skip(line, read.reason);
		},
		badLine: (line) => skip(line, 'not valid UTF-8 text, line skipped'),
		finish() {
			hand();
			if (result.papers.length === 0 && result.problems.length === 0) result.problems.push({ file, message: 'empty file, no papers' });
			return result;
		},
	};
}

/** Keeps the paper within PAPER_LIMITS; each field shortened is reported where it was read, the paper still loads. */
function keepPaper(result: JsonResult, read: Paper, where: Omit<LoadProblem, 'message'>): void {
	const { paper, cuts } = capPaperFields(read);
	for (const cut of cuts) result.problems.push({ ...where, message: describeCut(cut) });
	result.papers.push(paper);
}

function topLevelRecords(value: unknown): unknown[] | undefined {
	if (Array.isArray(value)) return value;
	if (typeof value !== 'object' || value === null) return undefined;
	const object = value as Record<string, unknown>;
	if (Array.isArray(object.papers)) return object.papers;
	// A single entry or paper on its own.
	if ('paper' in object || 'title' in object) return [object];
	return undefined;
}

/** V8 reports `... in JSON at position N`; turn that into a line a person can jump to. */
function locateJsonError(text: string, error: unknown): { line: number } | undefined {
	const message = String((error as Error)?.message);
	// A truncated file fails at its very end, which V8 reports without a position.
	const position = /end of JSON input/.test(message) ? text.trimEnd().length : /position (\d+)/.exec(message)?.[1];
	if (position === undefined) return undefined;
	const before = text.slice(0, Number(position));
	return { line: before.split('\n').length };
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object without a "papers" list' : `a ${typeof value}`;
}
