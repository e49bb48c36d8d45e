import type { TopicMatcher } from '../digests/topics.js';
import { UserError } from '../errors.js';
import type { Paper } from '../papers/paper.js';
import { mostUpvoted } from '../search/filtered-search.js';
import { shiftDay } from '../search/search-request.js';
import { BrowseMessages } from './messages.js';
import { MAX_RESULTS } from './pages.js';

export const TRENDING_WINDOWS = Object.freeze(['day', 'week', 'month'] as const);
export type TrendingWindow = (typeof TRENDING_WINDOWS)[number];

export const TrendingDefaults = Object.freeze({
	window: 'week' as TrendingWindow,
	/** Days back from today a window reaches; `day` takes yesterday in, since a listing day fills up through the day. */
	windowDays: Object.freeze({ day: 1, week: 7, month: 30 }) as Readonly<Record<TrendingWindow, number>>,
	/** A topic filter looks at the window's most upvoted papers only: one further down is not trending. */
	topicCandidates: 1000,
});

export interface TrendingInput {
	window: TrendingWindow;
	/** The bot's UTC day, `YYYY-MM-DD`: the window ends on it. */
	today: string;
	/** Digest-style topics; empty for every paper. */
	topics: readonly string[];
	matchTopics: TopicMatcher;
}

export interface Trending {
	/** The window's first day, inclusive. */
	since: string;
	/** Most upvoted first, at most MAX_RESULTS. */
	papers: Paper[];
}

export function parseTrendingWindow(raw: string | undefined | null): TrendingWindow {
	const text = (raw ?? '').trim().toLowerCase();
	if (text === '') return TrendingDefaults.window;
	if (!(TRENDING_WINDOWS as readonly string[]).includes(text)) throw new UserError(BrowseMessages.badTrendingWindow(raw ?? '', TRENDING_WINDOWS));
	return text as TrendingWindow;
}

/** The most upvoted papers listed from `today − window` to `today`, on the topics when given (matched as digests match them). */
export async function findTrending(papers: readonly Paper[], input: TrendingInput): Promise<Trending> {
	const since = shiftDay(input.today, TrendingDefaults.windowDays[input.window], 'd');
	const tomorrow = shiftDay(input.today, -1, 'd');
	const limit = input.topics.length > 0 ? TrendingDefaults.topicCandidates : MAX_RESULTS;
	let ranked = mostUpvoted(papers, limit, since, tomorrow);
	if (input.topics.length > 0 && ranked.length > 0) {
		const ids = await input.matchTopics(input.topics, ranked);
		ranked = ranked.filter((paper) => ids.has(paper.id));
	}
	return { since, papers: ranked.slice(0, MAX_RESULTS) };
}
