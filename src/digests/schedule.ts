import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import type { DigestSchedule, Follow, Subscription } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { DigestPaper, RecommendPapers } from './compose.js';
import { DEFAULT_DELIVERY_CONCURRENCY, deliverDigests, emptyCounts, type DeliveryReport, type DigestSender } from './deliver.js';
import { nextRunDay, runsOn } from './cadence.js';
import { deliveredLocalDay } from './ledger.js';
import { addDays, hasReached, localClock, slotInstant, slotMinutes, type LocalClock } from './local-time.js';
import { channelTarget, followTarget, type DueDigest } from './targets.js';
import type { ThreadSender } from './threads.js';
import type { TopicMatcher } from './topics.js';

/**
 * Due when, on local day D, local time has reached the slot and nothing was delivered for D. After downtime
 * the first tick therefore catches up today's digest, and never yesterday's (its local day has ended). A
 * slot inside a spring-forward gap is reached at the jump; on a fall-back day the slot fires on its first
 * occurrence and the delivery recorded for D stops the second. A schedule created after today's slot
 * starts tomorrow, so subscribing at noon does not post a 09:00 digest at once.
 */
export function isDue(schedule: DigestSchedule, local: LocalClock): boolean {
	if (schedule.paused) return false;
	// Weekly and weekday digests simply have no slot on their other days; a missed one is caught up the same day only.
	if (!runsOn(schedule, local.day)) return false;
	const slot = slotMinutes(schedule.time);
	if (local.minutes < slot) return false;
	const last = deliveredLocalDay(schedule.lastDelivery, schedule.timezone);
	if (last !== undefined && last >= local.day) return false;
	// Created two UTC days before this local day or earlier: locally too it was an earlier day (no zone is a day
	// away from UTC), which spares most schedules an Intl call per pass.
	if (schedule.createdAt.slice(0, 10) <= twoDaysBefore(local.day)) return true;
	const created = localClock(new Date(schedule.createdAt), schedule.timezone);
	return !(created.day > local.day || (created.day === local.day && created.minutes > slot));
}

/** The day two days before `day`, remembered for the last day asked: a pass asks for the same one per schedule. */
let lastTwoDaysBefore = { day: '', before: '' };
function twoDaysBefore(day: string): string {
	if (lastTwoDaysBefore.day !== day) lastTwoDaysBefore = { day, before: addDays(day, -2) };
	return lastTwoDaysBefore.before;
}

/**
 * Every due digest at `now`. Local time is computed once per time zone, not per schedule: ten thousand
 * subscriptions in a handful of zones cost a handful of Intl calls plus integer comparisons.
 */
export function findDueDigests(subscriptions: readonly Subscription[], follows: readonly Follow[], now: Date): DueDigest[] {
	const clocks = new Map<string, LocalClock>();
	const clockFor = (zone: string) => {
		let local = clocks.get(zone);
		if (!local) {
			local = localClock(now, zone);
			clocks.set(zone, local);
		}
		return local;
	};
	const due: DueDigest[] = [];
	for (const subscription of subscriptions) {
		const local = clockFor(subscription.timezone);
		if (isDue(subscription, local)) due.push({ target: channelTarget(subscription), day: local.day });
	}
	for (const follow of follows) {
		const local = clockFor(follow.timezone);
		if (isDue(follow, local)) due.push({ target: followTarget(follow), day: local.day });
	}
	return due;
}

/** When the schedule will next deliver (for `/digest list`); `now` when it is due; undefined while paused. */
export function nextRunAt(schedule: DigestSchedule, now: Date): Date | undefined {
	if (schedule.paused) return undefined;
	const local = localClock(now, schedule.timezone);
	if (isDue(schedule, local)) return now;
	const slot = slotMinutes(schedule.time);
	const doneToday =
		!runsOn(schedule, local.day) || (deliveredLocalDay(schedule.lastDelivery, schedule.timezone) ?? '') >= local.day || hasReached(local, local.day, slot);
	return slotInstant(doneToday ? nextRunDay(schedule, addDays(local.day, 1)) : local.day, schedule.time, schedule.timezone);
}

export interface TickReport {
	at: string;
	due: number;
	delivery: DeliveryReport['counts'];
	/** Collections that could not be read this pass (logged); the other's digests still went out. */
	unreadable?: string[];
}

export interface DigestScheduler {
	/** Starts the one cron job (every minute) and runs a catch-up tick right away. */
	start(): void;
	/** Stops the cron job and waits for a tick in progress. */
	stop(): Promise<void>;
	/** Runs one pass now (tests, the sandbox's `time` command); waits for a pass in progress rather than overlapping it. */
	tick(now?: Date): Promise<TickReport>;
}

export interface DigestSchedulerOptions {
	store: Pick<Store, 'subscriptions' | 'follows' | 'deliveries' | 'listPapers'>;
	sender: DigestSender;
	clock: () => Date;
	logger: Logger;
	/** What digests draw from; defaults to the stored papers. Pass seeds + stored (the corpus) in the bot. */
	papers?: () => readonly DigestPaper[] | Promise<readonly DigestPaper[]>;
	matchTopics?: TopicMatcher;
	concurrency?: number;
	/** Defaults to every minute; the slot comparison, not the cron pattern, decides what is due. */
	cronExpression?: string;
	/** Channel digests go out only for guilds this process owns (its shards); default: every guild. */
	ownsGuild?: (guildId: string) => boolean;
	/**
	 * Whether this process delivers DM follows (default true); with several processes only one should. A function
	 * is asked at every pass: the bot's leader lease moves between processes.
	 */
	deliverFollows?: boolean | (() => boolean);
	/** Forum posts and discussion threads. */
	threads?: ThreadSender;
	/** Picks the papers of "For you" follows. */
	recommend?: RecommendPapers;
	/** Told after every finished pass (metrics, health): what was due and how each delivery ended. */
	onTick?: (report: TickReport) => void;
}

export const DIGEST_CRON_NAME = 'paperboy-digests';

export function createDigestScheduler(options: DigestSchedulerOptions): DigestScheduler {
	const logger = options.logger.child({ component: 'digests' });
	let task: ScheduledTask | undefined;
	let running: Promise<TickReport> | undefined;

	const runOnce = async (now: Date): Promise<TickReport> => {
		// Read apart: an unreadable follows table must not stop every channel's digest (nor the reverse).
		const [subscriptionsRead, followsRead] = await Promise.allSettled([options.store.subscriptions.values(), options.store.follows.values()]);
		// Both unreadable: the tick fails loudly rather than looking like a day with nothing due.
		if (subscriptionsRead.status === 'rejected' && followsRead.status === 'rejected') throw subscriptionsRead.reason;
		const unreadable: string[] = [];
		const readable = <T>(name: string, read: PromiseSettledResult<T[]>): T[] => {
			if (read.status === 'fulfilled') return read.value;
			unreadable.push(name);
			logger.error(`digest tick could not read ${name}; delivering the other digests`, { collection: name, error: read.reason });
			return [];
		};
		const ownsGuild = options.ownsGuild;
		const subscriptions = readable('subscriptions', subscriptionsRead).filter((subscription) => !ownsGuild || ownsGuild(subscription.guildId));
		const deliverFollows = typeof options.deliverFollows === 'function' ? options.deliverFollows() : options.deliverFollows !== false;
		const follows = deliverFollows ? readable('follows', followsRead) : [];
		const due = findDueDigests(subscriptions, follows, now);
		const report: TickReport = { at: now.toISOString(), due: due.length, delivery: emptyCounts(), ...(unreadable.length > 0 ? { unreadable } : {}) };
		if (due.length === 0) return report;
		const papers = await (options.papers ? options.papers() : options.store.listPapers());
		const delivery = await deliverDigests(due, {
			sender: options.sender,
			store: options.store,
			papers,
			now,
			logger,
			concurrency: options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY,
			...(options.matchTopics ? { matchTopics: options.matchTopics } : {}),
			...(options.threads ? { threads: options.threads } : {}),
			...(options.recommend ? { recommend: options.recommend } : {}),
		});
		report.delivery = delivery.counts;
		logger.info('digest tick', { at: report.at, due: due.length, ...delivery.counts });
		return report;
	};

	const tick = (now?: Date): Promise<TickReport> => {
		const previous = running ?? Promise.resolve(undefined);
		const current = previous.catch(() => undefined).then(() => runOnce(now ?? options.clock()));
		current.then(
			(report) => options.onTick?.(report),
			() => {},
		);
		running = current;
		const clear = () => {
			if (running === current) running = undefined;
		};
		current.then(clear, clear);
		return current;
	};

	const onCron = () => {
		// The in-process guard: a pass still delivering when the next minute starts is not joined by another.
		if (running) {
			logger.debug('digest tick skipped: previous tick still running');
			return;
		}
		return tick().catch((error: unknown) => logger.error('digest tick failed', { error }));
	};

	return {
		start() {
			if (task) return;
			task = cron.schedule(options.cronExpression ?? '* * * * *', onCron, { name: DIGEST_CRON_NAME, noOverlap: true, logger: cronLogger(logger) });
			void tick().catch((error: unknown) => logger.error('catch-up digest tick failed', { error }));
		},
		async stop() {
			const stopping = task;
			task = undefined;
			await stopping?.destroy();
			await running?.catch(() => undefined);
		},
		tick,
	};
}

/** node-cron prints to the console unless given a logger; its warnings (missed runs, overlaps) belong in ours. */
export function cronLogger(logger: Logger): Parameters<typeof cron.setLogger>[0] {
	const text = (message: string | Error) => (message instanceof Error ? message.message : message);
	return {
		info: (message) => logger.info(`node-cron: ${message}`),
		warn: (message) => logger.warn(`node-cron: ${message}`),
		error: (message, error) => logger.error(`node-cron: ${text(message)}`, { error: error ?? message }),
		debug: (message, error) => logger.debug(`node-cron: ${text(message)}`, error ? { error } : undefined),
	};
}
