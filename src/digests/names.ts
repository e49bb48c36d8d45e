import { UserError } from '../errors.js';
import type { Subscription } from '../store/records.js';
import { DigestMessages } from './messages.js';

/**
 * Several digests in one channel are told apart by name. The channel's first digest, and every subscription stored
 * before names existed, is `default`: it keeps its old key and carries no name field, so nothing stored is rewritten.
 */
export const DEFAULT_DIGEST_NAME = 'default';

export const DigestNameLimits = Object.freeze({
	/** Short enough to read in /digest list and in a thread's name. */
	length: 32,
	perChannel: 5,
	/** One /digest list embed shows about this many lines; a server needing more is better served by fewer, broader digests. */
	perGuild: 50,
});

/** Lower-case letters, digits, `-` and `_`: safe in a store key and in a Redis MATCH pattern, easy to type again. */
const NAME = /^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}_-]*$/u;

/** Trimmed, lower-cased, inner spaces as `-` (`Weekly RLHF` → `weekly-rlhf`); undefined or blank → the default digest. */
export function parseDigestName(raw: string | undefined | null): string {
	const text = (raw ?? '').trim().toLowerCase().replace(/\s+/g, '-');
	if (!text) return DEFAULT_DIGEST_NAME;
	if (text.length > DigestNameLimits.length) throw new UserError(DigestMessages.nameTooLong(text.length, DigestNameLimits.length));
	if (!NAME.test(text)) throw new UserError(DigestMessages.nameCharacters(raw ?? ''));
	return text;
}

/** A stored subscription's name; absent means default (read-time default: old rows stay as they are). */
export function digestNameOf(subscription: Pick<Subscription, 'name'>): string {
	return subscription.name ?? DEFAULT_DIGEST_NAME;
}

export function isDefaultName(name: string): boolean {
	return name === DEFAULT_DIGEST_NAME;
}
