import { DiscordAPIError, HTTPError, RateLimitError, Routes, type REST } from 'discord.js';
import type { DigestSender } from '../digests/deliver.js';
import { DeliveryError } from '../digests/errors.js';

/**
 * The digest domain's DigestSender over discord.js REST. Requests go through the client's own queues, so
 * @discordjs/rest paces a fan-out to the global and per-channel limits and retries 429s and 5xx itself;
 * whatever still fails reaches the domain as a DeliveryError it can classify (retry, pause, failed).
 */
export function createDigestSender(rest: REST): DigestSender {
	return {
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
