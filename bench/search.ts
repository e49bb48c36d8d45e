import { parseArgs } from 'node:util';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';
import { loadRealCorpus, loadSeed, synthesizeCorpus } from './corpus.js';
import { AUTOCOMPLETE_PREFIXES, pickPassages, SEARCH_QUERIES } from './queries.js';
import { megabytes, summarize, timeIt } from './stats.js';

/**
 * One search benchmark run, meant to be spawned by bench/run.ts in a fresh process (so RSS is this
 * corpus's alone): `tsx bench/search.ts --size seed|real|<n>`. Prints one JSON line.
 */

const ROUNDS = 3;
const TARGETS = Object.freeze({ searchP95: 50, autocompleteP95: 10, worstQuery: 300, buildMs: 10_000, rssMb: 700 });

const { values } = parseArgs({ options: { size: { type: 'string', default: 'seed' } } });
const size = values.size ?? 'seed';

const loaded = timeIt(() => loadPapers(size));
const papers = loaded.value;
const passages = pickPassages(papers, 5);
collectGarbage();

const cpuBefore = process.cpuUsage();
const built = timeIt(() => buildPaperIndex(papers));
// CPU time next to wall time: on a shared machine the difference is time spent waiting for a core.
const buildCpuMs = Math.round(process.cpuUsage(cpuBefore).user / 1000);
const index = built.value;

const searchSamples: number[] = [];
const autocompleteSamples: number[] = [];
let passagesFound = 0;
let worst = { query: '', ms: 0 };
for (let round = 0; round < ROUNDS; round++) {
	for (const query of [...SEARCH_QUERIES, ...passages.map((passage) => passage.query)]) {
		const { ms } = timeIt(() => index.search(query));
		searchSamples.push(ms);
		if (ms > worst.ms) worst = { query: query.slice(0, 60), ms: Math.round(ms * 100) / 100 };
	}
	for (const prefix of AUTOCOMPLETE_PREFIXES) autocompleteSamples.push(timeIt(() => index.autocomplete(prefix)).ms);
}
for (const passage of passages) if (index.search(passage.query, 1)[0]?.paper.id === passage.expectedId) passagesFound++;

collectGarbage();
const search = summarize(searchSamples);
const autocomplete = summarize(autocompleteSamples);
const rssMb = megabytes(process.memoryUsage().rss);
const result = {
	section: 'search',
	label: size === 'seed' ? 'seed' : size === 'real' ? 'real corpus' : `synthetic ${Number(size).toLocaleString('en-US')}`,
	papers: index.size,
	loadMs: Math.round(loaded.ms),
	buildMs: Math.round(built.ms),
	buildCpuMs,
	search,
	autocomplete,
	worstQuery: worst,
	passagesFirst: `${passagesFound}/${passages.length}`,
	rssMb,
	peakRssMb: megabytes(process.resourceUsage().maxRSS * 1024),
	meetsTargets:
		search.p95 <= TARGETS.searchP95 &&
		autocomplete.p95 <= TARGETS.autocompleteP95 &&
		Math.max(search.max, autocomplete.max) <= TARGETS.worstQuery &&
		built.ms <= TARGETS.buildMs &&
		rssMb <= TARGETS.rssMb,
};
process.stdout.write(`${JSON.stringify(result)}\n`);

function loadPapers(which: string): Paper[] {
	if (which === 'seed') return loadSeed();
	const real = loadRealCorpus();
	if (which === 'real') return real;
	const count = Number(which);
	if (!Number.isInteger(count) || count <= 0) throw new Error(`--size must be seed, real or a positive integer, got ${which}`);
	return synthesizeCorpus(real, count);
}

/** Available when spawned with --expose-gc (run.ts does): RSS then reflects live data, not garbage. */
function collectGarbage(): void {
	(globalThis as { gc?: () => void }).gc?.();
}
