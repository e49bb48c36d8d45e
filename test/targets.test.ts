import { describe, expect, it } from 'vitest';
import { channelTarget, digestNonce, followTarget, NONCE_LENGTH, targetStoreKey } from '../src/digests/targets.js';
import type { Follow, Subscription } from '../src/store/records.js';

describe('digestNonce', () => {
	it("is stable per target and day, distinct otherwise, and within Discord's 25 characters", () => {
		const nonce = digestNonce('channel:123456789012345678', '2026-03-15');
		expect(nonce).toHaveLength(NONCE_LENGTH);
		expect(NONCE_LENGTH).toBeLessThanOrEqual(25);
		expect(digestNonce('channel:123456789012345678', '2026-03-15')).toBe(nonce);
		expect(digestNonce('channel:123456789012345678', '2026-03-16')).not.toBe(nonce);
		expect(digestNonce('user:123456789012345678', '2026-03-15')).not.toBe(nonce);
	});
});

const subscription = (name?: string): Subscription => ({
	guildId: 'g',
	channelId: 'c',
	...(name === undefined ? {} : { name }),
	time: '09:00',
	timezone: 'UTC',
	topics: [],
	maxPapers: 10,
	createdBy: 'u',
	createdAt: '2026-03-14T00:00:00.000Z',
});

describe('channelTarget', () => {
	it('keeps the key every record had for a default digest, and gives a named one its own', () => {
		expect(channelTarget(subscription()).key).toBe('channel:c');
		expect(targetStoreKey(channelTarget(subscription()))).toBe('g:c');
		expect(channelTarget(subscription('weekly')).key).toBe('channel:c:weekly');
		expect(targetStoreKey(channelTarget(subscription('weekly')))).toBe('g:c:weekly');
		expect(digestNonce(channelTarget(subscription('weekly')).key, '2026-03-15')).not.toBe(digestNonce('channel:c', '2026-03-15'));
	});
});

describe('followTarget', () => {
	it('puts the "For you" follow beside the topic follow', () => {
		const follow: Follow = { userId: 'u', topics: [], time: '09:00', timezone: 'UTC', createdAt: '2026-03-14T00:00:00.000Z' };
		expect(followTarget(follow).key).toBe('user:u');
		expect(targetStoreKey(followTarget(follow))).toBe('u');
		expect(followTarget({ ...follow, forYou: {} }).key).toBe('user:u:foryou');
		expect(targetStoreKey(followTarget({ ...follow, forYou: {} }))).toBe('u:foryou');
	});
});
