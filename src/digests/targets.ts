import { hash } from 'node:crypto';
import type { DigestSchedule, Follow, Subscription } from '../store/records.js';
import { followKey } from './follows.js';
import { digestNameOf, isDefaultName } from './names.js';
import { subscriptionKey } from './subscriptions.js';

/** Someone a digest goes to: a subscribed channel, or a follower (by DM). */
export type DigestTarget = { kind: 'channel'; key: string; subscription: Subscription } | { kind: 'follow'; key: string; follow: Follow };

/** One digest to send: a target and the local day it is for. */
export interface DueDigest {
	target: DigestTarget;
	day: string;
}

/**
 * `channel:<id>` for a channel's default digest (the key every delivery record had before names), `channel:<id>:<name>`
 * for a named one: each digest has its own record of what it sent, and its own nonces.
 */
export function channelTarget(subscription: Subscription): DigestTarget {
	const name = digestNameOf(subscription);
	const key = isDefaultName(name) ? `channel:${subscription.channelId}` : `channel:${subscription.channelId}:${name}`;
	return { kind: 'channel', key, subscription };
}

/** `user:<id>` for the topic follow, `user:<id>:foryou` for the "For you" one. */
export function followTarget(follow: Follow): DigestTarget {
	return { kind: 'follow', key: `user:${followKey(follow.userId, follow.forYou !== undefined)}`, follow };
}

export function targetSchedule(target: DigestTarget): DigestSchedule {
	return target.kind === 'channel' ? target.subscription : target.follow;
}

/** Where the target's record lives: subscriptions by `<guild>:<channel>`, follows by user id. */
export function targetStoreKey(target: DigestTarget): string {
	if (target.kind === 'follow') return followKey(target.follow.userId, target.follow.forYou !== undefined);
	return subscriptionKey(target.subscription.guildId, target.subscription.channelId, digestNameOf(target.subscription));
}

/** Discord caps a nonce at 25 characters. */
export const NONCE_LENGTH = 25;

/**
 * The same (target, day) always yields the same nonce, so a send retried after a crash is recognised by
 * Discord (`enforce_nonce`) and answered with the message already posted instead of a second one.
 */
export function digestNonce(targetKey: string, day: string): string {
	// The one-shot hash: a Hash object per target took three times as long.
	return `pb${hash('sha256', `${targetKey}|${day}`, 'hex').slice(0, NONCE_LENGTH - 2)}`;
}
