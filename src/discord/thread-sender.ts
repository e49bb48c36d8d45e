import { DiscordAPIError, RESTJSONErrorCodes, Routes, SnowflakeUtil, type APIMessage, type APIThreadChannel, type REST } from 'discord.js';
import { formatDigestReference } from '../cards/digest-list.js';
import { ThreadArchiveMinutes } from '../cards/limits.js';
import type { DeliveryLookup } from '../digests/deliver.js';
import type { ForumTag, ThreadSender } from '../digests/threads.js';
import { toDeliveryError } from './digest-sender.js';

/** What List Active Guild Threads and List Public Archived Threads answer. */
interface ThreadList {
	threads: APIThreadChannel[];
	has_more?: boolean;
}

/**
 * Digests' threads over discord.js REST: forum posts, their read-back, and a discussion thread on a digest message.
 * Every request goes through the client's queues (global and per-route limits); failures reach the digest domain
 * as DeliveryError, classified like a message post's.
 */
export function createThreadSender(rest: REST, botUserId: string): ThreadSender {
	const attempt = async <T>(request: () => Promise<T>): Promise<T> => {
		try {
			return await request();
		} catch (error) {
			throw toDeliveryError(error);
		}
	};
	return {
		forumTags: (forumId) =>
			attempt(async () => {
				const channel = (await rest.get(Routes.channel(forumId))) as { available_tags?: Array<{ id: string; name: string; moderated?: boolean }> };
				return (channel.available_tags ?? []).map((tag): ForumTag => ({ id: tag.id, name: tag.name, moderated: tag.moderated === true }));
			}),
		createForumPost: (forumId, post) =>
			attempt(async () => {
				const body = {
					name: post.name,
					// A week before it archives: the read-back after a crash lists active posts.
					auto_archive_duration: ThreadArchiveMinutes.week,
					applied_tags: post.appliedTags,
					message: { ...post.message, allowed_mentions: { parse: [] } },
				};
				const thread = (await rest.post(Routes.threads(forumId), { body })) as { id: string };
				return { threadId: thread.id };
			}),
		findForumPost: ({ guildId, forumId, reference, since }) =>
			attempt(async () => {
				const after = BigInt(SnowflakeUtil.generate({ timestamp: since.getTime() }).toString());
				const ours = (list: ThreadList) =>
					list.threads.filter((thread) => thread.parent_id === forumId && thread.owner_id === botUserId && BigInt(thread.id) >= after);
				const active = (await rest.get(Routes.guildActiveThreads(guildId))) as ThreadList;
				const found = await findStarter(rest, ours(active), reference);
				if (found.kind === 'posted') return found;
				// A moderator may have archived (or closed) the post meanwhile: the newest archived ones come first.
				const archived = (await rest.get(Routes.channelThreads(forumId, 'public'))) as ThreadList;
				return findStarter(rest, ours(archived), reference);
			}),
		startThread: (channelId, messageId, name) =>
			attempt(async () => {
				try {
					const body = { name, auto_archive_duration: ThreadArchiveMinutes.day };
					const thread = (await rest.post(Routes.threads(channelId, messageId), { body })) as { id: string };
					return { threadId: thread.id };
				} catch (error) {
					if ((error as { code?: unknown }).code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return 'exists' as const;
					throw error;
				}
			}),
	};
}

/** A forum post's first message has the thread's id; the bot's post carries its key in the card's footer. */
async function findStarter(rest: REST, threads: readonly APIThreadChannel[], reference: string): Promise<DeliveryLookup> {
	const marker = formatDigestReference(reference);
	for (const thread of [...threads].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))) {
		const starter = (await rest.get(Routes.channelMessage(thread.id, thread.id)).catch((error: unknown) => {
			// Someone deleted that post's first message: it is not the one looked for.
			if (error instanceof DiscordAPIError && error.status === 404) return undefined;
			throw error;
		})) as APIMessage | undefined;
		if (starter?.embeds?.some((embed) => embed.footer?.text?.includes(marker))) return { kind: 'posted', messageId: thread.id };
	}
	return { kind: 'absent' };
}
