import { Events, Status, type Client } from 'discord.js';
import type { Config } from '../config.js';
import type { DigestSender } from '../digests/deliver.js';
import { createDigestScheduler, type DigestScheduler } from '../digests/schedule.js';
import { createIndexTopicMatcher } from '../digests/topics.js';
import type { Logger } from '../log.js';
import { loadCorpus, type Corpus } from '../papers/corpus.js';
import { localDigestTimes, startIngestService, type IngestService } from '../papers/sources/service.js';
import { startPruneJob } from '../store/prune.js';
import type { StoreError } from '../store/errors.js';
import { acquireLease, type DatabaseLease, type LeaseOptions } from '../store/lease.js';
import { openStore, type Store, type StoreOptions } from '../store/store.js';
import { createBotMetrics, type BotMetrics } from '../metrics/metrics.js';
import { startMetricsServer } from '../metrics/server.js';
import type { SlashCommand } from './command.js';
import { commands as defaultCommands } from './commands.js';
import { connectGateway, watchShardingRequired } from './connect.js';
import type { BotContext } from './context.js';
import { clientHistoryAccess, createDigestSender } from './digest-sender.js';
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
	/** Sees the store before anything uses it; the crash suite puts its store-side crash points here. */
	onStoreOpened?: (store: Store) => void;
	/** Lease timings and identity (tests shorten them); see LeaseDefaults. */
	lease?: Pick<LeaseOptions, 'ttlMs' | 'renewEveryMs' | 'pollEveryMs' | 'instanceId' | 'now'>;
	/** Aborting while standing by for the lease gives up (a Ctrl+C on a waiting instance ends it at once). */
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
	/** This instance's hold on the database: one bot per database file, renewed until stop. */
	lease: DatabaseLease;
	/** Prometheus metrics of this bot; served on METRICS_PORT when set. */
	metrics: BotMetrics;
	/** The metrics server's port (METRICS_PORT=0 picks a free one). */
	metricsPort?: number;
	/** The digest scheduler (started at ready: one cron job plus a catch-up pass). */
	digests: DigestScheduler;
	/** Live sources (Hugging Face, arXiv): scheduled ingest into the store and the live index. */
	ingest: IngestService;
	/** Runs what is due at `now` (ingest, then digests); the sandbox calls it when its clock jumps. */
	onTimeChanged(now: Date): Promise<void>;
	stop(): Promise<void>;
}

/** How often the pre-digest ingest times are recomputed even when no command changed them. */
const INGEST_TIMES_REFRESH_MS = 6 * 60 * 60 * 1000;

/** A changed schedule moves its pre-digest ingest this long later at most; the ingest runs 10 minutes ahead anyway. */
const INGEST_TIMES_COALESCE_MS = 1_000;

/** In-flight replies get this long to finish on shutdown before the connection is closed anyway. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * config → store → lease (standing by while another instance holds it) → paper index → discord.js client →
 * login. Anything that fails closes what was opened.
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
	let lease: DatabaseLease;
	try {
		// Before the Discord login: an instance standing by must not answer interactions or open a gateway session.
		lease = await acquireLease(config.databaseUrl, logger, { ...options.lease, ...(options.signal ? { signal: options.signal } : {}), beforeRenew: () => store.checkFile(), onLost });
	} catch (error) {
		await store.close();
		throw error;
	}
	try {
		const corpus = await loadCorpus({
			seedsDir: config.seedsDir,
			papersYear: config.papersYear,
			now: clock(),
			storedPapers: await store.listPapers(),
			logger,
		});
		options.onCorpusLoaded?.(corpus);
		const matchTopics = createIndexTopicMatcher(corpus.index);
		const metrics = createBotMetrics();
		let lastSchedulerPass: Date | undefined;
		metrics.papersIndexed(corpus.index.size);
		const context: BotContext = { config, index: corpus.index, queries: store.queries, store, matchTopics, logger, clock, schedulesChanged: () => {}, metrics };
		const dispatcher = createDispatcher(options.commands ?? defaultCommands, context);
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
		});
		const readyClient = gateway.client;
		watchShardingRequired(gateway, logger, (error) => options.onShardingRequired?.(error));
		logger.info('bot ready', { user: readyClient.user.tag, guilds: readyClient.guilds.cache.size, papers: corpus.index.size, shards: formatShardIds(gateway.plan.ids), shardCount: gateway.plan.count });

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
			// Channel digests of guilds on other processes' shards are theirs to send.
			ownsGuild: createGuildOwnership(gateway.plan),
			...(options.digestConcurrency === undefined ? {} : { concurrency: options.digestConcurrency }),
			onTick: (report) => {
				lastSchedulerPass = clock();
				metrics.schedulerPassed(lastSchedulerPass);
				metrics.digestsDelivered(report.delivery);
			},
		});
		// Started only once the client is ready: the catch-up pass sends at once.
		digests.start();
		// Ingest also runs shortly before each digest time in use, so digests carry the day's papers.
		const digestTimes = async () => localDigestTimes([...(await store.subscriptions.values()), ...(await store.follows.values())], clock(), 'UTC');
		const ingest = startIngestService({
			config,
			store,
			index: corpus.index,
			clock,
			logger,
			timezone: 'UTC',
			extraTimes: await digestTimes(),
			onReport: (report) => {
				for (const run of report.runs) metrics.ingestRan(run.source, run.error ? 'failed' : 'ok', run.added);
				metrics.papersIndexed(corpus.index.size);
			},
		});
		void ingest.runNow();
		// Those times move when subscriptions change and, in UTC, when a zone shifts for daylight saving.
		// Coalesced: a burst of /digest subscribe re-reads the schedules once, not once per command.
		let refreshQueued: NodeJS.Timeout | undefined;
		const refreshIngestTimes = () => {
			refreshQueued = undefined;
			digestTimes().then(ingest.reschedule, (error: unknown) => logger.warn('could not refresh the pre-digest ingest times', { error }));
		};
		context.schedulesChanged = () => {
			refreshQueued ??= setTimeout(refreshIngestTimes, INGEST_TIMES_COALESCE_MS).unref();
		};
		const refreshTimer = setInterval(refreshIngestTimes, INGEST_TIMES_REFRESH_MS).unref();
		// Keeps the database bounded (expired query memos, removed targets' records, old sent ids): daily, and soon after start-up.
		const prune = startPruneJob({ store, clock, logger });

		let stopping: Promise<void> | undefined;
		const stop = () =>
			(stopping ??= (async () => {
				readyClient.off(Events.InteractionCreate, onInteraction);
				clearInterval(refreshTimer);
				clearTimeout(refreshQueued);
				await ingest.stop();
				// A fan-out in progress finishes and records before the store closes under it.
				await digests.stop();
				await prune.stop();
				await metricsServer?.close();
				await Promise.race([dispatcher.drain(), delay(DRAIN_TIMEOUT_MS)]);
				await readyClient.destroy();
				await store.close();
				await lease.release();
				logger.info('bot stopped');
			})());
		const onTimeChanged = async (now: Date) => {
			// A jump skips the scheduled ingests too: fetch the new day first so its digest can carry it.
			await ingest.runNow({ date: now.toISOString().slice(0, 10) });
			await digests.tick(now);
		};
		running = { client: readyClient, context, corpus, store, shards: gateway.plan, lease, digests, ingest, metrics, ...(metricsServer ? { metricsPort: metricsServer.port } : {}), stop, onTimeChanged };
		if (lostLease) {
			await stop();
			throw lostLease;
		}
		return running;
	} catch (error) {
		await client?.destroy();
		await store.close();
		await lease.release();
		throw error;
	}
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
