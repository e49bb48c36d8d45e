import type { Logger } from '../log.js';
import { buildPaperIndex, type PaperIndex } from '../search/index.js';
import { formatLoadProblem, loadSeedsDir, type LoadReport } from './loader.js';
import { mergePapers } from './merge.js';
import type { Paper } from './paper.js';

export interface Corpus {
	index: PaperIndex;
	report: LoadReport;
	storedCount: number;
	buildMs: number;
}

/**
 * The corpus is the shipped seeds plus every paper ingested earlier (kept in the store), merged so an
 * ingested record enriches its seed twin instead of duplicating it. Problems are logged, never fatal.
 */
export async function loadCorpus(options: {
	seedsDir: string;
	papersYear?: number;
	now: Date;
	storedPapers: readonly Paper[];
	logger: Logger;
}): Promise<Corpus> {
	const report = await loadSeedsDir(options.seedsDir, { papersYear: options.papersYear, now: options.now });
	for (const problem of report.problems) options.logger.warn('corpus problem', { problem: formatLoadProblem(problem) });
	// The loader already merged the seeds among themselves; only stored papers can add duplicates now.
	const { papers, merged } =
		options.storedPapers.length === 0 ? { papers: report.papers, merged: 0 } : mergePapers([...report.papers, ...options.storedPapers]);
	const started = performance.now();
	const index = buildPaperIndex(papers);
	const buildMs = Math.round(performance.now() - started);
	options.logger.info('corpus loaded', {
		papers: index.size,
		seedFiles: report.files.length,
		fromSeeds: report.papers.length,
		fromStore: options.storedPapers.length,
		merged: report.merged + merged,
		skipped: report.skipped,
		indexMs: buildMs,
	});
	return { index, report, storedCount: options.storedPapers.length, buildMs };
}
