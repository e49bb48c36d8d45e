import { toPlainText } from '../cards/escape.js';
import { DiscordLimits } from '../cards/limits.js';
import type { MessagePayload } from '../cards/types.js';
import type { Logger } from '../log.js';
import type { Subscription } from '../store/records.js';
import type { DeliveryLookup } from './deliver.js';
import { DigestMessages } from './messages.js';
import { digestNameOf, isDefaultName } from './names.js';
import type { DigestTarget } from './targets.js';

/** The Discord edge for threads, as digests need it. Implementations throw DeliveryError for anything Discord refuses. */
export interface ThreadSender {
	/** A forum's tags as they are now (a moderator may have renamed one since the digest was subscribed). */
	forumTags(forumId: string): Promise<ForumTag[]>;
	/** Starts a forum post: a thread and its first message in one request. */
	createForumPost(forumId: string, post: ForumPost): Promise<{ threadId: string }>;
	/**
	 * Looks for one of the bot's posts in the forum since `since` whose first message carries `reference` (its footer):
	 * a forum post has no nonce, so reading back is the only way to know whether an unanswered request created it.
	 */
	findForumPost(query: { guildId: string; forumId: string; reference: string; since: Date }): Promise<DeliveryLookup>;
	/** A thread on a posted message; `exists` when the message has one already (Discord allows one per message). */
	startThread(channelId: string, messageId: string, name: string): Promise<{ threadId: string } | 'exists'>;
}

export interface ForumTag {
	id: string;
	name: string;
	/** Only members with Manage Threads may apply it. */
	moderated?: boolean;
}

export interface ForumPost {
	/** The post's title, at most DiscordLimits.threadName characters. */
	name: string;
	/** Tag ids, at most DiscordLimits.appliedTags. */
	appliedTags: string[];
	message: MessagePayload;
}

export function isForumTarget(target: DigestTarget): target is Extract<DigestTarget, { kind: 'channel' }> {
	return target.kind === 'channel' && target.subscription.channelKind === 'forum';
}

/** A thread name from any text: one line, mentions defused, cut to Discord's 100 characters, never empty. */
export function threadName(text: string, fallback: string): string {
	return toPlainText(text, DiscordLimits.threadName) || toPlainText(fallback, DiscordLimits.threadName);
}

/** `2026-03-15 · RLHF, diffusion`: the digest's day and what it is about (its name, or the cadence title). */
export function discussionThreadName(day: string, subscription: Subscription): string {
	const name = digestNameOf(subscription);
	const about = subscription.topics.length > 0 ? subscription.topics.join(', ') : isDefaultName(name) ? DigestMessages.channelDigestTitle : name;
	return threadName(`${day} · ${about}`, day);
}

/**
 * After a text channel's digest is posted: its discussion thread. A thread is a courtesy, not the delivery, so a
 * failure is logged and never fails or repeats the digest; Discord allows one thread per message, which makes a retry
 * after a crash harmless.
 */
export async function startDiscussionThread(
	target: DigestTarget,
	day: string,
	messageId: string,
	context: { threads?: ThreadSender | undefined; logger: Logger },
): Promise<void> {
	if (target.kind !== 'channel' || target.subscription.thread !== true || !context.threads || !messageId) return;
	const { channelId } = target.subscription;
	try {
		const started = await context.threads.startThread(channelId, messageId, discussionThreadName(day, target.subscription));
		if (started !== 'exists') context.logger.debug('digest discussion thread started', { target: target.key, day, threadId: started.threadId });
	} catch (error) {
		context.logger.warn('digest posted, but its discussion thread could not be started', { target: target.key, day, messageId, error });
	}
}
