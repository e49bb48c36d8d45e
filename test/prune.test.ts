import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessagePayload } from '../src/cards/types.js';
import { DigestWindow, type DigestPaper } from '../src/digests/compose.js';
import { deliverDigests, type DigestSender } from '../src/digests/deliver.js';
import { followForYou, followTopic, unfollowTopic } from '../src/digests/follows.js';
import { addDays } from '../src/digests/local-time.js';
import { subscribeChannel, unsubscribeChannel } from '../src/digests/subscriptions.js';
import { channelTarget, followTarget, type DueDigest } from '../src/digests/targets.js';
import { createLogger, silentLogger } from '../src/log.js';
import { pruneStore, REMOVED_TARGET_GRACE_DAYS, sentFloor, startPruneJob, type PruneStore } from '../src/store/prune.js';
import type { DeliveryRecord } from '../src/store/records.js';
import { QUERY_MEMO_TTL_MS, type Store, type StoreNamespace } from '../src/store/store.js';
import { useTempStore } from './support/temp-store.js';

let store: Store;
useTempStore('prune', (opened) => {
	store = opened;
});
afterEach(() => {
	vi.useRealTimers();
});

const DAY_MS = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const D0 = '2026-03-01';
const at = (day: string, time = '09:00') => new Date(`${day}T${time}:00.000Z`);
const plusDays = (instant: Date | number, days: number) => new Date(new Date(instant).getTime() + days * DAY_MS);

/** Keyv stamps and checks TTLs with Date.now(): only Date is faked, so SQLite's callbacks run as usual. */
function setSystemTime(ms: number): void {
	vi.useFakeTimers({ toFake: ['Date'] });
	vi.setSystemTime(ms);
}

/** Rows as stored, expired ones included: what the prune is for. */
async function rowCount(namespace: StoreNamespace): Promise<number> {
	return store.raw(namespace).count();
}

function paper(id: string, listedOn: string): DigestPaper {
	return { id, title: `Paper ${id}`, abstract: 'About models.', authors: [], listedOn, source: 'hf-daily', firstSeenAt: `${listedOn}T06:00:00.000Z` };
}

/** Discord behind the DigestSender port: keeps every message's paper ids. */
function fakeDiscord() {
	const sent: Array<{ channelId: string; paperIds: string[] }> = [];
	const sender: DigestSender = {
		async sendToChannel(channelId: string, payload: MessagePayload) {
			const ids = JSON.stringify(payload.components ?? []).match(/paper:open:[^"]+/g) ?? [];
			sent.push({ channelId, paperIds: ids.map((id) => id.slice('paper:open:'.length)) });
			return { messageId: `m${sent.length}` };
		},
		async openDm(userId: string) {
			return { channelId: `dm-${userId}` };
		},
		async findDelivery() {
			return { kind: 'absent' as const };
		},
	};
	return { sender, sent, idsTo: (channelId: string) => sent.filter((message) => message.channelId === channelId).flatMap((message) => message.paperIds) };
}

async function subscribe(channelId: string, now: Date) {
	return (await subscribeChannel(store, { guildId: 'g', channelId, userId: 'admin' }, now)).subscription;
}

async function deliverChannel(channelId: string, day: string, papers: readonly DigestPaper[], sender: DigestSender) {
	const subscription = await store.subscriptions.get(`g:${channelId}`);
	if (!subscription) throw new Error(`c${channelId} is not subscribed`);
	const due: DueDigest[] = [{ target: channelTarget(subscription), day }];
	return deliverDigests(due, { sender, store, papers, now: at(day), logger: silentLogger });
}

describe('pruneStore', () => {
	describe('query memos', () => {
		it('deletes memos whose TTL has passed and keeps the rest', async () => {
			setSystemTime(T0);
			await store.queries.remember('old', 'an old long query');
			setSystemTime(T0 + 20 * DAY_MS);
			await store.queries.remember('fresh', 'a fresh long query');
			const report = await pruneStore(store, new Date(T0 + QUERY_MEMO_TTL_MS + 1), silentLogger);
			expect(report.expiredQueries).toBe(1);
			expect(await rowCount('queries')).toBe(1);
			expect(await store.queries.recall('old')).toBeUndefined();
			expect(await store.queries.recall('fresh')).toBe('a fresh long query');
		});

		it('restarts the TTL when the same hash is remembered again', async () => {
			setSystemTime(T0);
			await store.queries.remember('h', 'a long query');
			setSystemTime(T0 + 25 * DAY_MS);
			await store.queries.remember('h', 'a long query');
			const report = await pruneStore(store, new Date(T0 + QUERY_MEMO_TTL_MS + 1), silentLogger);
			expect(report.expiredQueries).toBe(0);
			setSystemTime(T0 + QUERY_MEMO_TTL_MS + 1);
			expect(await store.queries.recall('h')).toBe('a long query');
		});

		it('hides an expired memo from recall even before the prune deletes its row', async () => {
			setSystemTime(T0);
			await store.queries.remember('h', 'a long query');
			setSystemTime(T0 + QUERY_MEMO_TTL_MS + 1);
			expect(await store.queries.recall('h')).toBeUndefined();
		});

		it('gives memos written before they expired a TTL from now', async () => {
			await store.raw('queries').write([['legacy', JSON.stringify({ value: 'a legacy query' })]]);
			setSystemTime(T0);
			expect(await pruneStore(store, new Date(T0), silentLogger)).toMatchObject({ adoptedQueries: 1, expiredQueries: 0 });
			expect(await store.queries.recall('legacy')).toBe('a legacy query');
			expect(await pruneStore(store, new Date(T0 + QUERY_MEMO_TTL_MS + 1), silentLogger)).toMatchObject({ adoptedQueries: 0, expiredQueries: 1 });
			expect(await rowCount('queries')).toBe(0);
		});
	});

	describe('removed targets', () => {
		it("deletes an unsubscribed channel's and an unfollowed user's record only after the grace period", async () => {
			const discord = fakeDiscord();
			const papers = [paper('2603.00001', D0)];
			await subscribe('c1', at(D0, '08:00'));
			await followTopic(store, { userId: 'u1' }, at(D0, '08:00'));
			await deliverChannel('c1', D0, papers, discord.sender);
			const follow = await store.follows.get('u1');
			await deliverDigests([{ target: followTarget(follow!), day: D0 }], { sender: discord.sender, store, papers, now: at(D0), logger: silentLogger });
			expect(await rowCount('deliveries')).toBe(2);
			await unsubscribeChannel(store, 'g', 'c1');
			await unfollowTopic(store, 'u1', undefined, at(D0, '10:00'));

			const before = await pruneStore(store, plusDays(at(D0), REMOVED_TARGET_GRACE_DAYS - 1), silentLogger);
			expect(before.removedTargets).toBe(0);
			expect(await store.deliveries.get('channel:c1')).toBeDefined();
			const after = await pruneStore(store, plusDays(at(D0), REMOVED_TARGET_GRACE_DAYS + 1), silentLogger);
			expect(after.removedTargets).toBe(2);
			expect(await rowCount('deliveries')).toBe(0);
		});

		it('keeps the records of subscribed and followed targets however old, paused ones included', async () => {
			const discord = fakeDiscord();
			await subscribe('c1', at(D0, '08:00'));
			await subscribe('c2', at(D0, '08:00'));
			await followTopic(store, { userId: 'u1' }, at(D0, '08:00'));
			await deliverChannel('c1', D0, [paper('2603.00001', D0)], discord.sender);
			await store.subscriptions.set('g:c2', {
				...(await store.subscriptions.get('g:c2'))!,
				paused: { reason: 'Missing Access', at: at(D0).toISOString(), code: 50001 },
			});
			await store.deliveries.set('channel:c2', {
				target: 'channel:c2',
				sent: {},
				lastDay: D0,
				lastOutcome: { day: D0, at: at(D0).toISOString(), outcome: 'empty', paperCount: 0 },
			});
			await store.deliveries.set('user:u1', {
				target: 'user:u1',
				sent: {},
				pending: { day: D0, nonce: 'n', paperIds: [], at: at(D0).toISOString(), failedAt: at(D0).toISOString() },
			});
			const report = await pruneStore(store, plusDays(at(D0), 365), silentLogger);
			expect(report.removedTargets).toBe(0);
			expect(await rowCount('deliveries')).toBe(3);
		});

		it('keeps the records of named digests and "For you" follows, which live under their own keys', async () => {
			await subscribeChannel(store, { guildId: 'g', channelId: 'c1', userId: 'admin', name: 'weekly' }, at(D0, '08:00'));
			await followForYou(store, { userId: 'u1' }, at(D0, '08:00'));
			const old = { sent: {}, lastOutcome: { day: D0, at: at(D0).toISOString(), outcome: 'empty' as const, paperCount: 0 } };
			await store.deliveries.set('channel:c1:weekly', { target: 'channel:c1:weekly', ...old });
			await store.deliveries.set('user:u1:foryou', { target: 'user:u1:foryou', ...old });
			await store.deliveries.set('channel:c1:gone', { target: 'channel:c1:gone', ...old });
			const report = await pruneStore(store, plusDays(at(D0), 365), silentLogger);
			expect(report.removedTargets).toBe(1);
			expect(await store.deliveries.get('channel:c1:weekly')).toBeDefined();
			expect(await store.deliveries.get('user:u1:foryou')).toBeDefined();
		});

		it('keeps a removed target whose record was written during the grace period (a pending digest counts)', async () => {
			const recent = plusDays(at(D0), REMOVED_TARGET_GRACE_DAYS).toISOString();
			await store.deliveries.set('channel:c9', {
				target: 'channel:c9',
				sent: {},
				lastOutcome: { day: D0, at: at(D0).toISOString(), outcome: 'sent', paperCount: 1 },
				pending: { day: D0, nonce: 'n', paperIds: [], at: recent },
			});
			expect((await pruneStore(store, plusDays(at(D0), REMOVED_TARGET_GRACE_DAYS + 1), silentLogger)).removedTargets).toBe(0);
			expect((await pruneStore(store, plusDays(at(D0), 2 * REMOVED_TARGET_GRACE_DAYS + 1), silentLogger)).removedTargets).toBe(1);
		});

		it('never repeats a paper to a channel re-subscribed within the grace period', async () => {
			const discord = fakeDiscord();
			const D1 = addDays(D0, 1);
			const first = [paper('2603.00001', D0), paper('2603.00002', D0)];
			const second = [...first, paper('2603.00003', D1)];
			await subscribe('c1', at(D0, '08:00'));
			await deliverChannel('c1', D0, first, discord.sender);
			await unsubscribeChannel(store, 'g', 'c1');
			await pruneStore(store, at(D1, '08:00'), silentLogger);
			await subscribe('c1', at(D1, '08:30'));
			// Without its record the channel's first window (two listing days) would take day 0's papers again.
			await deliverChannel('c1', D1, second, discord.sender);
			expect(discord.idsTo('c1')).toEqual(['2603.00001', '2603.00002', '2603.00003']);
		});

		it('never repeats a paper to a channel re-subscribed after its record was pruned', async () => {
			const discord = fakeDiscord();
			const back = addDays(D0, REMOVED_TARGET_GRACE_DAYS + 1);
			const papers = [paper('2603.00001', D0), paper('2603.00002', addDays(D0, 1))];
			await subscribe('c1', at(D0, '08:00'));
			await deliverChannel('c1', D0, papers, discord.sender);
			await unsubscribeChannel(store, 'g', 'c1');
			expect((await pruneStore(store, at(back, '08:00'), silentLogger)).removedTargets).toBe(1);
			await subscribe('c1', at(back, '08:30'));
			await deliverChannel('c1', back, [...papers, paper('2604.00001', back)], discord.sender);
			expect(discord.idsTo('c1')).toEqual(['2603.00001', '2604.00001']);
		});
	});

	describe('sent maps', () => {
		it('trims ids listed before the floor and leaves the rest of the record as it was', async () => {
			const now = at('2026-04-20', '12:00');
			const floor = sentFloor(now);
			expect(floor).toBe(addDays('2026-04-20', -DigestWindow.keepSentDays));
			const record: DeliveryRecord = {
				target: 'channel:c1',
				sent: { old: '2026-03-01', before: addDays(floor, -1), edge: floor, recent: '2026-04-19' },
				lastDay: '2026-04-19',
				lastOutcome: { day: '2026-04-19', at: '2026-04-19T09:00:00.000Z', outcome: 'sent', paperCount: 2, messageId: 'm1' },
			};
			await subscribe('c1', at(D0));
			await subscribe('c2', at(D0));
			await store.deliveries.set('channel:c1', record);
			await store.deliveries.set('channel:c2', { target: 'channel:c2', sent: { recent: '2026-04-19' } });
			const report = await pruneStore(store, now, silentLogger);
			expect(report.trimmedRecords).toBe(1);
			expect(await store.deliveries.get('channel:c1')).toEqual({ ...record, sent: { edge: floor, recent: '2026-04-19' } });
			expect(await store.deliveries.get('channel:c2')).toEqual({ target: 'channel:c2', sent: { recent: '2026-04-19' } });
			// A record left with nothing still reads back as an empty map.
			await pruneStore(store, plusDays(now, 30), silentLogger);
			expect((await store.deliveries.get('channel:c1'))?.sent).toEqual({});
		});

		it('stays bounded over daily digests and prunes, and never re-sends a paper', async () => {
			const discord = fakeDiscord();
			await subscribe('c1', at(D0, '08:00'));
			const papers: DigestPaper[] = [];
			let largest = 0;
			for (let offset = 0; offset <= 40; offset += 1) {
				const day = addDays(D0, offset);
				const nextId = () => `2603.${String(papers.length + 1).padStart(5, '0')}`;
				for (let i = 0; i < 3; i += 1) papers.push(paper(nextId(), day));
				// The bot is down every fifth day: the next digest reaches back over the gap.
				if (offset % 5 === 4) continue;
				await deliverChannel('c1', day, papers, discord.sender);
				await pruneStore(store, at(day, '12:00'), silentLogger);
				largest = Math.max(largest, Object.keys((await store.deliveries.get('channel:c1'))?.sent ?? {}).length);
			}
			const ids = discord.idsTo('c1');
			expect(new Set(ids).size).toBe(ids.length);
			expect(ids).toHaveLength(papers.length);
			// Each listing day holds 3 ids; the map covers keepSentDays + 1 listing days at most.
			expect(largest).toBeLessThanOrEqual(3 * (DigestWindow.keepSentDays + 1));
			expect(largest).toBeGreaterThan(3 * DigestWindow.maxLookbackDays);
		});
	});

	it('deletes nothing but expired memos and removed targets past the grace period', async () => {
		await subscribe('c1', at(D0));
		await followTopic(store, { userId: 'u1' }, at(D0));
		await store.upsertPapers([paper('2603.00001', D0), paper('2603.00002', D0)], at(D0));
		await store.recordSourceStatus('hf', { lastSuccessAt: at(D0).toISOString(), added: 2 });
		await store.deliveries.set('channel:c1', { target: 'channel:c1', sent: {} });
		// Rows the prune cannot read or does not own stay as they are.
		await store.raw('deliveries').write([['channel:gone', 'not json']]);
		await store.deliveries.set('legacy-shape', { target: 'legacy-shape', sent: {} });
		const namespaces: StoreNamespace[] = ['subscriptions', 'follows', 'papers', 'sources', 'meta', 'deliveries'];
		const counts = async () => Object.fromEntries(await Promise.all(namespaces.map(async (name) => [name, await rowCount(name)])));
		const before = await counts();
		const report = await pruneStore(store, plusDays(at(D0), 400), silentLogger);
		expect(report).toMatchObject({ expiredQueries: 0, adoptedQueries: 0, removedTargets: 0 });
		expect(await counts()).toEqual(before);
		expect(await store.listPapers()).toHaveLength(2);
	});

	it('logs one info line with the counts', async () => {
		const lines: string[] = [];
		await pruneStore(store, new Date(T0), createLogger({ write: (line) => lines.push(line) }));
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'info', message: 'store pruned', expiredQueries: 0, removedTargets: 0, trimmedRecords: 0 });
	});
});

describe('startPruneJob', () => {
	it('prunes after the start-up delay, and stop waits for the run in progress', async () => {
		const lines: string[] = [];
		const logger = createLogger({ write: (line) => lines.push(line) });
		const job = startPruneJob({ store, clock: () => new Date(T0), logger, startupDelayMs: 1, intervalMs: DAY_MS });
		await expect.poll(() => lines.some((line) => line.includes('store pruned'))).toBe(true);
		await job.stop();
		expect(await job.runNow()).toBeUndefined();
	});

	it('logs a failure and keeps its schedule', async () => {
		const lines: string[] = [];
		const fail = async (): Promise<never> => Promise.reject(new Error('disk I/O error'));
		const failing: PruneStore = { raw: (name) => ({ ...store.raw(name), list: fail, read: fail, write: fail, swap: fail }) };
		const job = startPruneJob({
			store: failing,
			clock: () => new Date(T0),
			logger: createLogger({ write: (line) => lines.push(line) }),
			startupDelayMs: DAY_MS,
		});
		expect(await job.runNow()).toBeUndefined();
		expect(lines.some((line) => line.includes('store prune failed') && line.includes('disk I/O error'))).toBe(true);
		await job.stop();
	});
});
