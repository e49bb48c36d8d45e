import { describe, expect, it } from 'vitest';
import { BrowseMessages } from '../src/browse/messages.js';
import { findTrending, parseTrendingWindow, TRENDING_WINDOWS, TrendingDefaults } from '../src/browse/trending.js';
import { createIndexTopicMatcher } from '../src/digests/topics.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';

function paper(id: string, title: string, listedOn: string, upvotes?: number): Paper {
	return { id, title, abstract: `${title}.`, authors: [], listedOn, source: 'paper-json', ...(upvotes === undefined ? {} : { upvotes }) };
}

const papers = [
	paper('2603.00001', 'Diffusion for video', '2026-03-14', 10),
	paper('2603.00002', 'Reward models for RLHF', '2026-03-13', 50),
	paper('2603.00003', 'Latent diffusion at scale', '2026-03-08', 80),
	paper('2603.00004', 'Older diffusion work', '2026-02-20', 500),
	paper('2603.00005', 'A seed paper without upvotes', '2026-03-14'),
	paper('2603.00006', 'Listed tomorrow by a clock ahead of ours', '2026-03-15', 999),
];
const index = buildPaperIndex(papers);
const matchTopics = createIndexTopicMatcher(index);
const trending = async (window: 'day' | 'week' | 'month', topics: string[] = []) =>
	(await findTrending(index.all(), { window, today: '2026-03-14', topics, matchTopics })).papers.map((found) => found.id);

describe('findTrending', () => {
	it('ranks the papers listed in the window by upvotes, unknown upvotes last', async () => {
		expect(await trending('day')).toEqual(['2603.00002', '2603.00001', '2603.00005']);
		expect(await trending('week')).toEqual(['2603.00003', '2603.00002', '2603.00001', '2603.00005']);
		expect(await trending('month')).toEqual(['2603.00004', '2603.00003', '2603.00002', '2603.00001', '2603.00005']);
	});

	it('says where the window starts: yesterday for a day, counting back from the bot’s day', async () => {
		const found = await findTrending(index.all(), { window: 'week', today: '2026-03-14', topics: [], matchTopics });
		expect(found.since).toBe('2026-03-07');
		expect(TrendingDefaults.windowDays).toEqual({ day: 1, week: 7, month: 30 });
	});

	it('keeps only papers on the topics, matched as digests match them (typos included)', async () => {
		expect(await trending('month', ['difusion'])).toEqual(['2603.00004', '2603.00003', '2603.00001']);
		expect(await trending('week', ['RLHF', 'video'])).toEqual(['2603.00002', '2603.00001']);
		expect(await trending('day', ['quantum chromodynamics'])).toEqual([]);
	});
});

describe('parseTrendingWindow', () => {
	it('defaults to a week and takes each window in any case', () => {
		expect(parseTrendingWindow(undefined)).toBe('week');
		expect(parseTrendingWindow('  ')).toBe('week');
		expect(TRENDING_WINDOWS.map((window) => parseTrendingWindow(window.toUpperCase()))).toEqual([...TRENDING_WINDOWS]);
	});

	it('refuses another window with the ones it knows', () => {
		expect(() => parseTrendingWindow('year')).toThrow(BrowseMessages.badTrendingWindow('year', TRENDING_WINDOWS));
	});
});
