import { parseArgs } from 'node:util';
import { loadRealCorpus } from './corpus.js';
import { createEngine, ENGINE_NAMES, type EngineName } from './relevance-engines.js';
import { buildRelevanceQueries, QUERY_TYPES, RelevanceDefaults, type QueryType, type RelevanceQuery } from './relevance-queries.js';

/**
 * Relevance on the real corpus, one engine per process: `tsx bench/relevance.ts --engine paperboy|fts5|
 * minisearch|fuse [--sample N] [--seed S] [--misses]`. The query set depends only on --seed and --sample
 * (N queries per type; a smaller N is a different draw, not a prefix), so runs with the same pair compare
 * directly. Prints R@1, R@5 and MRR@10 per query type as one JSON line; --misses lists the queries whose
 * answer was not first (stderr).
 */

/**
 * A full Fuse scan of 9,577 abstracts takes ~25 s per query on a 2-core machine (long patterns are cut into
 * 32-character chunks, each a full scan): plain Fuse gets 10 queries of each type (compare other engines
 * on the same set with --sample 10).
 */
const FUSE_SAMPLE = 10;
const DEPTH = 10;

const { values } = parseArgs({
	options: {
		engine: { type: 'string', default: 'paperboy' },
		sample: { type: 'string' },
		seed: { type: 'string' },
		misses: { type: 'boolean', default: false },
	},
});
const engineName = values.engine as EngineName;
if (!ENGINE_NAMES.includes(engineName)) throw new Error(`--engine must be one of ${ENGINE_NAMES.join(', ')}, got ${values.engine}`);
const sample = Number(values.sample ?? (engineName === 'fuse' ? FUSE_SAMPLE : RelevanceDefaults.sample));

const papers = loadRealCorpus();
const queries = buildRelevanceQueries(papers, sample, Number(values.seed ?? RelevanceDefaults.seed));
const built = await timeAsync(() => createEngine(engineName, papers));
const engine = built.value;

interface TypeScore {
	queries: number;
	r1: number;
	r5: number;
	mrr10: number;
}

const ranks = new Map<QueryType, number[]>(QUERY_TYPES.map((type) => [type, []]));
let searchMs = 0;
for (const query of queries) {
	const { value: ids, ms } = await timeAsync(() => engine.search(query.query, DEPTH));
	searchMs += ms;
	const rank = ids.findIndex((id) => query.relevant.has(id)) + 1;
	ranks.get(query.type)?.push(rank);
	if (values.misses && rank !== 1) reportMiss(query, rank, ids);
}
await engine.close?.();

const byType = Object.fromEntries(QUERY_TYPES.map((type) => [type, score(ranks.get(type) ?? [])])) as Record<QueryType, TypeScore>;
const everything = score([...ranks.values()].flat());
process.stdout.write(
	`${JSON.stringify({
		section: 'relevance',
		engine: engineName,
		papers: papers.length,
		buildMs: Math.round(built.ms),
		meanQueryMs: Math.round((searchMs / Math.max(1, queries.length)) * 100) / 100,
		overall: everything,
		...byType,
	})}\n`,
);

function score(list: readonly number[]): TypeScore {
	const round = (value: number) => Math.round(value * 1000) / 1000;
	const share = (test: (rank: number) => boolean) => (list.length === 0 ? 0 : round(list.filter(test).length / list.length));
	const mrr = list.length === 0 ? 0 : list.reduce((sum, rank) => sum + (rank > 0 ? 1 / rank : 0), 0) / list.length;
	return { queries: list.length, r1: share((rank) => rank === 1), r5: share((rank) => rank >= 1 && rank <= 5), mrr10: round(mrr) };
}

function reportMiss(query: RelevanceQuery, rank: number, ids: readonly string[]): void {
	const top = papers.find((paper) => paper.id === ids[0]);
	process.stderr.write(
		`[${query.type}] rank ${rank || '>10'} for ${query.sourceId}: ${JSON.stringify(query.query.slice(0, 120))} → ` +
			`first ${ids[0] ?? '-'} ${JSON.stringify(top?.title.slice(0, 70) ?? '')}\n`,
	);
}

async function timeAsync<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
	const start = performance.now();
	const value = await run();
	return { value, ms: performance.now() - start };
}
