import type { Paper } from './paper.js';

/**
 * The loader's vocabulary for what went wrong. Every problem names its file and, when it is about one
 * place in the file, the line or record (both 1-based, as a person counts them), so an operator can fix it.
 */
export interface LoadProblem {
	file: string;
	/** 1-based line number in the file (text dump, JSONL). */
	line?: number;
	/** 1-based position of the record in a JSON array. */
	record?: number;
	message: string;
}

export interface FileReport {
	file: string;
	/** Records read from this file into papers (before deduplication across files). */
	loaded: number;
	/** Records (or the whole file, counted as 1 when nothing was readable) rejected, each with a problem. */
	skipped: number;
	problems: LoadProblem[];
}

export interface LoadReport {
	/** Deduplicated papers, in file-name order then file order. */
	papers: Paper[];
	files: FileReport[];
	/** Sum of `loaded` over the files: `papers.length === loaded - merged`. */
	loaded: number;
	/** Records folded into another record with the same arXiv id or title. */
	merged: number;
	skipped: number;
	problems: LoadProblem[];
}

/** `seeds/x.json record 3: missing title`, `seeds/dump.txt line 12: title with no abstract`. */
export function formatLoadProblem(problem: LoadProblem): string {
	const where = problem.line !== undefined ? ` line ${problem.line}` : problem.record !== undefined ? ` record ${problem.record}` : '';
	return `${problem.file}${where}: ${problem.message}`;
}
