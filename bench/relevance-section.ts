import type { BenchResult, BenchSection } from './sections.js';
import { ENGINE_NAMES } from './relevance-engines.js';
import { QUERY_TYPES } from './relevance-queries.js';

/** The `relevance` bench section: one run per engine over the same fixed-seed queries (bench/relevance.ts). */
export const RELEVANCE_SECTION: BenchSection = {
	name: 'relevance',
	title:
		'Relevance on the real corpus, R@1 / R@5 / MRR@10 per query type (fixed-seed sample: 300 queries per type, plain Fuse 10; target R@1 ≥ 0.97 on every type)',
	runs: ENGINE_NAMES.map((engine) => ({ label: engine, script: 'bench/relevance.ts', args: ['--engine', engine] })),
	columns: [
		{ header: 'engine', value: (r) => r.engine },
		...QUERY_TYPES.map((type) => ({ header: type, value: (r: BenchResult) => scores(r[type]) })),
		{ header: 'overall', value: (r) => scores(r.overall) },
		{ header: 'queries', value: (r) => (r.overall as { queries?: number } | undefined)?.queries },
		{ header: 'ms/query', value: (r) => r.meanQueryMs },
	],
};

function scores(value: unknown): string {
	const score = value as { r1?: number; r5?: number; mrr10?: number } | undefined;
	return score ? `${score.r1?.toFixed(3)} / ${score.r5?.toFixed(3)} / ${score.mrr10?.toFixed(3)}` : '';
}
