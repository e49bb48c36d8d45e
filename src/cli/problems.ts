import { relative } from 'node:path';
import { formatLoadProblem, type LoadProblem, type LoadReport } from '../papers/loader.js';
import type { CliIo } from './context.js';

/** Corpus problems are never silent, but only `stats` lists them; other commands point there (on stderr, so --json stays clean). */
export function warnAboutProblems(report: Pick<LoadReport, 'problems'>, io: CliIo): void {
	const count = report.problems.length;
	if (count === 0) return;
	io.stderr.write(
		`paperboy: ${count} corpus ${count === 1 ? 'problem' : 'problems'} while loading; run "paperboy stats" to see ${count === 1 ? 'it' : 'them'}\n`,
	);
}

/** Paths relative to the working directory read better in a terminal than absolute ones. */
export function displayPath(path: string): string {
	const shown = relative(process.cwd(), path);
	return shown === '' ? '.' : shown.startsWith('..') ? path : shown;
}

export function formatProblemForDisplay(problem: LoadProblem): string {
	return formatLoadProblem({ ...problem, file: displayPath(problem.file) });
}
