import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cron from 'node-cron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessagePayload } from '../src/cards/types.js';
import type { DigestPaper } from '../src/digests/compose.js';
import type { DeliveryLookup, DigestSender } from '../src/digests/deliver.js';
import { localClock } from '../src/digests/local-time.js';
import { createDigestScheduler, cronLogger, DIGEST_CRON_NAME, findDueDigests, isDue, nextRunAt, type DigestScheduler } from '../src/digests/schedule.js';
import { createLogger, silentLogger } from '../src/log.js';
import type { Subscription } from '../src/store/records.js';
import { openStore, type Store } from '../src/store/store.js';

/** Discord behind our DigestSender port: records messages and when (by the test clock) they were posted. */
class FakeDiscord implements DigestSender {
	messages: Array<{ channelId: string; nonce: string; at: string; payload: MessagePayload }> = [];
	now: () => Date = () => new Date(0);
	/** enforce_nonce only inside Discord's window ("a few minutes"). */
	async sendToChannel(channelId: string, payload: MessagePayload, nonce: string) {
		const existing = this.messages.findIndex(
			(message) => message.channelId === channelId && message.nonce === nonce && this.now().getTime() - Date.parse(message.at) < 5 * 60_000,
		);
		if (existing >= 0) return { messageId: `m${existing}` };
		this.messages.push({ channelId, nonce, at: this.now().toISOString(), payload });
		return { messageId: `m${this.messages.length - 1}` };
	}
	async openDm(userId: string) {
		return { channelId: `dm-${userId}` };
	}
	async findDelivery({ channelId, reference }: { channelId: string; reference: string }): Promise<DeliveryLookup> {
		const index = this.messages.findIndex((message) => message.channelId === channelId && JSON.stringify(message.payload).includes(`ref ${reference}`));
		return index >= 0 ? { kind: 'posted', messageId: `m${index}` } : { kind: 'absent' };
	}
}

function subscription(fields: Partial<Subscription> = {}): Subscription {
	return {
		guildId: 'g',
		channelId: 'c1',
		time: '09:00',
		timezone: 'UTC',
		topics: [],
		maxPapers: 10,
		createdBy: 'u',
		createdAt: '2026-01-01T00:00:00.000Z',
		...fields,
	};
}

function paper(id: string, listedOn: string): DigestPaper {
	return { id, title: `Paper ${id}`, abstract: '', authors: [], listedOn, source: 'hf-daily' };
}

/** One paper listed every day of 2026, so no digest is ever empty. */
const PAPERS: DigestPaper[] = Array.from({ length: 365 }, (_, index) => {
	const day = new Date(Date.UTC(2026, 0, 1 + index)).toISOString().slice(0, 10);
	return paper(`p-${day}`, day);
});

const at = (iso: string) => new Date(iso);

describe('isDue', () => {
	const utc = (iso: string) => localClock(at(iso), 'UTC');

	it('is due from the slot until the day is delivered', () => {
		expect(isDue(subscription(), utc('2026-03-15T08:59:00Z'))).toBe(false);
		expect(isDue(subscription(), utc('2026-03-15T09:00:00Z'))).toBe(true);
		expect(isDue(subscription(), utc('2026-03-15T23:59:00Z'))).toBe(true);
		const delivered = subscription({ lastDelivery: { day: '2026-03-15', at: '', outcome: 'sent', paperCount: 1 } });
		expect(isDue(delivered, utc('2026-03-15T10:00:00Z'))).toBe(false);
		expect(isDue(delivered, utc('2026-03-16T09:00:00Z'))).toBe(true);
	});

	it('is never due while paused', () => {
		expect(isDue(subscription({ paused: { reason: 'x', at: '' } }), utc('2026-03-15T10:00:00Z'))).toBe(false);
	});

	it("starts tomorrow when created after today's slot", () => {
		expect(isDue(subscription({ createdAt: '2026-03-15T12:00:00.000Z' }), utc('2026-03-15T12:01:00Z'))).toBe(false);
		expect(isDue(subscription({ createdAt: '2026-03-15T08:00:00.000Z' }), utc('2026-03-15T09:00:00Z'))).toBe(true);
		expect(isDue(subscription({ createdAt: '2026-03-15T12:00:00.000Z' }), utc('2026-03-16T09:00:00Z'))).toBe(true);
	});
});

describe('isDue after a time-zone change', () => {
	// Delivered at 09:00 Tokyo on the 15th = 00:00 UTC on the 15th = 17:00 on the 14th in Los Angeles.
	const tokyoDelivery = { day: '2026-03-15', at: '2026-03-15T00:00:00.000Z', outcome: 'sent' as const, paperCount: 3 };

	it("counts the last digest on the new zone's day: moving west, the next local day is not skipped", () => {
		const moved = subscription({ timezone: 'America/Los_Angeles', lastDelivery: tokyoDelivery });
		// The stored day says the 15th, but in Los Angeles that digest came on the 14th: the 15th is still owed.
		expect(isDue(moved, localClock(at('2026-03-15T16:00:00Z'), 'America/Los_Angeles'))).toBe(true);
		expect(isDue(moved, localClock(at('2026-03-14T20:00:00Z'), 'America/Los_Angeles'))).toBe(false);
	});

	it('moving east, the day that already had its digest does not get a second', () => {
		// Delivered 09:00 in Los Angeles on the 14th = 16:00 UTC = 01:00 on the 15th in Tokyo.
		const laDelivery = { day: '2026-03-14', at: '2026-03-14T16:00:00.000Z', outcome: 'sent' as const, paperCount: 3 };
		const moved = subscription({ timezone: 'Asia/Tokyo', lastDelivery: laDelivery });
		expect(isDue(moved, localClock(at('2026-03-15T00:00:00Z'), 'Asia/Tokyo'))).toBe(false);
		expect(isDue(moved, localClock(at('2026-03-16T00:00:00Z'), 'Asia/Tokyo'))).toBe(true);
	});
});

describe('findDueDigests', () => {
	it("compares each schedule with its own zone's local time", () => {
		const now = at('2026-03-15T14:00:00Z'); // 09:00 EST... EDT: 10:00 in New York, 14:00 London, 23:00 Tokyo
		const due = findDueDigests(
			[
				subscription({ channelId: 'ny', timezone: 'America/New_York', time: '10:00' }),
				subscription({ channelId: 'ny-late', timezone: 'America/New_York', time: '10:01' }),
				subscription({ channelId: 'tokyo', timezone: 'Asia/Tokyo', time: '23:00' }),
			],
			[{ userId: 'u', topics: [], time: '14:00', timezone: 'Europe/London', createdAt: '2026-01-01T00:00:00.000Z' }],
			now,
		);
		expect(due.map((entry) => [entry.target.key, entry.day])).toEqual([
			['channel:ny', '2026-03-15'],
			['channel:tokyo', '2026-03-15'],
			['user:u', '2026-03-15'],
		]);
	});
});

describe('nextRunAt', () => {
	it('is now when due, else the next slot, and undefined when paused', () => {
		expect(nextRunAt(subscription(), at('2026-03-15T10:00:00Z'))?.toISOString()).toBe('2026-03-15T10:00:00.000Z');
		expect(nextRunAt(subscription(), at('2026-03-15T08:00:00Z'))?.toISOString()).toBe('2026-03-15T09:00:00.000Z');
		const delivered = subscription({ lastDelivery: { day: '2026-03-15', at: '', outcome: 'sent', paperCount: 1 } });
		expect(nextRunAt(delivered, at('2026-03-15T10:00:00Z'))?.toISOString()).toBe('2026-03-16T09:00:00.000Z');
		expect(nextRunAt(subscription({ paused: { reason: 'x', at: '' } }), at('2026-03-15T10:00:00Z'))).toBeUndefined();
		expect(nextRunAt(subscription({ time: '02:30', timezone: 'America/New_York' }), at('2026-03-08T05:00:00Z'))?.toISOString()).toBe(
			'2026-03-08T07:00:00.000Z',
		);
	});
});

describe('createDigestScheduler', () => {
	let dir: string;
	let store: Store;
	let discord: FakeDiscord;
	let clockNow: Date;
	let scheduler: DigestScheduler | undefined;

	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'paperboy-schedule-'));
		store = await openStore(`sqlite://${join(dir, 'paperboy.sqlite')}`, silentLogger);
		discord = new FakeDiscord();
		clockNow = at('2026-03-15T00:00:00Z');
		discord.now = () => clockNow;
	});
	afterEach(async () => {
		await scheduler?.stop();
		scheduler = undefined;
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const makeScheduler = () => {
		scheduler = createDigestScheduler({ store, sender: discord, clock: () => clockNow, logger: silentLogger, papers: () => PAPERS });
		return scheduler;
	};

	/** Ticks every `stepMinutes` from `from` to `to`, like the cron job would with a moving clock. */
	async function tickThrough(from: string, to: string, stepMinutes: number) {
		const digests = makeScheduler();
		for (let time = Date.parse(from); time <= Date.parse(to); time += stepMinutes * 60_000) {
			clockNow = new Date(time);
			await digests.tick();
		}
	}

	it('posts once per local day however often it ticks', async () => {
		await store.subscriptions.set('g:c1', subscription());
		const digests = makeScheduler();
		for (const time of ['2026-03-15T08:59:00Z', '2026-03-15T09:00:00Z', '2026-03-15T09:01:00Z', '2026-03-15T15:00:00Z']) {
			clockNow = at(time);
			await digests.tick();
		}
		expect(discord.messages.map((message) => message.at)).toEqual(['2026-03-15T09:00:00.000Z']);
		// Two passes asked for at once run one after the other, never side by side.
		await Promise.all([digests.tick(at('2026-03-16T09:00:00Z')), digests.tick(at('2026-03-16T09:00:00Z'))]);
		expect(discord.messages).toHaveLength(2);
	});

	it('catches up a digest missed while down, on start, if its local day has not ended', async () => {
		await store.subscriptions.set('g:c1', subscription({ lastDelivery: { day: '2026-03-13', at: '', outcome: 'sent', paperCount: 1 } }));
		clockNow = at('2026-03-15T08:00:00Z'); // down all of the 14th: that digest is gone, the 15th's not yet due
		const digests = makeScheduler();
		await digests.tick();
		expect(discord.messages).toEqual([]);
		clockNow = at('2026-03-15T17:30:00Z'); // down through 09:00; the start-up tick catches up
		digests.start();
		await digests.tick();
		expect(discord.messages.map((message) => message.at)).toEqual(['2026-03-15T17:30:00.000Z']);
		// Nothing lost: the 14th's paper comes with the 15th's digest.
		expect(JSON.stringify(discord.messages[0]?.payload)).toContain('p-2026-03-14');
	});

	it('fires a 02:30 New York slot once on the spring-forward day, at the jump', async () => {
		await store.subscriptions.set('g:c1', subscription({ time: '02:30', timezone: 'America/New_York' }));
		await tickThrough('2026-03-07T06:00:00Z', '2026-03-09T09:00:00Z', 10);
		expect(discord.messages.map((message) => message.at)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
	});

	it('fires a 01:30 New York slot once on the fall-back day, at its first occurrence', async () => {
		await store.subscriptions.set('g:c1', subscription({ time: '01:30', timezone: 'America/New_York' }));
		await tickThrough('2026-10-31T04:00:00Z', '2026-11-02T08:00:00Z', 10);
		expect(discord.messages.map((message) => message.at)).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
	});

	it('keeps 09:00 London at 09:00 local across both 2026 changes', async () => {
		await store.subscriptions.set('g:c1', subscription({ time: '09:00', timezone: 'Europe/London' }));
		await tickThrough('2026-03-28T08:00:00Z', '2026-03-30T10:00:00Z', 30);
		await tickThrough('2026-10-24T07:00:00Z', '2026-10-26T10:00:00Z', 30);
		expect(discord.messages.map((message) => message.at)).toEqual([
			'2026-03-28T09:00:00.000Z',
			'2026-03-29T08:00:00.000Z',
			'2026-03-30T08:00:00.000Z',
			'2026-10-24T08:00:00.000Z',
			'2026-10-25T09:00:00.000Z',
			'2026-10-26T09:00:00.000Z',
		]);
	});

	it('skips the subscriptions of guilds it does not own, and follows only while told to deliver them', async () => {
		await store.subscriptions.set('mine:c1', subscription({ guildId: 'mine', channelId: 'c1' }));
		await store.subscriptions.set('theirs:c2', subscription({ guildId: 'theirs', channelId: 'c2' }));
		await store.follows.set('u1', { userId: 'u1', time: '09:00', timezone: 'UTC', topics: [], createdAt: '2026-01-01T00:00:00.000Z' });
		const ownsGuild = (guildId: string) => guildId === 'mine';
		clockNow = at('2026-03-15T09:00:00Z');
		scheduler = createDigestScheduler({
			store,
			sender: discord,
			clock: () => clockNow,
			logger: silentLogger,
			papers: () => PAPERS,
			ownsGuild,
			deliverFollows: false,
		});
		expect((await scheduler.tick()).due).toBe(1);
		expect(discord.messages.map((message) => message.channelId)).toEqual(['c1']);
		await scheduler.stop();
		// The default delivers follows (every process does today); the other guild's digest is still not ours.
		scheduler = createDigestScheduler({ store, sender: discord, clock: () => clockNow, logger: silentLogger, papers: () => PAPERS, ownsGuild });
		await scheduler.tick();
		expect(discord.messages.map((message) => message.channelId)).toEqual(['c1', 'dm-u1']);
	});

	it('fails loudly when the store fails, instead of seeing no subscriptions', async () => {
		const digests = makeScheduler();
		await store.close();
		await expect(digests.tick()).rejects.toThrow(/Database .*paperboy\.sqlite/);
	});

	it('runs 10,000 subscriptions on one cron job', async () => {
		const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
		const entries = Array.from({ length: 10_000 }, (_, index) => {
			// 100 are due at the tick below (UTC 09:00); the rest later today in their zones.
			const due = index < 100;
			const value = subscription({ channelId: `c${index}`, timezone: due ? 'UTC' : (zones[index % zones.length] as string), time: due ? '09:00' : '23:59' });
			return [`g:c${index}`, value] as const;
		});
		await store.subscriptions.setMany(entries);
		const before = cron.getTasks().size;
		clockNow = at('2026-03-15T09:00:00Z');
		const digests = makeScheduler();
		digests.start();
		expect(cron.getTasks().size).toBe(before + 1);
		expect([...cron.getTasks().values()].filter((task) => task.name === DIGEST_CRON_NAME)).toHaveLength(1);
		const report = await digests.tick();
		expect(report.due).toBe(0); // the start-up tick already delivered them
		expect(discord.messages).toHaveLength(100);
		await digests.stop();
		expect(cron.getTasks().size).toBe(before);
	});
});

describe('cronLogger', () => {
	it('routes node-cron messages to our logger', () => {
		const lines: string[] = [];
		const logger = cronLogger(createLogger({ level: 'debug', write: (line) => lines.push(line) }));
		logger.warn('task still running, new execution blocked by overlap prevention!');
		logger.error(new Error('boom'));
		expect(lines.map((line) => JSON.parse(line))).toMatchObject([
			{ level: 'warn', message: 'node-cron: task still running, new execution blocked by overlap prevention!' },
			{ level: 'error', message: 'node-cron: boom' },
		]);
	});
});
