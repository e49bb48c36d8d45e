import { parseArgs } from 'node:util';
import { addDays } from '../src/digests/local-time.js';
import { createIndexTopicMatcher } from '../src/digests/topics.js';
import { RecommendDefaults, recommendPapers, type RecommendOptions } from '../src/library/recommend.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex, type PaperIndex } from '../src/search/index.js';
import { createRandom, loadRealCorpus } from './corpus.js';

/**
 * "For you" against its baselines on the real corpus: `tsx bench/foryou.ts [--users N] [--seed S]`.
 *
 * Nobody's library is in the corpus, so readers are simulated by prolific authors: an author who wrote a paper
 * is taken to want it. For each, "now" is the day of their latest paper; the papers they listed in the 30 days up
 * to it are held out, the older ones are their library, and every paper of those 30 days is the pool to rank
 * (as /paper foryou ranks the corpus's last 30 days). recall@10 is the share of held-out papers in the top 10,
 * averaged over authors. Authors' names are no feature of any ranking here: only titles, abstracts, keywords and
 * upvotes, so the text decides. Baselines: the pool's most upvoted; "same topics", what following the author's
 * five most frequent keywords (through the digests' own topic matcher) would bring, most topics matched first,
 * padded with the most upvoted.
 */

const { values } = parseArgs({ options: { users: { type: 'string', default: '300' }, seed: { type: 'string', default: '12' } } });
const TOP = 10;
const MIN_LIBRARY = 4;
const TOPICS = 5;

const started = performance.now();
const papers = dedupe(loadRealCorpus());
const index = buildPaperIndex(papers);
await index.idle();
const byDay = [...papers].sort((a, b) => a.listedOn.localeCompare(b.listedOn));
const users = sampleUsers(papers, Number(values.users), Number(values.seed));
const matchTopics = createIndexTopicMatcher(index);

type Ranker = (library: readonly Paper[], pool: readonly Paper[]) => Paper[] | Promise<Paper[]>;
const rankers: Record<string, Ranker> = {
	foryou: (library, pool) => recommend(library, pool, {}),
	foryouCentroid: (library, pool) => recommend(library, pool, { mode: 'centroid' }),
	similarFusion: (library, pool) => fuseSimilar(index, library, pool),
	mostUpvoted: (_library, pool) => byUpvotes(pool).slice(0, TOP),
	sameTopics: (library, pool) => sameTopics(library, pool),
};

const recalls: Record<string, number[]> = Object.fromEntries(Object.keys(rankers).map((name) => [name, []]));
const hits: Record<string, number[]> = Object.fromEntries(Object.keys(rankers).map((name) => [name, []]));
const timings: Record<string, number> = Object.fromEntries(Object.keys(rankers).map((name) => [name, 0]));
let poolSizes = 0;
for (const user of users) {
	const { library, heldOut, pool } = user;
	poolSizes += pool.length;
	for (const [name, rank] of Object.entries(rankers)) {
		const start = performance.now();
		const top = (await rank(library, pool)).slice(0, TOP);
		timings[name] = (timings[name] ?? 0) + performance.now() - start;
		const found = top.filter((paper) => heldOut.has(paper.id)).length;
		recalls[name]?.push(found / heldOut.size);
		hits[name]?.push(found > 0 ? 1 : 0);
	}
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const mean = (list: readonly number[]) => (list.length === 0 ? 0 : list.reduce((sum, value) => sum + value, 0) / list.length);
const results = Object.fromEntries(
	Object.keys(rankers).map((name) => [
		name,
		{
			recallAt10: round(mean(recalls[name] ?? [])),
			hitAt10: round(mean(hits[name] ?? [])),
			msPerUser: round((timings[name] ?? 0) / Math.max(1, users.length)),
		},
	]),
);
process.stdout.write(
	`${JSON.stringify({
		section: 'foryou',
		papers: papers.length,
		users: users.length,
		meanLibrary: round(mean(users.map((user) => user.library.length))),
		meanHeldOut: round(mean(users.map((user) => user.heldOut.size))),
		meanPool: Math.round(poolSizes / Math.max(1, users.length)),
		windowDays: RecommendDefaults.windowDays,
		...results,
		totalS: round((performance.now() - started) / 1000),
	})}\n`,
);

interface SimulatedUser {
	library: Paper[];
	heldOut: Set<string>;
	pool: Paper[];
}

/** Authors with at least MIN_LIBRARY papers before the 30 days of their latest, a fixed-seed sample of them. */
function sampleUsers(corpus: readonly Paper[], count: number, seed: number): SimulatedUser[] {
	const byAuthor = new Map<string, Paper[]>();
	for (const paper of corpus) for (const author of new Set(paper.authors)) (byAuthor.get(author) ?? byAuthor.set(author, []).get(author))?.push(paper);
	const candidates: SimulatedUser[] = [];
	for (const own of byAuthor.values()) {
		if (own.length < MIN_LIBRARY + 1) continue;
		const now = own.reduce((latest, paper) => (paper.listedOn > latest ? paper.listedOn : latest), '');
		const start = addDays(now, 1 - RecommendDefaults.windowDays);
		const library = own.filter((paper) => paper.listedOn < start);
		const heldOut = new Set(own.filter((paper) => paper.listedOn >= start).map((paper) => paper.id));
		if (library.length < MIN_LIBRARY) continue;
		const pool = byDay.filter((paper) => paper.listedOn >= start && paper.listedOn <= now);
		candidates.push({ library, heldOut, pool });
	}
	const random = createRandom(seed);
	for (let i = candidates.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[candidates[i], candidates[j]] = [candidates[j] as SimulatedUser, candidates[i] as SimulatedUser];
	}
	return candidates.slice(0, count);
}

function recommend(library: readonly Paper[], pool: readonly Paper[], options: RecommendOptions): Paper[] {
	const profile = [...library].sort((a, b) => b.listedOn.localeCompare(a.listedOn)).slice(0, RecommendDefaults.profileSize);
	return recommendPapers(profile, pool, { ...options, limit: TOP }).map((entry) => entry.paper);
}

/** The index's own similar(): each saved paper's 100 nearest, reciprocal-rank fused, kept when in the pool. */
function fuseSimilar(paperIndex: PaperIndex, library: readonly Paper[], pool: readonly Paper[]): Paper[] {
	const inPool = new Map(pool.map((paper) => [paper.id, paper]));
	const scores = new Map<string, number>();
	for (const saved of library.slice(-50)) {
		paperIndex.similar(saved.id, 100).forEach((hit, rank) => {
			if (inPool.has(hit.paper.id)) scores.set(hit.paper.id, (scores.get(hit.paper.id) ?? 0) + 1 / (60 + rank));
		});
	}
	const ranked = [...scores].sort((a, b) => b[1] - a[1]).map(([id]) => inPool.get(id) as Paper);
	return [...ranked, ...byUpvotes(pool).filter((paper) => !scores.has(paper.id))].slice(0, TOP);
}

async function sameTopics(library: readonly Paper[], pool: readonly Paper[]): Promise<Paper[]> {
	const frequency = new Map<string, number>();
	for (const paper of library)
		for (const keyword of new Set((paper.keywords ?? []).map((k) => k.toLowerCase()))) frequency.set(keyword, (frequency.get(keyword) ?? 0) + 1);
	const topics = [...frequency]
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.slice(0, TOPICS)
		.map(([topic]) => topic);
	const matched = new Map<string, number>();
	for (const topic of topics) for (const id of await matchTopics([topic], pool)) matched.set(id, (matched.get(id) ?? 0) + 1);
	return [...pool]
		.sort((a, b) => (matched.get(b.id) ?? 0) - (matched.get(a.id) ?? 0) || (b.upvotes ?? -1) - (a.upvotes ?? -1) || a.id.localeCompare(b.id))
		.slice(0, TOP);
}

function byUpvotes(pool: readonly Paper[]): Paper[] {
	return [...pool].sort((a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || a.id.localeCompare(b.id));
}

function dedupe(list: readonly Paper[]): Paper[] {
	return [...new Map(list.map((paper) => [paper.id, paper])).values()];
}
