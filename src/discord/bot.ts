import { Events, Status, type Client } from 'discord.js';
import type { Config } from '../config.js';
import type { DigestSender } from '../digests/deliver.js';
import { createDigestScheduler, type DigestScheduler } from '../digests/schedule.js';
import { createIndexTopicMatcher } from '../digests/topics.js';
import type { Logger } from '../log.js';
import { loadCorpusOrSnapshot, type Corpus, type SnapshotSource } from '../search/corpus.js';
import { warmUpIndex } from '../search/warm-up.js';
import { keepIndexSnapshot, type SnapshotKeeper } from '../search/snapshot-keeper.js';
import { PaperFeedDefaults } from '../store/paper-feed.js';
import { followPaperFeed, type PaperFeedFollower } from '../papers/sources/feed.js';
import { localDigestTimes, startIngestService, type IngestService } from '../papers/sources/service.js';
import type { IngestReport } from '../papers/sources/types.js';
import { startPruneJob, type PruneJob } from '../store/prune.js';
import type { StoreError } from '../store/errors.js';
import { startLeadership, type Leadership } from '../store/leadership.js';
import { openLeaseConnection, type DatabaseLease, type LeaseOptions } from '../store/lease.js';
import { createShardLeases } from '../store/shard-leases.js';
import { openStore, type Store, type StoreOptions } from '../store/store.js';
import { createBotMetrics, type BotMetrics } from '../metrics/metrics.js';
import { startMetricsServer } from '../metrics/server.js';
import type { SlashCommand } from './command.js';
import { commands as defaultCommands } from './commands.js';
import { connectGateway, watchShardingRequired } from './connect.js';
import type { BotContext } from './context.js';
import { clientHistoryAccess, createDigestSender } from './digest-sender.js';
import { createThreadSender } from './thread-sender.js';
import type { ThreadSender } from '../digests/threads.js';
import { createForYouRecommender } from '../library/foryou-digest.js';
import { createDispatcher } from './dispatcher.js';
import { createGuildOwnership, formatShardIds, type ShardingRequiredError, type ShardPlan } from './shards.js';

export interface BotOptions {
	config: Config;
	/** Discord REST base (production) or the local emulator's; the only thing the sandbox changes besides the token. */
	apiUrl: string;
	token: string;
	logger: Logger;
	clock?: () => Date;
	commands?: readonly SlashCommand[];
	/** Digests in flight at once during a fan-out; the REST queues pace the requests themselves. */
	digestConcurrency?: number;
	/** Called once the corpus is loaded, before anything is scheduled; the sandbox sets its clock here. */
	onCorpusLoaded?: (corpus: Corpus) => void;
	/** Wraps the Discord sender the scheduler uses; tests put a crash point here to kill a fan-out midway. */
	wrapDigestSender?: (sender: DigestSender) => DigestSender;
	/** The same for forum posts and discussion threads. */
	wrapThreadSender?: (sender: ThreadSender) => ThreadSender;
	/** Sees the store before anything uses it; the crash suite puts its store-side crash points here. */
	onStoreOpened?: (store: Store) => void;
	/** Timings and identity of the shard leases and the leader lease (tests shorten them); see LeaseDefaults. */
	lease?: Pick<LeaseOptions, 'ttlMs' | 'renewEveryMs' | 'pollEveryMs' | 'instanceId' | 'now'>;
	/** How often papers other processes stored are looked for (tests shorten it); see PaperFeedDefaults. */
	feed?: { pollEveryMs?: number; lookbackMs?: number };
	/** When the digest scheduler runs its pass; every minute by default (tests run it every second or two). */
	digestCron?: string;
	/** Aborting while standing by for a shard lease gives up (a Ctrl+C on a waiting instance ends it at once). */
	signal?: AbortSignal;
	store?: StoreOptions;
	/**
	 * Another instance took the database over: this bot has already refused further writes and stopped when
	 * this is called. Production exits non-zero, so a supervisor shows the conflict instead of a quiet process.
	 */
	onLeaseLost?: (error: StoreError) => void;
	/**
	 * Discord closed a shard with 4011 after start-up (the bot outgrew its shard count); already logged with what to do.
	 * The other shards keep running. Production stops and starts again when `error.retryWith` is set, else exits 2.
	 * (At start-up the bot reconnects with Discord's new count by itself, or startBot throws ShardingRequiredError.)
	 */
	onShardingRequired?: (error: ShardingRequiredError) => void;
}

export interface RunningBot {
	client: Client<true>;
	context: BotContext;
	corpus: Corpus;
	store: Store;
	/** The shards this process runs, of how many; channel digests go out only for guilds on them. */
	shards: ShardPlan;
	/** This process's leases in the shared store: one per shard it runs, and the leader lease while it leads. */
	lease: BotLeases;
	/** Papers other processes store reach this process's index through the feed. */
	feed: PaperFeedFollower;
	/** Prometheus metrics of this bot; served on METRICS_PORT when set. */
	metrics: BotMetrics;
	/** The metrics server's port (METRICS_PORT=0 picks a free one). */
	metricsPort?: number;
	/** The digest scheduler (started at ready: one cron job plus a catch-up pass). */
	digests: DigestScheduler;
	/** Live sources (Hugging Face, arXiv): scheduled ingest into the store and the live index, run by the leader only (elsewhere: no sources, runs nothing). */
	ingest: IngestService;
	/** Runs what is due at `now` (ingest, then digests); the sandbox calls it when its clock jumps. */
	onTimeChanged(now: Date): Promise<void>;
	stop(): Promise<void>;
}

export interface BotLeases {
	/** One per shard this process runs (`shard:<i>/<n>`). */
	readonly shards: readonly DatabaseLease[];
	/** Whether this process holds the leader lease: it delivers DM follows, ingests and prunes. */
	readonly leader: boolean;
	/** What a killed process leaves (tests): renewals stop, the rows expire on their own. */
	abandon(): Promise<void>;
}

/**
 * How often the leader recomputes the pre-digest ingest times even when no command of its own changed them:
 * `/digest` commands answered by other processes change them too. A read of every schedule, which the digest
 * pass does every minute anyway.
 */
const INGEST_TIMES_REFRESH_MS = 10 * 60 * 1000;

/** A changed schedule moves its pre-digest ingest this long later at most; the ingest runs 10 minutes ahead anyway. */
const INGEST_TIMES_COALESCE_MS = 1_000;

/** Nor are the schedules re-read for it more often than this, however long a burst of changes lasts. */
const INGEST_TIMES_MIN_INTERVAL_MS = 30_000;

/** In-flight replies get this long to finish on shutdown before the connection is closed anyway. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * config → store → paper index (then following the paper feed) → shard plan → shard leases (standing by while
 * another process runs one of its shards) → discord.js client → login → digests, and the leader's jobs (DM
 * follows, ingest, pruning) while this process holds the leader lease. Anything that fails closes what was opened.
 */
export async function startBot(options: BotOptions): Promise<RunningBot> {
	const { config, logger } = options;
	const clock = options.clock ?? (() => new Date());
	const store = await openStore(config.databaseUrl, logger, options.store);
	options.onStoreOpened?.(store);
	let client: Client | undefined;
	let running: RunningBot | undefined;
	let lostLease: StoreError | undefined;
	const onLost = (error: StoreError) => {
		lostLease = error;
		// At once, before the stop below gets to it: a fan-out in flight must not record (or send) another digest.
		store.refuseWrites(error);
		running?.stop().then(
			() => options.onLeaseLost?.(error),
			(stopError: unknown) => {
				logger.error('stopping after the lost lease failed', { error: stopError });
				options.onLeaseLost?.(error);
			},
		);
	};
	// One connection for every lease of this process; the shard leases are taken with the plan, before the login.
	const leaseConnection = openLeaseConnection(config.databaseUrl, logger);
	const shardLeases = createShardLeases(leaseConnection, logger, {
		...options.lease,
		...(options.signal ? { signal: options.signal } : {}),
		beforeRenew: () => store.checkFile(),
		onLost,
	});
	let feed: PaperFeedFollower | undefined;
	let snapshots: SnapshotKeeper | undefined;
	let leadership: Leadership | undefined;
	try {
		await leaseConnection.ready;
		// Taken before the store is read: whatever is stored after it reaches the index through the feed.
		const storeReadAt = Date.now();
		const corpus = await loadCorpusOrSnapshot({
			seedsDir: config.seedsDir,
			papersYear: config.papersYear,
			now: clock(),
			listStoredPapers: () => store.listPapers(),
			snapshot: snapshotSource(config, store),
			logger,
		});
		// From a snapshot, the feed since it was taken carries what other processes (or this one's last run) stored.
		const feedSince = corpus.snapshot?.since ?? storeReadAt;
		options.onCorpusLoaded?.(corpus);
		const matchTopics = createIndexTopicMatcher(corpus.index);
		const metrics = createBotMetrics();
		let lastSchedulerPass: Date | undefined;
		metrics.papersIndexed(corpus.index.size);
		// Started now, so a process standing by for its shards keeps its index current too.
		feed = followPaperFeed({
			store,
			index: corpus.index,
			logger,
			since: feedSince,
			...options.feed,
			onApplied: () => metrics.papersIndexed(corpus.index.size),
		});
		if (corpus.snapshot) await feed.pollNow();
		snapshots = config.indexSnapshot && corpus.fingerprint ? keepCorpusSnapshot(config.indexSnapshot, corpus, store, logger) : undefined;
		const routed = options.commands ?? defaultCommands;
		const context: BotContext = {
			config,
			index: corpus.index,
			queries: store.queries,
			store,
			matchTopics,
			logger,
			clock,
			schedulesChanged: () => {},
			metrics,
			commands: routed.map((command) => command.data),
		};
		const dispatcher = createDispatcher(routed, context);
		const onInteraction = (interaction: Parameters<typeof dispatcher.dispatch>[0]) => void dispatcher.dispatch(interaction);
		// Shards from SHARD_COUNT/SHARDS or GET /gateway/bot; a 4011 at login re-plans or throws ShardingRequiredError.
		const gateway = await connectGateway({
			apiUrl: options.apiUrl,
			token: options.token,
			config,
			logger,
			setup: (made) => {
				client = made;
				watchClient(made, logger);
				made.on(Events.InteractionCreate, onInteraction);
			},
			// Before the Discord login: a process standing by must not answer interactions or open a gateway session.
			prepare: (plan) => shardLeases.hold(plan),
		});
		const readyClient = gateway.client;
		watchShardingRequired(gateway, logger, (error) => options.onShardingRequired?.(error));
		logger.info('bot ready', {
			user: readyClient.user.tag,
			guilds: readyClient.guilds.cache.size,
			papers: corpus.index.size,
			shards: formatShardIds(gateway.plan.ids),
			shardCount: gateway.plan.count,
		});
		const warmingFrom = performance.now();
		void warmUpIndex(corpus.index).then(
			(searches) => logger.debug('search warmed up', { searches, ms: Math.round(performance.now() - warmingFrom) }),
			(error: unknown) => logger.warn('search warm-up failed', { error }),
		);

		// Before anything is scheduled: a port already in use fails start-up with nothing left running.
		const metricsServer =
			config.metricsPort === undefined
				? undefined
				: await startMetricsServer({
						port: config.metricsPort,
						host: config.metricsHost,
						metrics,
						clock,
						logger,
						health: {
							gatewayConnected: () => readyClient.ws.shards.size > 0 && readyClient.ws.shards.every((shard) => shard.status === Status.Ready),
							storeWritable: () => !store.health().failing,
							lastSchedulerPass: () => lastSchedulerPass,
						},
					});
		const sender = createDigestSender(readyClient.rest, clientHistoryAccess(readyClient));
		const digests = createDigestScheduler({
			store,
			sender: options.wrapDigestSender ? options.wrapDigestSender(sender) : sender,
			clock,
			logger,
			// The whole corpus (seeds + ingested, live-updated by index.upsert): digests post what search finds.
			papers: () => corpus.index.all(),
			matchTopics,
			threads: wrapped(createThreadSender(readyClient.rest, readyClient.user.id), options.wrapThreadSender),
			recommend: createForYouRecommender({ store, lookup: (id) => corpus.index.get(id) }),
			// Channel digests of guilds on other processes' shards are theirs to send (their shard leases say whose).
			ownsGuild: createGuildOwnership(gateway.plan),
			// DM follows belong to the leader alone, whichever process that is at this pass.
			deliverFollows: () => leadership?.isLeader ?? false,
			...(options.digestCron === undefined ? {} : { cronExpression: options.digestCron }),
			...(options.digestConcurrency === undefined ? {} : { concurrency: options.digestConcurrency }),
			onTick: (report) => {
				lastSchedulerPass = clock();
				metrics.schedulerPassed(lastSchedulerPass);
				metrics.digestsDelivered(report.delivery);
			},
		});
		// The leader's jobs: live-source ingest (into the store, the feed and this index) and pruning. DM follows
		// go with them through deliverFollows above.
		let jobs: LeaderJobs | undefined;
		// Ingest also runs shortly before each digest time in use, so digests carry the day's papers.
		const digestTimes = async () => localDigestTimes([...(await store.subscriptions.values()), ...(await store.follows.values())], clock(), 'UTC');
		const startLeaderJobs = async (): Promise<LeaderJobs> => {
			const extraTimes = await digestTimes().catch((error: unknown) => {
				logger.warn('could not read the digest times for the pre-digest ingest', { error });
				return [];
			});
			const ingest = startIngestService({
				config,
				store,
				index: corpus.index,
				clock,
				logger,
				timezone: 'UTC',
				extraTimes,
				onReport: (report) => {
					for (const run of report.runs) metrics.ingestRan(run.source, run.error ? 'failed' : 'ok', run.added);
					metrics.papersIndexed(corpus.index.size);
				},
			});
			void ingest.runNow();
			const started: LeaderJobs = {
				ingest,
				times: extraTimes.join(','),
				refreshTimer: setInterval(() => refreshIngestTimes(started), INGEST_TIMES_REFRESH_MS).unref(),
				// Keeps the database bounded (expired query memos, removed targets' records, old sent ids, old feed entries): daily, and soon after start-up.
				prune: startPruneJob({ store, clock, logger }),
			};
			return started;
		};
		// Those times move when subscriptions change and, in UTC, when a zone shifts for daylight saving.
		const refreshIngestTimes = (of: LeaderJobs) => {
			of.refreshQueued = undefined;
			of.refreshedAt = Date.now();
			digestTimes().then(
				(times) => {
					if (jobs !== of || times.join(',') === of.times) return;
					of.times = times.join(',');
					of.ingest.reschedule(times);
				},
				(error: unknown) => logger.warn('could not refresh the pre-digest ingest times', { error }),
			);
		};
		// Coalesced: a burst of /digest subscribe re-reads the schedules once, not once per command, and a long burst at
		// most every INGEST_TIMES_MIN_INTERVAL_MS (reading 10,000 schedules a second was a tenth of a core).
		context.schedulesChanged = () => {
			const current = jobs;
			if (!current || current.refreshQueued) return;
			const wait = Math.max(INGEST_TIMES_COALESCE_MS, (current.refreshedAt ?? 0) + INGEST_TIMES_MIN_INTERVAL_MS - Date.now());
			current.refreshQueued = setTimeout(() => refreshIngestTimes(current), wait).unref();
		};
		const stopLeaderJobs = async () => {
			const stopping = await jobsStarting;
			jobs = undefined;
			jobsStarting = Promise.resolve(undefined);
			if (!stopping) return;
			clearInterval(stopping.refreshTimer);
			clearTimeout(stopping.refreshQueued);
			await stopping.ingest.stop();
			await stopping.prune.stop();
		};
		let jobsStarting: Promise<LeaderJobs | undefined> = Promise.resolve(undefined);
		const gainLeadership = () => {
			jobsStarting = jobsStarting
				.then(async (current) => current ?? (jobs = await startLeaderJobs()))
				.catch((error: unknown) => {
					logger.error('could not start the leader jobs (ingest, pruning); DM follows still go out', { error });
					return undefined;
				});
			return jobsStarting;
		};
		let startedUp = false;
		leadership = startLeadership({
			connection: leaseConnection,
			logger,
			...options.lease,
			onGained: () => {
				if (!startedUp) return;
				// A take-over: the follows due while nobody led go out now, not at the next minute.
				void gainLeadership().then(() => digests.tick().catch((error: unknown) => logger.error('digest tick after taking the lead failed', { error })));
			},
			onLost: stopLeaderJobs,
		});
		await leadership.start();
		// Started only once the client is ready: the catch-up pass sends at once.
		digests.start();
		startedUp = true;
		if (leadership.isLeader) await gainLeadership();

		let stopping: Promise<void> | undefined;
		const stop = () =>
			(stopping ??= (async () => {
				readyClient.off(Events.InteractionCreate, onInteraction);
				// A fan-out in progress finishes and records before the store closes under it, and before the leader
				// lease goes: another process must not take over DMs while this one is still sending them.
				await digests.stop();
				await leadership?.stop();
				await feed?.stop();
				await snapshots?.stop();
				await metricsServer?.close();
				await Promise.race([dispatcher.drain(), delay(DRAIN_TIMEOUT_MS)]);
				await readyClient.destroy();
				await store.close();
				await shardLeases.release();
				await leaseConnection.close();
				logger.info('bot stopped');
			})());
		const ingest = leaderIngest(() => jobs?.ingest);
		const onTimeChanged = async (now: Date) => {
			// A jump skips the scheduled ingests too: fetch the new day first so its digest can carry it.
			await ingest.runNow({ date: now.toISOString().slice(0, 10) });
			await digests.tick(now);
		};
		const leases: BotLeases = {
			get shards() {
				return shardLeases.held;
			},
			get leader() {
				return leadership?.isLeader ?? false;
			},
			async abandon() {
				await leadership?.abandon();
				await shardLeases.abandon();
				await leaseConnection.close();
			},
		};
		running = {
			client: readyClient,
			context,
			corpus,
			store,
			shards: gateway.plan,
			lease: leases,
			feed,
			digests,
			ingest,
			metrics,
			...(metricsServer ? { metricsPort: metricsServer.port } : {}),
			stop,
			onTimeChanged,
		};
		if (lostLease) {
			await stop();
			throw lostLease;
		}
		return running;
	} catch (error) {
		await leadership?.stop();
		await feed?.stop();
		await client?.destroy();
		await store.close();
		await shardLeases.release();
		await leaseConnection.close();
		throw error;
	}
}

interface LeaderJobs {
	ingest: IngestService;
	/** The pre-digest times the ingest is scheduled for, joined: a refresh that finds the same ones changes nothing. */
	times: string;
	refreshTimer: NodeJS.Timeout;
	refreshQueued?: NodeJS.Timeout | undefined;
	/** When the schedules were last read for the times (Date.now()). */
	refreshedAt?: number;
	prune: PruneJob;
}

/** The bot's ingest as callers see it: the leader's service while this process leads, else one that runs nothing. */
function leaderIngest(current: () => IngestService | undefined): IngestService {
	const nothing = (): Promise<IngestReport> => Promise.resolve({ runs: [], added: 0, updated: 0, failed: 0 });
	return {
		get sources() {
			return current()?.sources ?? [];
		},
		get expressions() {
			return current()?.expressions ?? [];
		},
		runNow: (request) => current()?.runNow(request) ?? nothing(),
		reschedule: (times) => current()?.reschedule(times),
		stop: async () => {
			await current()?.stop();
		},
	};
}

function watchClient(client: Client, logger: Logger): void {
	client.on(Events.Error, (error) => logger.error('discord client error', { error }));
	client.on(Events.Warn, (message) => logger.warn('discord client warning', { message }));
	client.on(Events.ShardDisconnect, (event, shardId) => logger.warn('gateway disconnected', { shardId, code: event.code }));
	client.on(Events.ShardReconnecting, (shardId) => logger.info('gateway reconnecting', { shardId }));
	client.on(Events.ShardResume, (shardId, replayed) => logger.info('gateway resumed', { shardId, replayed }));
	client.rest.on('rateLimited', (info) => logger.debug('rate limited', { route: info.route, retryAfter: info.retryAfter, global: info.global }));
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Snapshots older than this are rebuilt: the feed that catches one up keeps a day, and an hour is the margin. */
const SNAPSHOT_MAX_AGE_MS = PaperFeedDefaults.retentionMs - 60 * 60 * 1000;

function snapshotSource(config: Config, store: Store): SnapshotSource | undefined {
	if (!config.indexSnapshot) return undefined;
	return { path: config.indexSnapshot, storeId: store.id, countStoredPapers: () => store.countPapers(), maxAgeMs: SNAPSHOT_MAX_AGE_MS };
}

/** Saves the index now when it was built (the next start loads it), then whenever it moves on. */
function keepCorpusSnapshot(path: string, corpus: Corpus, store: Store, logger: Logger): SnapshotKeeper {
	const keeper = keepIndexSnapshot({
		path,
		index: corpus.index,
		logger,
		fingerprint: corpus.fingerprint as NonNullable<Corpus['fingerprint']>,
		report: corpus.report,
		countStoredPapers: () => store.countPapers(),
		...(corpus.snapshot ? { loaded: { takenAt: corpus.snapshot.header.takenAt, shelf: corpus.snapshot.shelf } } : {}),
	});
	if (!corpus.snapshot) void keeper.writeNow();
	return keeper;
}

function wrapped<T>(value: T, wrap: ((value: T) => T) | undefined): T {
	return wrap ? wrap(value) : value;
}
