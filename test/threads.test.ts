import { describe, expect, it } from 'vitest';
import { DiscordLimits } from '../src/cards/limits.js';
import { channelTarget } from '../src/digests/targets.js';
import { discussionThreadName, isForumTarget, threadName } from '../src/digests/threads.js';
import type { Subscription } from '../src/store/records.js';

const subscription = (fields: Partial<Subscription> = {}): Subscription => ({
	guildId: 'g',
	channelId: 'c',
	time: '09:00',
	timezone: 'UTC',
	topics: [],
	maxPapers: 10,
	createdBy: 'u',
	createdAt: '2026-03-14T00:00:00.000Z',
	...fields,
});

describe('threadName', () => {
	it('is one line, without a working mention, at most 100 characters, and never empty', () => {
		expect(threadName('a\nb', 'x')).toBe('a b');
		expect(threadName('x'.repeat(300), 'y').length).toBeLessThanOrEqual(DiscordLimits.threadName);
		expect(threadName('', 'fallback')).toBe('fallback');
		expect(threadName('@everyone', 'x')).not.toBe('@everyone');
	});
});

describe('discussionThreadName', () => {
	it('names the thread by the digest’s day and its topics, its name, or the cadence title', () => {
		expect(discussionThreadName('2026-03-15', subscription({ topics: ['RLHF', 'diffusion'] }))).toBe('2026-03-15 · RLHF, diffusion');
		expect(discussionThreadName('2026-03-15', subscription({ name: 'weekly-ml' }))).toBe('2026-03-15 · weekly-ml');
		expect(discussionThreadName('2026-03-15', subscription())).toBe('2026-03-15 · Daily papers');
		expect(discussionThreadName('2026-03-15', subscription({ topics: ['x'.repeat(100)] })).length).toBeLessThanOrEqual(100);
	});
});

describe('isForumTarget', () => {
	it('is true only for a channel digest stored as a forum one', () => {
		expect(isForumTarget(channelTarget(subscription({ channelKind: 'forum' })))).toBe(true);
		expect(isForumTarget(channelTarget(subscription()))).toBe(false);
	});
});
