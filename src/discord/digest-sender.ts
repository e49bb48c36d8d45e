import { DiscordAPIError, HTTPError, PermissionFlagsBits, RateLimitError, Routes, SnowflakeUtil, type APIMessage, type Client, type REST } from 'discord.js';
import { formatDigestReference } from '../cards/digest-list.js';
import type { DeliveryLookup, DigestSender } from '../digests/deliver.js';
import { DeliveryError } from '../digests/errors.js';
import { DigestMessages } from '../digests/messages.js';

/** What the read-back needs to know about the bot itself. */
export interface HistoryAccess {
	/** Only the bot's own messages can be its digests. */
	botUserId: string;
	/**
	 * Whether the bot may read a guild channel's history; undefined when unknown (channel not cached). Asked
	 * first because Discord answers an empty list, not an error, without Read Message History.
	 */
	canReadHistory(channelId: string): boolean | undefined;
}

export const ReadBack = Object.freeze({
	/** Discord's largest page of channel messages. */
	pageSize: 100,
	/** The digest follows its attempt within seconds, so it is on the first page unless the channel is very busy. */
	maxPages: 10,
});

/**
 * The digest domain's DigestSender over discord.js REST. Requests go through the client's own queues, so
 * @discordjs/rest paces a fan-out to the global and per-channel limits and retries 429s and 5xx itself;
 * whatever still fails reaches the domain as a DeliveryError it can classify (retry, pause, failed).
 */
export function createDigestSender(rest: REST, access: HistoryAccess): DigestSender {
	return {
		async findDelivery({ channelId, direct, reference, since }): Promise<DeliveryLookup> {
			if (!direct) {
				const readable = access.canReadHistory(channelId);
				if (readable === false) return { kind: 'unverifiable', reason: DigestMessages.unverifiableNoHistory };
				if (readable === undefined) return { kind: 'unverifiable', reason: DigestMessages.unverifiableUncached };
			}
			const marker = formatDigestReference(reference);
			let after = SnowflakeUtil.generate({ timestamp: since.getTime() }).toString();
			for (let page = 0; page < ReadBack.maxPages; page++) {
				let batch: APIMessage[];
				try {
					batch = (await rest.get(Routes.channelMessages(channelId), {
						query: new URLSearchParams({ after, limit: String(ReadBack.pageSize) }),
					})) as APIMessage[];
				} catch (error) {
					throw toDeliveryError(error);
				}
				const ours = batch.find((message) => message.author?.id === access.botUserId && message.embeds?.some((embed) => embed.footer?.text?.includes(marker)));
				if (ours) return { kind: 'posted', messageId: ours.id };
				if (batch.length < ReadBack.pageSize) return { kind: 'absent' };
				after = batch.reduce((newest, message) => (BigInt(message.id) > BigInt(newest) ? message.id : newest), after);
			}
			return { kind: 'unverifiable', reason: DigestMessages.unverifiableTooManyMessages };
		},
		async sendToChannel(channelId, payload, nonce) {
			try {
				// enforce_nonce: a retry after a crash gets the message already posted back instead of a second one.
				const body = { ...payload, allowed_mentions: { parse: [] }, nonce, enforce_nonce: true };
				const message = (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
				return { messageId: message.id };
			} catch (error) {
				throw toDeliveryError(error);
			}
		},
		async openDm(userId) {
			try {
				const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
				return { channelId: channel.id };
			} catch (error) {
				throw toDeliveryError(error);
			}
		},
	};
}

/** Status 0 means no HTTP answer at all (refused connection, DNS, timeout): always worth retrying. */
export function toDeliveryError(error: unknown): DeliveryError {
	if (error instanceof DeliveryError) return error;
	if (error instanceof DiscordAPIError) {
		const code = typeof error.code === 'number' ? error.code : undefined;
		return new DeliveryError(error.message, { status: error.status, ...(code === undefined ? {} : { code }) }, { cause: error });
	}
	if (error instanceof RateLimitError) {
		return new DeliveryError(`rate limited on ${error.route}`, { status: 429, retryAfterMs: error.retryAfter }, { cause: error });
	}
	if (error instanceof HTTPError) return new DeliveryError(error.message, { status: error.status }, { cause: error });
	const message = error instanceof Error ? error.message : String(error);
	return new DeliveryError(`no answer from Discord: ${message}`, { status: 0 }, { cause: error });
}

/** The gateway cache's view of the bot's permissions, for the read-back. */
export function clientHistoryAccess(client: Client<true>): HistoryAccess {
	return {
		botUserId: client.user.id,
		canReadHistory(channelId) {
			const channel = client.channels.cache.get(channelId);
			if (!channel) return undefined;
			if (channel.isDMBased()) return true;
			const permissions = 'permissionsFor' in channel ? channel.permissionsFor(client.user) : null;
			return permissions ? permissions.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ReadMessageHistory]) : undefined;
		},
	};
}
