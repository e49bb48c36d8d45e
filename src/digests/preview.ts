import type { MessagePayload } from '../cards/types.js';
import type { Subscription } from '../store/records.js';
import type { Store } from '../store/store.js';
import { buildDigestPayload, composeDigest, type ComposedDigest, type DigestPaper } from './compose.js';
import { DigestDefaults, parseTopics } from './inputs.js';
import { localClock } from './local-time.js';
import { digestNameOf, isDefaultName, parseDigestName } from './names.js';
import { DigestMessages } from './messages.js';
import { UserError } from '../errors.js';
import { listChannelSubscriptions, subscriptionKey } from './subscriptions.js';
import { channelTarget } from './targets.js';
import { matchTopicsByText, type TopicMatcher } from './topics.js';

export interface DigestPreview {
	/** The local day the digest would be for. */
	day: string;
	digest: ComposedDigest;
	/** Undefined when nothing new matches: then nothing would be posted. */
	payload: MessagePayload | undefined;
	/** The channel's subscription, when it has one (its zone, size and history shape the preview). */
	subscription: Subscription | undefined;
}

/**
 * What the channel's digest would post right now, without recording anything: `/digest preview`.
 * `topics` (raw, comma-separated) overrides the subscription's; an unsubscribed channel previews the defaults.
 */
export async function previewDigest(input: {
	store: Pick<Store, 'subscriptions' | 'deliveries'>;
	papers: readonly DigestPaper[];
	guildId: string;
	channelId: string;
	/** Which of the channel's digests (default: the default one). */
	name?: string;
	topics?: string;
	now: Date;
	matchTopics?: TopicMatcher;
}): Promise<DigestPreview> {
	const name = parseDigestName(input.name);
	const stored = await input.store.subscriptions.get(subscriptionKey(input.guildId, input.channelId, name));
	if (!stored && !isDefaultName(name)) {
		const names = (await listChannelSubscriptions(input.store, input.guildId, input.channelId)).map(digestNameOf);
		throw new UserError(DigestMessages.unknownDigestName(input.channelId, name, names));
	}
	const base: Subscription = stored ?? {
		guildId: input.guildId,
		channelId: input.channelId,
		...(isDefaultName(name) ? {} : { name }),
		time: DigestDefaults.time,
		timezone: DigestDefaults.timezone,
		topics: [],
		maxPapers: DigestDefaults.maxPapers,
		createdBy: '',
		createdAt: input.now.toISOString(),
	};
	const subscription = input.topics?.trim() ? { ...base, topics: parseTopics(input.topics) } : base;
	const target = channelTarget(subscription);
	const day = localClock(input.now, subscription.timezone).day;
	const record = await input.store.deliveries.get(target.key);
	const digest = await composeDigest({ target, day, now: input.now, papers: input.papers, record, matchTopics: input.matchTopics ?? matchTopicsByText });
	const payload = digest.papers.length > 0 ? buildDigestPayload(target, day, digest) : undefined;
	return { day, digest, payload, subscription: stored };
}
