import type { Logger } from '../log.js';
import { readLeaseHolder, tryAcquireLease, type DatabaseLease, type LeaseConnection, type LeaseOptions, type LeaseRecord, type LeaseWording } from './lease.js';
import { StoreMessages } from './messages.js';

/**
 * The jobs one process runs for the whole bot (DM follows, live-source ingest, pruning) belong to the holder of
 * the expiring `leader` lease in the shared store. Every other process keeps trying for it every pollEveryMs:
 * when the leader stops, the lease is released and taken at the next poll; when it dies, the lease expires
 * after ttlMs and is taken then (so within ttlMs + pollEveryMs: 32 s with the defaults). A leader that finds on
 * renewal that another took over (it was frozen past the TTL) stops its jobs and tries again like the others.
 */

export const LEADER_LEASE = 'leader';

const LEADER_WORDING: Partial<LeaseWording> = Object.freeze({
	label: 'leader lease',
	lost: StoreMessages.leaderLost,
});

export interface LeadershipOptions extends Pick<LeaseOptions, 'ttlMs' | 'renewEveryMs' | 'pollEveryMs' | 'instanceId' | 'now'> {
	connection: LeaseConnection;
	logger: Logger;
	/** This process just became the leader (at start-up or on a take-over): start the leader's jobs. */
	onGained: () => void;
	/** It stopped being the leader (lost, or stopping): stop them. Awaited before the lease is released or tried for again. */
	onLost: () => Promise<void>;
}

export interface Leadership {
	readonly isLeader: boolean;
	/** Tries once now (onGained runs before this resolves when it got the lease), then keeps trying in the background. */
	start(): Promise<boolean>;
	/** Stops trying; a leader stops its jobs (onLost), then releases the lease so another takes over at its next poll. */
	stop(): Promise<void>;
	/** What a killed process leaves: no more tries or renewals, the row expires on its own; the jobs are told to stop. */
	abandon(): Promise<void>;
}

export function startLeadership(options: LeadershipOptions): Leadership {
	const { connection, logger } = options;
	const pollEveryMs = options.pollEveryMs ?? 2_000;
	const timings = {
		...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
		...(options.renewEveryMs === undefined ? {} : { renewEveryMs: options.renewEveryMs }),
		pollEveryMs,
		...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
		...(options.now === undefined ? {} : { now: options.now }),
	};
	let lease: DatabaseLease | undefined;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	let inFlight: Promise<void> | undefined;
	/** Stopping the jobs after a loss: the lease is not tried for again until they have stopped. */
	let stepDown: Promise<void> = Promise.resolve();
	/** The leader this process last saw: named as the previous holder on a take-over. */
	let lastHolder: LeaseRecord | undefined;
	/** A store that cannot be reached is said once, not every pollEveryMs. */
	let failing = false;

	const lose = (lost: DatabaseLease) => {
		if (lease !== lost) return;
		lease = undefined;
		stepDown = options.onLost().catch((error: unknown) => logger.error('stopping the leader jobs failed', { error }));
	};
	const attemptOnce = async () => {
		await stepDown;
		if (stopped || lease) return;
		try {
			let got: DatabaseLease | undefined;
			const taken = await tryAcquireLease(connection, logger, {
				...timings,
				name: LEADER_LEASE,
				wording: LEADER_WORDING,
				onLost: () => got && lose(got),
				...(lastHolder ? { lastKnownHolder: lastHolder } : {}),
			});
			got = taken;
			if (failing) logger.info('trying for the leader lease again');
			failing = false;
			if (!taken) {
				const holder = await readLeaseHolder(connection, LEADER_LEASE).catch(() => undefined);
				if (holder && holder.instanceId !== lastHolder?.instanceId) {
					logger.info(StoreMessages.followingLeader(connection.file), { lease: LEADER_LEASE, file: connection.file, holder, pollEveryMs });
				}
				if (holder) lastHolder = holder;
				return;
			}
			if (stopped) {
				await taken.release();
				return;
			}
			lease = taken;
			lastHolder = undefined;
			options.onGained();
		} catch (error) {
			if (!failing) logger.warn('could not try for the leader lease; trying again', { error, pollEveryMs });
			failing = true;
		}
	};
	const attempt = () => (inFlight ??= attemptOnce().finally(() => (inFlight = undefined)));
	const schedule = () => {
		if (stopped) return;
		// Unref'd: the Discord connection keeps a running bot alive.
		timer = setTimeout(() => void attempt().then(schedule), pollEveryMs).unref();
	};

	return {
		get isLeader() {
			return lease !== undefined && !lease.lost;
		},
		async start() {
			await attempt();
			schedule();
			return lease !== undefined;
		},
		async stop() {
			stopped = true;
			clearTimeout(timer);
			await inFlight;
			await stepDown;
			const held = lease;
			lease = undefined;
			if (!held) return;
			await options.onLost().catch((error: unknown) => logger.error('stopping the leader jobs failed', { error }));
			await held.release();
		},
		async abandon() {
			stopped = true;
			clearTimeout(timer);
			const held = lease;
			lease = undefined;
			if (held) void options.onLost().catch(() => {});
			await held?.abandon();
		},
	};
}
