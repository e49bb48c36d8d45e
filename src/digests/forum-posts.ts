import { createHash } from 'node:crypto';
import { formatDigestReference } from '../cards/digest-list.js';
import { toPlainText } from '../cards/escape.js';
import { CardBudget, DiscordLimits } from '../cards/limits.js';
import { formatPaperCard } from '../cards/paper-card.js';
import type { MessagePayload } from '../cards/types.js';
import type { Logger } from '../log.js';
import { unchanged } from '../store/collection.js';
import type { DeliveryRecord, PendingPost, Subscription } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { ComposedDigest, DigestPaper } from './compose.js';
import type { DeliveryLookup } from './deliver.js';
import { DeliveryError } from './errors.js';
import { emptyRecord } from './ledger.js';
import { DigestMessages } from './messages.js';
import { NONCE_LENGTH, targetStoreKey, type DigestTarget } from './targets.js';
import { threadName, type ForumPost, type ForumTag, type ThreadSender } from './threads.js';
import type { TopicMatcher } from './topics.js';

/**
 * A forum digest: one post (a thread and its first message) per paper. Each post is a delivery of its own, on the
 * target's record: the post about to be made is written first (`post`), then made, then its paper recorded in `sent`.
 * A post has no nonce on Discord's side, so when a request went unanswered the next attempt reads the forum back for
 * the post's key (in its footer) before anything is re-posted: found → recorded, absent → posted, unreadable → counted
 * as sent (a duplicate is worse than a miss). A paper is in `sent` only once its post exists.
 */

export interface ForumContext {
	store: Pick<Store, 'deliveries' | 'subscriptions'>;
	threads?: ThreadSender | undefined;
	matchTopics: TopicMatcher;
	now: Date;
	logger: Logger;
}

/** The read-back starts this long before the post's attempt, for clock skew between us and Discord. */
const READ_BACK_SKEW_MS = 5 * 60_000;

/** One key per (target, day, paper): the same post is recognised whichever attempt made it. */
export function forumPostNonce(targetKey: string, day: string, paperId: string): string {
	return `pf${createHash('sha256')
		.update(`${targetKey}|${day}|${paperId}`)
		.digest('hex')
		.slice(0, NONCE_LENGTH - 2)}`;
}

/** Posts the digest's papers not posted yet, in order; the first thread made this time is returned (empty when none). */
export async function postForumDigest(target: DigestTarget, day: string, digest: ComposedDigest, context: ForumContext): Promise<{ messageId: string }> {
	const { threads } = context;
	if (target.kind !== 'channel') throw new Error('postForumDigest: not a channel target');
	if (!threads) throw new DeliveryError('this process cannot post to forums', { status: 0 });
	const forumId = target.subscription.channelId;
	await settleUnknownPost(target, context, threads);
	const tags = usableTags(await threads.forumTags(forumId));
	const tagsFor = await tagsByPaper(target.subscription, digest.papers, tags, context.matchTopics);
	let first = '';
	for (const paper of digest.papers) {
		const record = await context.store.deliveries.get(target.key);
		if (record && paper.id in record.sent) continue;
		const post: PendingPost = {
			day,
			paperId: paper.id,
			listedOn: paper.listedOn,
			nonce: forumPostNonce(target.key, day, paper.id),
			at: context.now.toISOString(),
		};
		await writePost(context, target, (current) => ({ ...current, post }));
		let threadId: string;
		try {
			({ threadId } = await threads.createForumPost(forumId, buildForumPost(paper, tagsFor.get(paper.id) ?? [], post.nonce)));
		} catch (error) {
			// Discord answered "not created": nothing to read back for this post. No answer leaves it for the read-back.
			if (error instanceof DeliveryError && error.status >= 400 && error.status < 500) await writePost(context, target, withoutPost);
			throw error;
		}
		await writePost(context, target, (current) => withPostSent(current, post));
		first ||= threadId;
	}
	return { messageId: first };
}

/** The previous attempt's post whose outcome is unknown, settled by reading the forum back. */
async function settleUnknownPost(target: Extract<DigestTarget, { kind: 'channel' }>, context: ForumContext, threads: ThreadSender): Promise<void> {
	const post = (await context.store.deliveries.get(target.key))?.post;
	if (!post) return;
	const lookup = await lookUpPost(target, post, threads);
	const details = { target: target.key, day: post.day, paperId: post.paperId, nonce: post.nonce };
	if (lookup.kind === 'absent') {
		context.logger.info('forum post not found; its paper stays eligible', details);
		await writePost(context, target, withoutPost);
		return;
	}
	if (lookup.kind === 'unverifiable') {
		context.logger.warn('forum post outcome unknown and the forum cannot be read back: not re-posted, its paper counts as sent', {
			...details,
			reason: lookup.reason,
		});
		const unconfirmed = { day: post.day, at: context.now.toISOString(), reason: lookup.reason };
		await context.store.subscriptions.update(targetStoreKey(target), (current) => (current ? { ...current, unconfirmed } : unchanged));
	} else {
		context.logger.info('forum post found already made; recorded without re-posting', { ...details, threadId: lookup.messageId });
	}
	await writePost(context, target, (current) => withPostSent(current, post));
}

async function lookUpPost(target: Extract<DigestTarget, { kind: 'channel' }>, post: PendingPost, threads: ThreadSender): Promise<DeliveryLookup> {
	const since = new Date(Date.parse(post.at) - READ_BACK_SKEW_MS);
	const { guildId, channelId: forumId } = target.subscription;
	try {
		return await threads.findForumPost({ guildId, forumId, reference: post.nonce, since });
	} catch (error) {
		if (error instanceof DeliveryError && error.status === 404) return { kind: 'absent' };
		if (error instanceof DeliveryError && error.status === 403) return { kind: 'unverifiable', reason: DigestMessages.unverifiableForbidden };
		// Asked again next pass: the read-back itself failed (429, 5xx, network), not the post.
		throw new DeliveryError(`could not read the forum back: ${error instanceof Error ? error.message : String(error)}`, { status: 0 }, { cause: error });
	}
}

function withPostSent(record: DeliveryRecord, post: PendingPost): DeliveryRecord {
	const { post: _done, ...rest } = record;
	return { ...rest, sent: { ...rest.sent, [post.paperId]: post.listedOn } };
}

function withoutPost(record: DeliveryRecord): DeliveryRecord {
	const { post: _dropped, ...rest } = record;
	return rest;
}

async function writePost(context: ForumContext, target: DigestTarget, change: (current: DeliveryRecord) => DeliveryRecord): Promise<void> {
	await context.store.deliveries.update(target.key, (current) => change(current ?? emptyRecord(target.key)));
}

/** Tags the bot may apply: a moderated tag needs Manage Threads, which a digest bot is not given. */
function usableTags(tags: readonly ForumTag[]): ForumTag[] {
	return tags.filter((tag) => !tag.moderated);
}

/**
 * Per paper, the forum tags named like a digest topic that paper matches (case-insensitive), at most five. A forum that
 * requires a tag gets the topics' tags on a paper that matched none of them (it matched an author), so the post is accepted.
 */
export async function tagsByPaper(
	subscription: Pick<Subscription, 'topics'>,
	papers: readonly DigestPaper[],
	tags: readonly ForumTag[],
	matchTopics: TopicMatcher,
): Promise<Map<string, string[]>> {
	const byName = new Map(tags.map((tag) => [tag.name.trim().toLowerCase(), tag.id]));
	const tagged = subscription.topics.filter((topic) => byName.has(topic.trim().toLowerCase()));
	const result = new Map<string, string[]>();
	if (tagged.length === 0 || papers.length === 0) return result;
	for (const topic of tagged) {
		const id = byName.get(topic.trim().toLowerCase()) as string;
		const matched = await matchTopics([topic], papers);
		for (const paper of papers) {
			if (!matched.has(paper.id)) continue;
			const ids = result.get(paper.id) ?? [];
			if (!ids.includes(id) && ids.length < DiscordLimits.appliedTags) ids.push(id);
			result.set(paper.id, ids);
		}
	}
	return result;
}

/** The tags of a forum named like one of `topics` (for the subscribe-time check of a forum that requires a tag). */
export function tagsNamedLike(topics: readonly string[], tags: readonly ForumTag[]): ForumTag[] {
	const wanted = new Set(topics.map((topic) => topic.trim().toLowerCase()));
	return usableTags(tags).filter((tag) => wanted.has(tag.name.trim().toLowerCase()));
}

/** A paper's post: titled with the paper (≤ 100 characters), its card as the first message, the post's key in the footer. */
export function buildForumPost(paper: DigestPaper, appliedTags: readonly string[], nonce: string): ForumPost {
	const card = formatPaperCard(paper);
	return { name: threadName(paper.title, paper.id), appliedTags: appliedTags.slice(0, DiscordLimits.appliedTags), message: withReference(card, nonce) };
}

function withReference(card: MessagePayload, nonce: string): MessagePayload {
	const [embed, ...rest] = card.embeds ?? [];
	if (!embed) return card;
	const reference = formatDigestReference(nonce);
	const text = toPlainText(embed.footer?.text ?? '', CardBudget.footer - reference.length - 3);
	return { ...card, embeds: [{ ...embed, footer: { text: text ? `${text} · ${reference}` : reference } }, ...rest] };
}
