import type { DigestPaper, RecommendPapers } from '../digests/compose.js';
import type { Paper } from '../papers/paper.js';
import type { Follow, LibraryRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { readLibrary } from './library.js';
import { RecommendDefaults, recommendPapers, type ProfilePaper } from './recommend.js';

/**
 * The "For you" follow's daily DM: the new papers a digest would offer, ranked by the same closeness to the user's
 * latest saves as /paper foryou, keeping only those with something in common with them (score above 0) and none
 * already saved. An empty library (or a tag no saved paper has any more) sends nothing that day, instead of an error.
 */
export function createForYouRecommender(deps: { store: Pick<Store, 'library'>; lookup: (id: string) => Paper | undefined }): RecommendPapers {
	return async (follow, papers) => profileFor(await readLibrary(deps.store, follow.userId), follow, deps.lookup, papers);
}

function profileFor(
	record: LibraryRecord | undefined,
	follow: Follow,
	lookup: (id: string) => Paper | undefined,
	papers: readonly DigestPaper[],
): DigestPaper[] {
	const tag = follow.forYou?.tag;
	const saves = (record?.papers ?? []).filter((entry) => tag === undefined || entry.tags.includes(tag));
	if (saves.length === 0) return [];
	// Newest saves first, as /paper foryou builds its profile; the corpus's copy brings abstract and keywords.
	const profile: ProfilePaper[] = [...saves]
		.reverse()
		.slice(0, RecommendDefaults.profileSize)
		.map((entry) => lookup(entry.id) ?? { title: entry.title });
	const saved = new Set((record?.papers ?? []).map((entry) => entry.id));
	const pool = papers.filter((paper) => !saved.has(paper.id));
	const byId = new Map(pool.map((paper) => [paper.id, paper]));
	return recommendPapers(profile, pool, { limit: pool.length })
		.filter((pick) => pick.score > 0)
		.map((pick) => byId.get(pick.paper.id) as DigestPaper);
}
