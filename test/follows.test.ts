import { describe, expect, it } from 'vitest';
import { followForYou, followKey, followTopic, getFollow, getForYouFollow, listFollows, unfollowForYou, unfollowTopic } from '../src/digests/follows.js';
import type { Store } from '../src/store/store.js';
import { useTempStore } from './support/temp-store.js';

let store: Store;
useTempStore('follows', (opened) => {
	store = opened;
});

const NOW = new Date('2026-03-14T12:00:00.000Z');

describe('followTopic', () => {
	it('follows every new paper when no topic is given', async () => {
		const { follow, change } = await followTopic(store, { userId: 'u1' }, NOW);
		expect(change).toBe('created');
		expect(follow).toEqual({ userId: 'u1', topics: [], time: '09:00', timezone: 'UTC', createdAt: NOW.toISOString() });
	});

	it('adds topics without duplicates and keeps time and zone', async () => {
		await followTopic(store, { userId: 'u1', topic: 'LLM', time: '07:30', timezone: 'Asia/Tokyo' }, NOW);
		const again = await followTopic(store, { userId: 'u1', topic: 'llm, agents' }, NOW);
		expect(again.change).toBe('added');
		expect(again.follow).toMatchObject({ topics: ['LLM', 'agents'], time: '07:30', timezone: 'Asia/Tokyo' });
		expect((await followTopic(store, { userId: 'u1', topic: 'AGENTS' }, NOW)).change).toBe('unchanged');
	});

	it('narrows an every-paper follow to a topic, and widens back', async () => {
		await followTopic(store, { userId: 'u1' }, NOW);
		expect((await followTopic(store, { userId: 'u1', topic: 'robotics' }, NOW)).follow.topics).toEqual(['robotics']);
		const widened = await followTopic(store, { userId: 'u1' }, NOW);
		expect(widened.change).toBe('all');
		expect(widened.follow.topics).toEqual([]);
	});

	it('clears a pause and forgets the DM channel when following again', async () => {
		const { follow } = await followTopic(store, { userId: 'u1', topic: 'llm' }, NOW);
		await store.follows.set('u1', { ...follow, dmChannelId: 'dm1', paused: { reason: 'closed', at: NOW.toISOString(), code: 50007 } });
		const again = await followTopic(store, { userId: 'u1', topic: 'llm' }, NOW);
		expect(again.resumed).toBe(true);
		expect(again.follow.paused).toBeUndefined();
		expect(again.follow.dmChannelId).toBeUndefined();
	});

	it('rejects bad input', async () => {
		await expect(followTopic(store, { userId: 'u1', topic: 'x'.repeat(6000) }, NOW)).rejects.toThrow(/at most 100 characters/);
		await expect(followTopic(store, { userId: 'u1', time: '25:00' }, NOW)).rejects.toThrow(/hours go from 00 to 23/);
		await expect(followTopic(store, { userId: 'u1', timezone: 'Mars/Olympus' }, NOW)).rejects.toThrow(/unknown time zone/);
		const twenty = Array.from({ length: 20 }, (_, index) => `a${index}`).join(',');
		await followTopic(store, { userId: 'u2', topic: twenty }, NOW);
		await expect(followTopic(store, { userId: 'u2', topic: 'b1,b2,b3,b4,b5,b6' }, NOW)).rejects.toThrow(/26 topics; a digest can follow at most 25/);
		expect(await getFollow(store, 'u1')).toBeUndefined();
	});
});

describe('unfollowTopic', () => {
	it('removes one topic and keeps the rest', async () => {
		await followTopic(store, { userId: 'u1', topic: 'llm, agents' }, NOW);
		const { follow, removed } = await unfollowTopic(store, 'u1', 'LLM', NOW);
		expect(removed).toEqual(['llm']);
		expect(follow?.topics).toEqual(['agents']);
	});

	it('ends the follow when the last topic goes, rather than widening it to every paper', async () => {
		await followTopic(store, { userId: 'u1', topic: 'llm' }, NOW);
		expect((await unfollowTopic(store, 'u1', 'llm', NOW)).follow).toBeUndefined();
		expect(await listFollows(store)).toEqual([]);
	});

	it('ends the follow when no topic is given', async () => {
		await followTopic(store, { userId: 'u1', topic: 'llm, agents' }, NOW);
		expect((await unfollowTopic(store, 'u1', undefined, NOW)).removed).toEqual(['llm', 'agents']);
		expect(await getFollow(store, 'u1')).toBeUndefined();
	});

	it('says what is wrong', async () => {
		await expect(unfollowTopic(store, 'u1', undefined, NOW)).rejects.toThrow(/not following anything/);
		await followTopic(store, { userId: 'u1', topic: 'llm' }, NOW);
		await expect(unfollowTopic(store, 'u1', 'robotics', NOW)).rejects.toThrow(/not following "robotics"/);
	});
});

describe('followTopic with authors', () => {
	it('adds authors beside topics, and following neither widens back to every paper', async () => {
		const { follow } = await followTopic(store, { userId: 'u1', author: 'Ada Lovelace' }, NOW);
		expect(follow).toMatchObject({ topics: [], authors: ['Ada Lovelace'] });
		const more = await followTopic(store, { userId: 'u1', topic: 'llm', author: 'ada lovelace, Grace Hopper' }, NOW);
		expect(more).toMatchObject({ change: 'added', follow: { topics: ['llm'], authors: ['Ada Lovelace', 'Grace Hopper'] } });
		const all = await followTopic(store, { userId: 'u1' }, NOW);
		expect(all.change).toBe('all');
		expect(all.follow).not.toHaveProperty('authors');
	});

	it('removes an author, and ends the follow when the last topic and author go', async () => {
		await followTopic(store, { userId: 'u1', topic: 'llm', author: 'Ada Lovelace' }, NOW);
		await expect(unfollowTopic(store, 'u1', undefined, NOW, 'Grace Hopper')).rejects.toThrow(/not following the author "Grace Hopper"/);
		expect((await unfollowTopic(store, 'u1', 'llm', NOW)).follow).toMatchObject({ topics: [], authors: ['Ada Lovelace'] });
		expect((await unfollowTopic(store, 'u1', undefined, NOW, 'ada lovelace')).follow).toBeUndefined();
	});
});

describe('followForYou', () => {
	it('keeps the "For you" follow beside the topic follow, under its own key, and ends it alone', async () => {
		await followTopic(store, { userId: 'u1', topic: 'llm' }, NOW);
		const { follow, created } = await followForYou(store, { userId: 'u1', tag: 'rlhf', time: '07:00' }, NOW);
		expect(created).toBe(true);
		expect(follow).toMatchObject({ userId: 'u1', topics: [], forYou: { tag: 'rlhf' }, time: '07:00' });
		expect(await getForYouFollow(store, 'u1')).toEqual(follow);
		expect(await store.follows.get(followKey('u1', true))).toEqual(follow);
		const again = await followForYou(store, { userId: 'u1' }, NOW);
		expect(again).toMatchObject({ created: false, follow: { forYou: {}, time: '07:00' } });
		await unfollowForYou(store, 'u1');
		expect(await getForYouFollow(store, 'u1')).toBeUndefined();
		expect((await getFollow(store, 'u1'))?.topics).toEqual(['llm']);
		await expect(unfollowForYou(store, 'u1')).rejects.toThrow(/no "For you" follow/);
	});
});
