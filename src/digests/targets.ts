import { createHash } from 'node:crypto';
import type { DigestSchedule, Follow, Subscription } from '../store/records.js';
import { subscriptionKey } from './subscriptions.js';

/** Someone a digest goes to: a subscribed channel, or a follower (by DM). */
export type DigestTarget = { kind: 'channel'; key: string; subscription: Subscription } | { kind: 'follow'; key: string; follow: Follow };

/** One digest to send: a target and the local day it is for. */
export interface DueDigest {
	target: DigestTarget;
	day: string;
}

export function channelTarget(subscription: Subscription): DigestTarget {
	return { kind: 'channel', key: `channel:${subscription.channelId}`, subscription };
}

export function followTarget(follow: Follow): DigestTarget {
	return { kind: 'follow', key: `user:${follow.userId}`, follow };
}

export function targetSchedule(target: DigestTarget): DigestSchedule {
	return target.kind === 'channel' ? target.subscription : target.follow;
}

/** Where the target's record lives: subscriptions by `<guild>:<channel>`, follows by user id. */
export function targetStoreKey(target: DigestTarget): string {
	return target.kind === 'channel' ? subscriptionKey(target.subscription.guildId, target.subscription.channelId) : target.follow.userId;
}

/** Discord caps a nonce at 25 characters. */
export const NONCE_LENGTH = 25;

/**
 * The same (target, day) always yields the same nonce, so a send retried after a crash is recognised by
 * Discord (`enforce_nonce`) and answered with the message already posted instead of a second one.
 */
export function digestNonce(targetKey: string, day: string): string {
	return `pb${createHash('sha256')
		.update(`${targetKey}|${day}`)
		.digest('hex')
		.slice(0, NONCE_LENGTH - 2)}`;
}
