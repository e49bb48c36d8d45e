import { describe, expect, it } from 'vitest';
import {
	buildDigestPayload,
	composeDigest,
	createDigestComposer,
	DigestWindow,
	rankPapers,
	selectNewPapers,
	windowStart,
	type DigestPaper,
} from '../src/digests/compose.js';
import { withDelivered } from '../src/digests/ledger.js';
import { addDays } from '../src/digests/local-time.js';
import { channelTarget, digestNonce, followTarget } from '../src/digests/targets.js';
import { matchTopicsByText } from '../src/digests/topics.js';
import type { DeliveryRecord, Subscription } from '../src/store/records.js';

const NOW = new Date('2026-03-15T09:00:00.000Z');

function paper(id: string, fields: Partial<DigestPaper> = {}): DigestPaper {
	return {
		id,
		title: `Paper ${id}`,
		abstract: 'Nothing special.',
		authors: [],
		listedOn: '2026-03-14',
		source: 'hf-daily',
		firstSeenAt: '2026-03-14T10:00:00.000Z',
		...fields,
	};
}

function subscription(fields: Partial<Subscription> = {}): Subscription {
	return {
		guildId: 'g',
		channelId: 'c',
		time: '09:00',
		timezone: 'UTC',
		topics: [],
		maxPapers: 10,
		createdBy: 'u',
		createdAt: '2026-03-01T00:00:00.000Z',
		...fields,
	};
}

describe('selectNewPapers', () => {
	it('takes a first digest from the last two listing days', () => {
		const papers = [paper('old', { listedOn: '2026-03-12' }), paper('a', { listedOn: '2026-03-13' }), paper('b', { listedOn: '2026-03-15' })];
		expect(selectNewPapers(papers, undefined, '2026-03-15', NOW).map((entry) => entry.id)).toEqual(['a', 'b']);
	});

	it('skips papers already sent and papers first seen after the digest time', () => {
		const record: DeliveryRecord = { target: 'channel:c', sent: { a: '2026-03-14' }, lastDay: '2026-03-14' };
		const papers = [paper('a'), paper('b'), paper('late', { firstSeenAt: '2026-03-15T09:00:01.000Z' })];
		expect(selectNewPapers(papers, record, '2026-03-15', NOW).map((entry) => entry.id)).toEqual(['b']);
	});

	it('counts seeds without firstSeenAt as known', () => {
		const seed = paper('seed');
		delete seed.firstSeenAt;
		expect(selectNewPapers([seed], undefined, '2026-03-15', NOW)).toHaveLength(1);
	});

	it('ignores papers listed after the digest day', () => {
		expect(selectNewPapers([paper('future', { listedOn: '2026-03-16' })], undefined, '2026-03-15', NOW)).toEqual([]);
	});

	it('offers only what is new since the previous digest: not a paper it had in front of it and cut', () => {
		// The digest of the 14th ran at 09:00 and saw `cut` (known at 08:00), but max_papers left it out.
		const record: DeliveryRecord = {
			target: 'channel:c',
			sent: { top: '2026-03-14' },
			lastDay: '2026-03-14',
			covered: { day: '2026-03-14', at: '2026-03-14T09:00:00.000Z' },
		};
		const papers = [
			paper('top', { firstSeenAt: '2026-03-14T08:00:00.000Z' }),
			paper('cut', { firstSeenAt: '2026-03-14T08:00:00.000Z' }),
			paper('listed-late', { firstSeenAt: '2026-03-14T18:00:00.000Z' }),
			paper('next-day', { listedOn: '2026-03-15', firstSeenAt: '2026-03-15T06:00:00.000Z' }),
		];
		const seed = paper('seed-of-the-14th');
		delete seed.firstSeenAt;
		expect(selectNewPapers([...papers, seed], record, '2026-03-15', NOW).map((entry) => entry.id)).toEqual(['listed-late', 'next-day']);
	});
});

describe('withDelivered', () => {
	const at = '2026-03-14T09:00:00.000Z';
	it('records what a digest covered, except one Discord refused (its papers stay new)', () => {
		expect(withDelivered(undefined, 't', { day: '2026-03-14', at, outcome: 'sent', paperCount: 1 }, { a: '2026-03-14' }).covered).toEqual({
			day: '2026-03-14',
			at,
		});
		expect(withDelivered(undefined, 't', { day: '2026-03-14', at, outcome: 'empty', paperCount: 0 }, {}).covered).toEqual({ day: '2026-03-14', at });
		expect(withDelivered(undefined, 't', { day: '2026-03-14', at, outcome: 'failed', paperCount: 3 }, {}).covered).toBeUndefined();
	});
});

describe('DigestWindow.keepSentDays', () => {
	const NOW_FAR = new Date('2027-01-01T00:00:00.000Z');
	const delivered = (record: DeliveryRecord | undefined, day: string, papers: readonly DigestPaper[]) =>
		withDelivered(
			record,
			'channel:c',
			{ day, at: `${day}T09:00:00.000Z`, outcome: 'sent', paperCount: papers.length },
			Object.fromEntries(papers.map((entry) => [entry.id, entry.listedOn])),
		);

	it('is the look-back plus a day of time-zone skew', () => {
		expect(DigestWindow.keepSentDays).toBe(DigestWindow.maxLookbackDays + 1);
	});

	it('never lets a paper back in once its id is trimmed, however late it was sent, and keeps the map bounded', () => {
		const listedOn = '2026-03-01';
		const late = paper('late', { listedOn, firstSeenAt: undefined });
		// Sent on its listing day or up to the whole look-back later (a target back after a week away).
		for (let lag = 0; lag <= DigestWindow.maxLookbackDays; lag += 1) {
			const sentOn = addDays(listedOn, lag);
			let record = delivered(undefined, sentOn, [late]);
			for (let next = 1; next <= 40; next += 1) {
				const day = addDays(sentOn, next);
				const daily = paper(`p-${day}`, { listedOn: day, firstSeenAt: undefined });
				const picked = selectNewPapers([late, daily], record, day, NOW_FAR);
				expect(picked.map((entry) => entry.id)).toEqual([daily.id]);
				record = delivered(record, day, picked);
				expect(Object.keys(record.sent).length).toBeLessThanOrEqual(DigestWindow.keepSentDays + 1);
			}
			expect(record.sent).not.toHaveProperty('late');
		}
	});
});

describe('windowStart', () => {
	it('starts the day before the previous digest, at most a week and a day back', () => {
		expect(windowStart({ target: 't', sent: {}, lastDay: '2026-03-14' }, '2026-03-15')).toBe('2026-03-13');
		expect(windowStart({ target: 't', sent: {}, lastDay: '2026-01-01' }, '2026-03-15')).toBe('2026-03-07');
		expect(windowStart(undefined, '2026-03-15')).toBe('2026-03-13');
	});

	it('reaches a weekly digest back to the day before its previous one, and its first one back a week', () => {
		expect(windowStart({ target: 't', sent: {}, lastDay: '2026-03-09' }, '2026-03-16')).toBe('2026-03-08');
		expect(windowStart(undefined, '2026-03-16', 8)).toBe('2026-03-08');
	});
});

describe('rankPapers', () => {
	it('ranks by upvotes (unknown last), then listing day, then first seen', () => {
		const ranked = rankPapers([
			paper('none-new', { listedOn: '2026-03-15' }),
			paper('five', { upvotes: 5 }),
			paper('zero', { upvotes: 0 }),
			paper('five-newer', { upvotes: 5, listedOn: '2026-03-15' }),
			paper('none-old', { listedOn: '2026-03-13' }),
			paper('fifty', { upvotes: 50 }),
		]);
		expect(ranked.map((entry) => entry.id)).toEqual(['fifty', 'five-newer', 'five', 'zero', 'none-new', 'none-old']);
	});
});

describe('composeDigest', () => {
	const papers = [
		paper('llm1', { title: 'Scaling Large Language Models', upvotes: 10 }),
		paper('llm2', { abstract: 'We study language models for code.', upvotes: 30 }),
		paper('robot', { title: 'Robot grasping', upvotes: 99 }),
	];

	it('keeps only papers matching the topics, ranked and cut to maxPapers', async () => {
		const target = channelTarget(subscription({ topics: ['language model'], maxPapers: 1 }));
		const digest = await composeDigest({ target, day: '2026-03-15', now: NOW, papers, record: undefined, matchTopics: matchTopicsByText });
		expect(digest.papers.map((entry) => entry.id)).toEqual(['llm2']);
		expect(digest.total).toBe(2);
	});

	it('takes every new paper when there are no topics', async () => {
		const target = channelTarget(subscription());
		const digest = await composeDigest({ target, day: '2026-03-15', now: NOW, papers, record: undefined, matchTopics: () => new Set() });
		expect(digest.papers.map((entry) => entry.id)).toEqual(['robot', 'llm2', 'llm1']);
	});

	it('is empty when nothing new matches', async () => {
		const target = channelTarget(subscription({ topics: ['quantum'] }));
		const digest = await composeDigest({ target, day: '2026-03-15', now: NOW, papers, record: undefined, matchTopics: matchTopicsByText });
		expect(digest).toEqual({ papers: [], total: 0 });
	});
});

describe('createDigestComposer', () => {
	/** mulberry32, so the cases are the same on every run. */
	function random(seed: number): () => number {
		let state = seed >>> 0;
		return () => {
			state = (state + 0x6d2b79f5) >>> 0;
			let t = Math.imul(state ^ (state >>> 15), state | 1);
			t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	}
	const WORDS = ['diffusion', 'agents', 'speech', 'robotics', 'quantization', 'benchmark'];

	it('composes, target by target, exactly the digest composeDigest gives', async () => {
		const next = random(11);
		const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
		const days = Array.from({ length: 10 }, (_, index) => addDays('2026-03-06', index));
		const papers = Array.from({ length: 300 }, (_, index) =>
			paper(`p${index}`, {
				title: `${pick(WORDS)} and ${pick(WORDS)}`,
				listedOn: pick(days),
				...(next() < 0.8 ? { upvotes: Math.floor(next() * 20) } : {}),
				...(next() < 0.9 ? { firstSeenAt: `${pick(days)}T${String(Math.floor(next() * 24)).padStart(2, '0')}:00:00.000Z` } : { firstSeenAt: undefined }),
			}),
		);
		const compose = createDigestComposer(papers, matchTopicsByText);
		let cut = 0;
		for (let index = 0; index < 200; index += 1) {
			const day = pick(days.slice(3));
			// Now and then long after every paper was first seen, as most digests are.
			const now = next() < 0.3 ? new Date('2026-04-01T00:00:00.000Z') : new Date(`${day}T${String(6 + Math.floor(next() * 12)).padStart(2, '0')}:00:00.000Z`);
			const topics = next() < 0.3 ? [] : Array.from({ length: 1 + Math.floor(next() * 2) }, () => pick(WORDS));
			const lastDay = next() < 0.3 ? undefined : addDays(day, -1 - Math.floor(next() * 4));
			const record: DeliveryRecord | undefined = lastDay
				? {
						target: `channel:c${index}`,
						sent: Object.fromEntries(papers.filter(() => next() < 0.1).map((entry) => [entry.id, entry.listedOn])),
						lastDay,
						...(next() < 0.7 ? { covered: { day: lastDay, at: `${lastDay}T09:00:00.000Z` } } : {}),
					}
				: undefined;
			const target =
				next() < 0.5
					? channelTarget(subscription({ channelId: `c${index}`, topics, maxPapers: 1 + Math.floor(next() * 10) }))
					: followTarget({ userId: `u${index}`, time: '09:00', timezone: 'UTC', topics, createdAt: '2026-03-01T00:00:00.000Z' });
			const expected = await composeDigest({ target, day, now, papers, record, matchTopics: matchTopicsByText });
			const actual = await compose({ target, day, now, record });
			if (expected.total > expected.papers.length) cut += 1;
			expect({ ids: actual.papers.map((entry) => entry.id), total: actual.total }).toEqual({
				ids: expected.papers.map((entry) => entry.id),
				total: expected.total,
			});
		}
		// Most cases must be cut to max_papers, or the order of the cut would go untested.
		expect(cut).toBeGreaterThan(100);
	});

	it('matches each topic once for the whole pass, whatever its case', async () => {
		const asked: string[] = [];
		const compose = createDigestComposer([paper('a', { title: 'Speech models' })], (topics, candidates) => {
			asked.push(...topics);
			return matchTopicsByText(topics, candidates);
		});
		for (const topics of [['Speech'], ['speech', 'robots'], ['ROBOTS']]) {
			await compose({ target: channelTarget(subscription({ topics })), day: '2026-03-15', now: NOW, record: undefined });
		}
		expect(asked).toEqual(['Speech', 'robots']);
	});
});

describe('buildDigestPayload', () => {
	it('builds one message with an open and a Save button per paper and no mentions', () => {
		const target = channelTarget(subscription({ topics: ['llm'] }));
		const payload = buildDigestPayload(target, '2026-03-15', { papers: [paper('2603.00001'), paper('2603.00002')], total: 5 });
		expect(payload.allowed_mentions).toEqual({ parse: [] });
		expect(payload.embeds).toHaveLength(1);
		expect(payload.embeds?.[0]?.footer?.text).toMatch(/Top 2 of 5 new papers.*Topics: llm/);
		const buttons = (payload.components ?? []).flatMap((row) => row.components);
		expect(buttons.map((button) => button.label)).toEqual(['1. Paper 2603.00001', '2. Paper 2603.00002', 'Save 1', 'Save 2']);
	});

	it('says the cut was by upvotes only when upvotes are known', () => {
		const target = channelTarget(subscription());
		const unranked = buildDigestPayload(target, '2026-03-15', { papers: [paper('2603.00001')], total: 3 });
		const reference = `ref ${digestNonce(target.key, '2026-03-15')}`;
		expect(unranked.embeds?.[0]?.footer?.text).toBe(`Top 1 of 3 new papers, newest first · ${reference}`);
		const ranked = buildDigestPayload(target, '2026-03-15', { papers: [paper('2603.00001', { upvotes: 4 })], total: 3 });
		expect(ranked.embeds?.[0]?.footer?.text).toBe(`Top 1 of 3 new papers, by upvotes · ${reference}`);
	});

	it('ends the footer with the delivery key, which the read-back after a crash looks for', () => {
		const target = channelTarget(subscription());
		const payload = buildDigestPayload(target, '2026-03-16', { papers: [paper('2603.00001')], total: 1 });
		expect(payload.embeds?.[0]?.footer?.text).toBe(`ref ${digestNonce(target.key, '2026-03-16')}`);
	});

	it('adds an Unfollow button to a personal digest', () => {
		const target = followTarget({ userId: 'u', topics: ['llm'], time: '09:00', timezone: 'UTC', createdAt: '2026-03-01T00:00:00.000Z' });
		const payload = buildDigestPayload(target, '2026-03-15', { papers: [paper('2603.00001')], total: 1 });
		const labels = (payload.components ?? []).flatMap((row) => row.components).map((button) => button.label);
		expect(labels).toContain('Unfollow “llm”');
	});
});
