import { formatDigestList } from '../cards/digest-list.js';
import { memoizeText } from '../cards/memo.js';
import type { MessagePayload } from '../cards/types.js';
import type { Paper } from '../papers/paper.js';
import type { DeliveryRecord, DigestSchedule, Follow, Subscription } from '../store/records.js';
import { firstLookbackDays, frequencyOf } from './cadence.js';
import { followsSomething, matchAuthors, phraseFilter, selectionKey } from './filters.js';
import { addDays } from './local-time.js';
import { DigestMessages } from './messages.js';
import { digestNameOf, isDefaultName } from './names.js';
import { digestNonce, targetSchedule, type DigestTarget } from './targets.js';
import { prepareTopicText, type TopicMatcher } from './topics.js';
import { yieldToInteractions } from '../interactive-priority.js';

/** A paper a digest may carry; seeds have no `firstSeenAt` and count as known from the start. */
export type DigestPaper = Paper & { firstSeenAt?: string };

/** A weekly digest's week, plus one day of time-zone skew: its window reaches back to the day before its previous digest. */
const MAX_LOOKBACK_DAYS = 8;

export const DigestWindow = Object.freeze({
	/** A target's first digest looks back this many days: yesterday's listing, plus one day of time-zone skew. */
	firstLookbackDays: 2,
	/**
	 * Later digests take papers listed since the day before the previous digest (listing days are UTC, digest
	 * days local), but never more than this far back: a channel paused for months is not flooded with old news.
	 * A weekly digest's previous one is 7 days back, so this is 8.
	 */
	maxLookbackDays: MAX_LOOKBACK_DAYS,
	/**
	 * Sent ids are kept this long after their listing day and no longer: the look-back, plus one day because a
	 * target's local day may trail the UTC day by one (the prune job trims by the UTC day). An id listed
	 * earlier is below the floor of every window the target can still have, so it could never be picked again.
	 */
	keepSentDays: MAX_LOOKBACK_DAYS + 1,
});

/**
 * The papers eligible for the target's digest on `day`, unranked: listed inside its window, known by `now`
 * (a paper ingested after the digest ran waits for the next one), never sent to this target, and new since
 * its previous digest — listed after the day it covered, or first seen after it ran. A paper the previous
 * digest already had in front of it (and cut to max_papers) is not offered again as "new".
 */
export function selectNewPapers(
	papers: readonly DigestPaper[],
	record: DeliveryRecord | undefined,
	day: string,
	now: Date,
	firstLookback: number = DigestWindow.firstLookbackDays,
): DigestPaper[] {
	return papers.filter(newPaperTest(record, day, now, firstLookback));
}

/** selectNewPapers's test for one paper. */
function newPaperTest(record: DeliveryRecord | undefined, day: string, now: Date, firstLookback: number): (paper: DigestPaper) => boolean {
	const start = windowStart(record, day, firstLookback);
	const isNew = newSinceTest(record, now);
	return (paper) => paper.listedOn >= start && paper.listedOn <= day && isNew(paper);
}

/** The part of selectNewPapers's test beyond the window: never sent, known by `now`, new since the previous digest. */
function newSinceTest(record: DeliveryRecord | undefined, now: Date): (paper: DigestPaper) => boolean {
	const sent = record?.sent ?? {};
	const nowIso = now.toISOString();
	const covered = record?.covered;
	return (paper) =>
		!(paper.id in sent) &&
		(paper.firstSeenAt === undefined || paper.firstSeenAt <= nowIso) &&
		(!covered || paper.listedOn > covered.day || (paper.firstSeenAt !== undefined && paper.firstSeenAt > covered.at));
}

/** `firstLookback`: how far a target's first digest reaches back (src/digests/cadence.ts firstLookbackDays). */
export function windowStart(record: DeliveryRecord | undefined, day: string, firstLookback: number = DigestWindow.firstLookbackDays): string {
	const start = record?.lastDay ? addDays(record.lastDay, -1) : addDays(day, -firstLookback);
	const floor = addDays(day, -DigestWindow.maxLookbackDays);
	return start > floor ? start : floor;
}

/** Most upvoted first (papers without a count after those with one), then most recently listed, then first seen. */
export function rankPapers<T extends DigestPaper>(papers: readonly T[]): T[] {
	return [...papers].sort(
		(a, b) =>
			(b.upvotes ?? -1) - (a.upvotes ?? -1) ||
			b.listedOn.localeCompare(a.listedOn) ||
			(b.firstSeenAt ?? '').localeCompare(a.firstSeenAt ?? '') ||
			a.id.localeCompare(b.id),
	);
}

export interface ComposedDigest {
	papers: DigestPaper[];
	/** New matching papers before the cut to maxPapers. */
	total: number;
}

/**
 * New papers matching the target's topics, ranked and cut. `matchTopics` is only asked when there are
 * topics; pass a memoized one when composing for many targets.
 */
export async function composeDigest(input: {
	target: DigestTarget;
	day: string;
	now: Date;
	papers: readonly DigestPaper[];
	record: DeliveryRecord | undefined;
	matchTopics: TopicMatcher;
	recommend?: RecommendPapers;
}): Promise<ComposedDigest> {
	const { target } = input;
	const schedule = targetSchedule(target);
	const fresh = selectNewPapers(input.papers, input.record, input.day, input.now, firstLookbackDays(schedule, DigestWindow.firstLookbackDays));
	const limit = digestLimit(target);
	if (target.kind === 'follow' && target.follow.forYou) return composeForYou(target.follow, rankPapers(fresh), limit, input.recommend);
	const matching = await selectMatching(schedule, fresh, input.matchTopics);
	return { papers: rankPapers(matching).slice(0, limit), total: matching.length };
}

/**
 * The user's recommendations among the new papers, best first; none without a recommender (a process that cannot
 * read libraries sends nothing rather than something unpicked).
 */
async function composeForYou(follow: Follow, fresh: readonly DigestPaper[], limit: number, recommend: RecommendPapers | undefined): Promise<ComposedDigest> {
	if (!recommend || fresh.length === 0) return { papers: [], total: 0 };
	const picked = await recommend(follow, fresh);
	return { papers: picked.slice(0, limit), total: picked.length };
}

/** Papers matching any topic or author (all of them when the schedule follows neither), then include and exclude. */
async function selectMatching(schedule: DigestSchedule, papers: readonly DigestPaper[], matchTopics: TopicMatcher): Promise<DigestPaper[]> {
	let matching = [...papers];
	if (followsSomething(schedule) && matching.length > 0) {
		const byTopic = schedule.topics.length > 0 ? await matchTopics(schedule.topics, matching) : new Set<string>();
		const byAuthor = matchAuthors(schedule.authors ?? [], matching);
		matching = matching.filter((paper) => byTopic.has(paper.id) || byAuthor.has(paper.id));
	}
	const keep = phraseFilter(schedule);
	return keep ? matching.filter(keep) : matching;
}

/**
 * Picks and orders "For you" papers among `papers` (new ones the user was not sent), best first; only those worth
 * recommending. Supplied by the library domain (src/library/foryou-digest.ts), which knows the user's saves.
 */
export type RecommendPapers = (follow: Follow, papers: readonly DigestPaper[]) => Promise<DigestPaper[]>;

export interface ComposerOptions {
	recommend?: RecommendPapers;
}

function digestLimit(target: DigestTarget): number {
	return target.kind === 'channel' ? target.subscription.maxPapers : DIGEST_MAX_PAPERS;
}

/** Composes one target's digest within a pass; see createDigestComposer. */
export type DigestComposer = (input: { target: DigestTarget; day: string; now: Date; record: DeliveryRecord | undefined }) => Promise<ComposedDigest>;

/**
 * composeDigest for many targets over the same papers (a fan-out pass). The papers are ranked once; each topic
 * is matched once over all of them; the papers of each distinct window and topic list are kept, ranked, the
 * first time a target asks. A target's digest is then one scan of that short list for what it was not sent,
 * keeping the first `max_papers`: the digest composeDigest gives, since filtering a ranked list keeps its order.
 */
export function createDigestComposer(papers: readonly DigestPaper[], matchTopics: TopicMatcher, options: ComposerOptions = {}): DigestComposer {
	const ranked = rankPapers(papers);
	const byTopic = new Map<string, Promise<ReadonlySet<string>>>();
	let previousMatch: Promise<unknown> | undefined;
	const matchOne = (topic: string) => {
		const key = topic.toLowerCase();
		let hit = byTopic.get(key);
		if (!hit) {
			// One topic per turn of the event loop, each after the previous one: a fuzzy match searches the whole
			// index, and the first targets of a pass ask for dozens of topics at once.
			previousMatch ??= prepareTopicText(papers);
			hit = previousMatch.then(nextTurn).then(() => matchTopics([topic], papers));
			previousMatch = hit.catch(() => undefined);
			byTopic.set(key, hit);
		}
		return hit;
	};
	const windows = new Map<string, DigestPaper[]>();
	const windowOf = (start: string, day: string) => {
		const key = `${start}|${day}`;
		let papers = windows.get(key);
		if (!papers) windows.set(key, (papers = ranked.filter((paper) => paper.listedOn >= start && paper.listedOn <= day)));
		return papers;
	};
	const masks = new Map<string, Promise<Uint8Array>>();
	/** Which of the window's papers match the topic, as 0/1 by position: a topic list's papers are then a few byte checks each. */
	const topicMask = (start: string, day: string, topic: string) => {
		const key = `${start}|${day}|${topic.toLowerCase()}`;
		let mask = masks.get(key);
		if (!mask) {
			mask = matchOne(topic).then((ids) => Uint8Array.from(windowOf(start, day), (paper) => (ids.has(paper.id) ? 1 : 0)));
			masks.set(key, mask);
		}
		return mask;
	};
	const candidates = new Map<string, Promise<Candidates>>();
	/**
	 * The window's papers the schedule takes (any topic or author, then include and exclude), ranked: one scan of the
	 * window per distinct window and selection.
	 */
	const candidatesFor = (start: string, day: string, schedule: DigestSchedule) => {
		const key = `${start}|${day}|${selectionKey(schedule)}`;
		let found = candidates.get(key);
		if (!found) {
			found = (async () => {
				const inWindow = windowOf(start, day);
				const masks = await Promise.all(schedule.topics.map((topic) => topicMask(start, day, topic)));
				const byAuthor = matchAuthors(schedule.authors ?? [], inWindow);
				return takeCandidates(inWindow, masks, byAuthor, !followsSomething(schedule), phraseFilter(schedule));
			})();
			candidates.set(key, found);
		}
		return found;
	};
	return async ({ target, day, now, record }) => {
		const schedule = targetSchedule(target);
		const start = windowStart(record, day, firstLookbackDays(schedule, DigestWindow.firstLookbackDays));
		const limit = digestLimit(target);
		if (target.kind === 'follow' && target.follow.forYou) {
			const isNew = newSinceTest(record, now);
			return composeForYou(target.follow, windowOf(start, day).filter(isNew), limit, options.recommend);
		}
		const { papers, latestSeen } = await candidatesFor(start, day, schedule);
		// A first digest with every candidate already known: all of them are new, no test per paper needed.
		if (!record?.covered && Object.keys(record?.sent ?? {}).length === 0 && latestSeen <= now.toISOString()) {
			return { papers: papers.slice(0, limit), total: papers.length };
		}
		const isNew = newSinceTest(record, now);
		const picked: DigestPaper[] = [];
		let total = 0;
		for (const paper of papers) {
			if (!isNew(paper)) continue;
			total += 1;
			if (picked.length < limit) picked.push(paper);
		}
		return { papers: picked, total };
	};
}

interface Candidates {
	papers: DigestPaper[];
	/** The latest firstSeenAt among them ('' when none has one): a digest run after it has every one of them known. */
	latestSeen: string;
}

/**
 * The window's papers taken by any topic mask or author (every one when `everything`), then by `keep`. A plain loop:
 * a pass runs it once per distinct selection, over the whole window, and a callback per paper and mask cost more
 * than the test itself.
 */
function takeCandidates(
	inWindow: readonly DigestPaper[],
	masks: readonly Uint8Array[],
	byAuthor: ReadonlySet<string>,
	everything: boolean,
	keep: ((paper: Paper) => boolean) | undefined,
): Candidates {
	const papers: DigestPaper[] = [];
	let latestSeen = '';
	for (let position = 0; position < inWindow.length; position++) {
		const paper = inWindow[position] as DigestPaper;
		if (!everything && !byAuthor.has(paper.id) && !anyMaskAt(masks, position)) continue;
		if (keep && !keep(paper)) continue;
		papers.push(paper);
		if (paper.firstSeenAt !== undefined && paper.firstSeenAt > latestSeen) latestSeen = paper.firstSeenAt;
	}
	return { papers, latestSeen };
}

function anyMaskAt(masks: readonly Uint8Array[], position: number): boolean {
	for (const mask of masks) if (mask[position] === 1) return true;
	return false;
}

const nextTurn = yieldToInteractions;

/** A personal digest has no max_papers option; it gets as many as a channel can have. */
const DIGEST_MAX_PAPERS = 10;

/**
 * The Discord message for a composed digest. The nonce doubles as the delivery key read back after a crash: one
 * value names the (target, day) everywhere.
 */
export function buildDigestPayload(target: DigestTarget, day: string, digest: ComposedDigest, nonce = digestNonce(target.key, day)): MessagePayload {
	const schedule = targetSchedule(target);
	const topics = schedule.topics;
	// Upvotes rank only when some are known (seeds have none); otherwise recency decided the cut.
	const byUpvotes = digest.papers.some((paper) => paper.upvotes !== undefined);
	const shown = Math.max(digest.total, digest.papers.length);
	const footer = digestFooter(digest.papers.length, shown, selectionLabels(schedule), byUpvotes) || undefined;
	if (target.kind === 'channel') {
		return formatDigestList({ title: channelDigestTitle(target.subscription), day, papers: digest.papers, reference: nonce, ...(footer ? { footer } : {}) });
	}
	if (target.follow.forYou) {
		return formatDigestList({
			title: DigestMessages.forYouDigestTitle(target.follow.forYou.tag),
			day,
			papers: digest.papers,
			reference: nonce,
			footer: DigestMessages.forYouDigestFooter(digest.papers.length, shown),
			stopForYou: true,
		});
	}
	// One Unfollow button: for a single topic it removes that topic, otherwise ('*') it ends the follow.
	const single = topics.length === 1 && !schedule.authors?.length;
	return formatDigestList({
		title: DigestMessages.followDigestTitle,
		day,
		papers: digest.papers,
		reference: nonce,
		...(footer ? { footer } : {}),
		unfollowTopic: single ? topics[0] : '*',
	});
}

/** DigestMessages.digestFooter, quoted and escaped once per distinct footer: a fan-out's targets share a few hundred. */
const digestFooter = memoizeText(
	(shown: number, total: number, labels: readonly string[], byUpvotes: boolean) => JSON.stringify([shown, total, byUpvotes, labels]),
	(shown, total, labels, byUpvotes) => DigestMessages.digestFooter(shown, total, labels, byUpvotes),
);

/** What the digest follows, for its footer: topics as typed, authors marked as such. */
export function selectionLabels(schedule: Pick<DigestSchedule, 'topics' | 'authors'>): string[] {
	return [...schedule.topics, ...(schedule.authors ?? []).map((author) => DigestMessages.authorLabel(author))];
}

/** `Daily papers`, `Weekly papers`; a named digest adds its name, so two digests in one channel read apart. */
export function channelDigestTitle(subscription: Subscription): string {
	const base = frequencyOf(subscription) === 'weekly' ? DigestMessages.weeklyDigestTitle : DigestMessages.channelDigestTitle;
	const name = digestNameOf(subscription);
	return isDefaultName(name) ? base : `${base} · ${name}`;
}
