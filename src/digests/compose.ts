import { formatDigestList } from '../cards/digest-list.js';
import type { MessagePayload } from '../cards/types.js';
import type { Paper } from '../papers/paper.js';
import type { DeliveryRecord } from '../store/records.js';
import { addDays } from './local-time.js';
import { DigestMessages } from './messages.js';
import { digestNonce, targetSchedule, type DigestTarget } from './targets.js';
import type { TopicMatcher } from './topics.js';

/** A paper a digest may carry; seeds have no `firstSeenAt` and count as known from the start. */
export type DigestPaper = Paper & { firstSeenAt?: string };

const MAX_LOOKBACK_DAYS = 7;

export const DigestWindow = Object.freeze({
	/** A target's first digest looks back this many days: yesterday's listing, plus one day of time-zone skew. */
	firstLookbackDays: 2,
	/**
	 * Later digests take papers listed since the day before the previous digest (listing days are UTC, digest
	 * days local), but never more than this far back: a channel paused for months is not flooded with old news.
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
export function selectNewPapers(papers: readonly DigestPaper[], record: DeliveryRecord | undefined, day: string, now: Date): DigestPaper[] {
	const start = windowStart(record, day);
	const sent = record?.sent ?? {};
	const nowIso = now.toISOString();
	const covered = record?.covered;
	const isNew = (paper: DigestPaper) => !covered || paper.listedOn > covered.day || (paper.firstSeenAt !== undefined && paper.firstSeenAt > covered.at);
	return papers.filter(
		(paper) =>
			paper.listedOn >= start &&
			paper.listedOn <= day &&
			!(paper.id in sent) &&
			(paper.firstSeenAt === undefined || paper.firstSeenAt <= nowIso) &&
			isNew(paper),
	);
}

export function windowStart(record: DeliveryRecord | undefined, day: string): string {
	const start = record?.lastDay ? addDays(record.lastDay, -1) : addDays(day, -DigestWindow.firstLookbackDays);
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
}): Promise<ComposedDigest> {
	const { target } = input;
	const fresh = selectNewPapers(input.papers, input.record, input.day, input.now);
	const topics = targetSchedule(target).topics;
	let matching = fresh;
	if (topics.length > 0 && fresh.length > 0) {
		const ids = await input.matchTopics(topics, fresh);
		matching = fresh.filter((paper) => ids.has(paper.id));
	}
	const limit = target.kind === 'channel' ? target.subscription.maxPapers : DIGEST_MAX_PAPERS;
	return { papers: rankPapers(matching).slice(0, limit), total: matching.length };
}

/** A personal digest has no max_papers option; it gets as many as a channel can have. */
const DIGEST_MAX_PAPERS = 10;

/** The Discord message for a composed digest. */
export function buildDigestPayload(target: DigestTarget, day: string, digest: ComposedDigest): MessagePayload {
	const topics = targetSchedule(target).topics;
	// Upvotes rank only when some are known (seeds have none); otherwise recency decided the cut.
	const byUpvotes = digest.papers.some((paper) => paper.upvotes !== undefined);
	const footer = DigestMessages.digestFooter(digest.papers.length, Math.max(digest.total, digest.papers.length), topics, byUpvotes) || undefined;
	// The nonce doubles as the delivery key read back after a crash: one value names the (target, day) everywhere.
	const reference = digestNonce(target.key, day);
	if (target.kind === 'channel') {
		return formatDigestList({ title: DigestMessages.channelDigestTitle, day, papers: digest.papers, reference, ...(footer ? { footer } : {}) });
	}
	// One Unfollow button: for a single topic it removes that topic, otherwise ('*') it ends the follow.
	return formatDigestList({
		title: DigestMessages.followDigestTitle,
		day,
		papers: digest.papers,
		reference,
		...(footer ? { footer } : {}),
		unfollowTopic: topics.length === 1 ? topics[0] : '*',
	});
}
