import { parseArgs } from 'node:util';
import { findSearchResults } from '../src/browse/search-results.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';
import { loadRealCorpus, loadSeed, synthesizeCorpus } from './corpus.js';
import { SEARCH_QUERIES } from './queries.js';
import { summarize, timeIt, type LatencySummary } from './stats.js';

/**
 * Filtered /paper search against plain search, in one process on one index, rounds interleaved so a busy
 * machine slows both alike: `tsx bench/search-filters.ts --size 100000`. Each kind runs the benchmark's
 * query set with one filter added (the filter-only kinds run alone); figures are per /paper search page,
 * parsing included, and ratios are against the plain queries of the same run. Prints one JSON line.
 */

const ROUNDS = 5;
const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' } } });
const size = values.size ?? '100000';

const papers = loadPapers(size);
const index = buildPaperIndex(papers);
const latestDay = papers.reduce((latest, paper) => (paper.listedOn > latest ? paper.listedOn : latest), '');
const now = new Date(`${latestDay}T12:00:00Z`);
const author = mostFrequentAuthor(papers);
const surname = author.split(' ').at(-1) ?? author;
const words = SEARCH_QUERIES.filter((query) => query.split(' ').length <= 6);

const KINDS: Record<string, readonly string[]> = {
	plain: words,
	'since:30d': words.map((query) => `${query} since:30d`),
	'before:1y': words.map((query) => `${query} before:1y`),
	'sort:upvotes': words.map((query) => `${query} sort:upvotes`),
	'-word': words.map((query) => `${query} -benchmark`),
	'"phrase"': words.map((query) => `"${query}"`),
	'author:': words.map((query) => `${query} author:${surname}`),
	'filters only': ['since:7d', 'sort:upvotes', `author:"${author}"`, 'since:3m -diffusion', `author:${surname} since:1y`, 'before:2025-01-01 sort:upvotes'],
};

// The first filtered search after the corpus changes orders it by day once (src/search/corpus-views.ts): timed on its own.
const viewBuild = timeIt(() => runQuietly('since:7d'));
// One unmeasured round, so neither side pays for the JIT or cold caches in its figures.
for (const queries of Object.values(KINDS)) for (const query of queries) runQuietly(query);
const samples = new Map<string, number[]>(Object.keys(KINDS).map((kind) => [kind, []]));
const found = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
	for (const [kind, queries] of Object.entries(KINDS)) {
		for (const query of queries) {
			const { value, ms } = timeIt(() => runQuietly(query));
			samples.get(kind)?.push(ms);
			if (round === 0) found.set(kind, (found.get(kind) ?? 0) + value);
		}
	}
}

const plain = summarize(samples.get('plain') ?? []);
const kinds: Record<string, LatencySummary & { ratioP50: number; ratioP95: number; hitsPerQuery: number }> = {};
for (const [kind, times] of samples) {
	const summary = summarize(times);
	kinds[kind] = {
		...summary,
		ratioP50: Math.round((summary.p50 / Math.max(plain.p50, 0.01)) * 100) / 100,
		ratioP95: Math.round((summary.p95 / Math.max(plain.p95, 0.01)) * 100) / 100,
		hitsPerQuery: Math.round(((found.get(kind) ?? 0) / (KINDS[kind]?.length ?? 1)) * 10) / 10,
	};
}
const worst = Math.max(...Object.values(kinds).map((kind) => kind.max));
process.stdout.write(
	`${JSON.stringify({ section: 'search-filters', papers: index.size, today: latestDay, author, firstFilteredMs: Math.round(viewBuild.ms), kinds, meetsTargets: worst <= 300 && Object.values(kinds).every((kind) => kind.p95 <= 50) })}\n`,
);

/** Results found on page 1's search (its total, up to 50); a refused query counts as none. */
function runQuietly(query: string): number {
	try {
		return findSearchResults(index, query, {}, now, 0).page.total;
	} catch {
		return 0;
	}
}

function mostFrequentAuthor(list: readonly Paper[]): string {
	const counts = new Map<string, number>();
	for (const paper of list) for (const name of paper.authors) counts.set(name, (counts.get(name) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'Ada Lovelace';
}

function loadPapers(which: string): Paper[] {
	if (which === 'seed') return loadSeed();
	const real = loadRealCorpus();
	if (which === 'real') return real;
	const count = Number(which);
	if (!Number.isInteger(count) || count <= 0) throw new Error(`--size must be seed, real or a positive integer, got ${which}`);
	return synthesizeCorpus(real, count);
}
