import type { MessagePayload } from '../cards/types.js';
import type { Logger } from '../log.js';
import type { DeliveryRecord, DigestSchedule, Follow, LastDelivery, Pause, Subscription } from '../store/records.js';
import type { Store } from '../store/store.js';
import { addDays } from './local-time.js';
import { buildDigestPayload, composeDigest, DigestWindow, type ComposedDigest, type DigestPaper } from './compose.js';
import { DeliveryError, DiscordErrorCode } from './errors.js';
import { DigestMessages } from './messages.js';
import { digestNonce, targetStoreKey, type DigestTarget, type DueDigest } from './targets.js';
import { matchTopicsByText, type TopicMatcher } from './topics.js';

/** The Discord edge, as the digest domain needs it. Implementations throw DeliveryError for anything Discord refuses. */
export interface DigestSender {
	/** Posts with `nonce` and `enforce_nonce: true`, so a repeat of the same nonce returns the first message. */
	sendToChannel(channelId: string, payload: MessagePayload, nonce: string): Promise<{ messageId: string }>;
	openDm(userId: string): Promise<{ channelId: string }>;
}

/**
 * `sent`/`empty`/`failed`: the day is done. `retry`: transient (429, 5xx, network), tried again next tick.
 * `paused`: Discord refused for good until someone acts. `skipped`: already done (healed after a crash).
 * `error`: the store failed; nothing recorded, tried again next tick.
 */
export type DeliveryStatus = 'sent' | 'empty' | 'failed' | 'retry' | 'paused' | 'skipped' | 'error';

export interface DeliveryResult {
	target: string;
	day: string;
	status: DeliveryStatus;
	paperIds: string[];
	messageId?: string;
	error?: string;
}

export interface DeliveryReport {
	results: DeliveryResult[];
	counts: Record<DeliveryStatus, number>;
}

export type DeliveryStore = Pick<Store, 'subscriptions' | 'follows' | 'deliveries'>;

export interface DeliverOptions {
	sender: DigestSender;
	store: DeliveryStore;
	/** Every paper a digest may draw from (seeds and stored), usually a snapshot taken once per tick. */
	papers: readonly DigestPaper[];
	now: Date;
	logger: Logger;
	/** Defaults to exact-word matching; pass createIndexTopicMatcher(index) for fuzzy topics. */
	matchTopics?: TopicMatcher;
	/** Digests in flight at once; the REST client's rate-limit queue paces the actual requests. */
	concurrency?: number;
}

export const DEFAULT_DELIVERY_CONCURRENCY = 32;

/**
 * Sends each due digest once. Per target: compose, remember what is about to be sent (so a retry after a
 * crash sends the same papers with the same nonce), send, then record. One target's failure never
 * touches another's; nothing is deleted on an error.
 */
export async function deliverDigests(due: readonly DueDigest[], options: DeliverOptions): Promise<DeliveryReport> {
	// Only papers some due digest could carry are matched: the whole corpus may be years of backfill.
	const earliest = due.reduce((min, digest) => (digest.day < min ? digest.day : min), due[0]?.day ?? '');
	const floor = addDays(earliest || '1970-01-01', -DigestWindow.maxLookbackDays);
	const recent = options.papers.filter((paper) => paper.listedOn >= floor);
	const matchTopics = memoizeMatcher(options.matchTopics ?? matchTopicsByText, recent);
	const context = { ...options, matchTopics };
	const results: DeliveryResult[] = new Array(due.length);
	let next = 0;
	const worker = async () => {
		while (next < due.length) {
			const position = next++;
			const digest = due[position] as DueDigest;
			results[position] = await deliverDigest(digest, context).catch((error: unknown) => {
				options.logger.error('digest delivery failed in the store', { target: digest.target.key, day: digest.day, error });
				return { target: digest.target.key, day: digest.day, status: 'error' as const, paperIds: [], error: describe(error) };
			});
		}
	};
	const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY, due.length));
	await Promise.all(Array.from({ length: workers }, worker));
	const counts: Record<DeliveryStatus, number> = { sent: 0, empty: 0, failed: 0, retry: 0, paused: 0, skipped: 0, error: 0 };
	for (const result of results) counts[result.status] += 1;
	return { results, counts };
}

type Context = DeliverOptions & { matchTopics: TopicMatcher };

export async function deliverDigest({ target, day }: DueDigest, context: Context): Promise<DeliveryResult> {
	const { store, now, logger } = context;
	const at = now.toISOString();
	const record: DeliveryRecord = (await store.deliveries.get(target.key)) ?? { target: target.key, sent: {} };
	const result = (status: DeliveryStatus, paperIds: string[] = [], extra: Partial<DeliveryResult> = {}): DeliveryResult => ({ target: target.key, day, status, paperIds, ...extra });

	if (record.lastDay !== undefined && record.lastDay >= day) {
		// Recorded as delivered but the crash came before the subscription was updated: heal, never resend.
		if (record.lastOutcome) await updateSchedule(store, target, (schedule) => ({ ...schedule, lastDelivery: record.lastOutcome }));
		return result('skipped');
	}

	settleStalePending(record, day, context.papers);
	const digest = await composeOrResume(target, day, record, context);
	if (digest.papers.length === 0) {
		await finish(store, target, record, day, { day, at, outcome: 'empty', paperCount: 0 }, []);
		logger.debug('digest empty', { target: target.key, day });
		return result('empty');
	}
	const paperIds = digest.papers.map((paper) => paper.id);
	const nonce = digestNonce(target.key, day);
	if (record.pending?.day !== day || record.pending.failedAt) {
		// Written before every attempt: a crash during this send must find the promise unfailed.
		record.pending = { day, nonce, paperIds, at };
		await store.deliveries.set(target.key, record);
	}

	try {
		const channelId = await resolveChannel(store, context.sender, target);
		const { messageId } = await context.sender.sendToChannel(channelId, buildDigestPayload(target, day, digest), nonce);
		await finish(store, target, record, day, { day, at, outcome: 'sent', paperCount: paperIds.length, messageId }, digest.papers);
		return result('sent', paperIds, { messageId });
	} catch (error) {
		if (!(error instanceof DeliveryError) && isStoreFailure(error)) throw error;
		return handleSendError(error, target, day, record, digest, context, result);
	}
}

/**
 * A digest left pending on an earlier day was never confirmed. If Discord answered it with an error it was
 * not posted, and its papers stay eligible; if the process died mid-send it may have been posted (and
 * enforce_nonce only dedupes for minutes), so its papers count as sent: never twice beats once more.
 */
export function settleStalePending(record: DeliveryRecord, day: string, papers: readonly DigestPaper[]): void {
	const pending = record.pending;
	if (!pending || pending.day >= day) return;
	if (!pending.failedAt) {
		const listedOn = new Map(papers.map((paper) => [paper.id, paper.listedOn]));
		for (const id of pending.paperIds) record.sent[id] = listedOn.get(id) ?? pending.day;
	}
	delete record.pending;
}

/** The papers already promised for this day (a retry), else a fresh composition. */
async function composeOrResume(target: DigestTarget, day: string, record: DeliveryRecord, context: Context): Promise<ComposedDigest> {
	const pending = record.pending;
	if (pending?.day === day) {
		const byId = new Map(context.papers.map((paper) => [paper.id, paper]));
		const papers = pending.paperIds.map((id) => byId.get(id)).filter((paper): paper is DigestPaper => paper !== undefined);
		if (papers.length > 0) return { papers, total: papers.length };
	}
	return composeDigest({ target, day, now: context.now, papers: context.papers, record, matchTopics: context.matchTopics });
}

async function handleSendError(
	error: unknown,
	target: DigestTarget,
	day: string,
	record: DeliveryRecord,
	digest: ComposedDigest,
	context: Context,
	result: (status: DeliveryStatus, paperIds?: string[], extra?: Partial<DeliveryResult>) => DeliveryResult,
): Promise<DeliveryResult> {
	const { store, logger, now } = context;
	const at = now.toISOString();
	const message = describe(error);
	const action = classifyDeliveryError(error, target.kind);
	if (record.pending?.day === day && error instanceof DeliveryError && action.kind !== 'failed') {
		record.pending = { ...record.pending, failedAt: at };
		await store.deliveries.set(target.key, record);
	}
	const details = { target: target.key, day, status: (error as DeliveryError).status, code: (error as DeliveryError).code, error };
	switch (action.kind) {
		case 'pause': {
			const paused: Pause = { reason: action.reason, at, ...(action.code === undefined ? {} : { code: action.code }) };
			await updateSchedule(store, target, (schedule) => ({ ...schedule, paused }));
			logger.warn('digest target paused', { ...details, reason: action.reason });
			return result('paused', [], { error: message });
		}
		case 'reopen-dm':
			await updateSchedule(store, target, (schedule) => {
				const { dmChannelId: _stale, ...rest } = schedule as Follow;
				return { ...rest, lastFailure: { day, at, error: message } };
			});
			logger.warn('stale DM channel forgotten; reopened next tick', details);
			return result('retry', [], { error: message });
		case 'failed':
			// Discord rejected the message itself: retrying the same payload cannot help; the papers stay unsent.
			logger.error('digest rejected by Discord', details);
			await finish(store, target, record, day, { day, at, outcome: 'failed', paperCount: digest.papers.length }, []);
			return result('failed', [], { error: message });
		case 'retry':
			await updateSchedule(store, target, (schedule) => ({ ...schedule, lastFailure: { day, at, error: message } }));
			logger.warn('digest delivery will be retried', details);
			return result('retry', [], { error: message });
	}
}

export type DeliveryErrorAction = { kind: 'retry' } | { kind: 'failed' } | { kind: 'reopen-dm' } | { kind: 'pause'; reason: string; code: number | undefined };

/** What to do about a failed send. Anything not known to be permanent is retried: a digest is never lost to a hiccup. */
export function classifyDeliveryError(error: unknown, kind: DigestTarget['kind']): DeliveryErrorAction {
	if (!(error instanceof DeliveryError)) return { kind: 'retry' };
	const { status, code } = error;
	if (status === 0 || status === 429 || status >= 500) return { kind: 'retry' };
	if (kind === 'follow') {
		if (code === DiscordErrorCode.cannotSendToUser) return { kind: 'pause', reason: DigestMessages.pauseDmClosed, code };
		if (code === DiscordErrorCode.unknownChannel) return { kind: 'reopen-dm' };
		if (status === 403) return { kind: 'pause', reason: DigestMessages.pauseDmClosed, code };
		return { kind: 'failed' };
	}
	if (code === DiscordErrorCode.missingAccess) return { kind: 'pause', reason: DigestMessages.pauseMissingAccess, code };
	if (code === DiscordErrorCode.missingPermissions) return { kind: 'pause', reason: DigestMessages.pauseMissingPermissions, code };
	if (code === DiscordErrorCode.unknownChannel || status === 404) return { kind: 'pause', reason: DigestMessages.pauseUnknownChannel, code };
	if (status === 403) return { kind: 'pause', reason: DigestMessages.pauseForbidden(code), code };
	return { kind: 'failed' };
}

/** A channel posts where it is; a follower's DM channel is opened once and remembered. */
async function resolveChannel(store: DeliveryStore, sender: DigestSender, target: DigestTarget): Promise<string> {
	if (target.kind === 'channel') return target.subscription.channelId;
	const known = (await store.follows.get(target.follow.userId))?.dmChannelId ?? target.follow.dmChannelId;
	if (known) return known;
	const { channelId } = await sender.openDm(target.follow.userId);
	await updateSchedule(store, target, (schedule) => ({ ...schedule, dmChannelId: channelId }));
	return channelId;
}

/** Records the day as done: sent ids first (the guarantee), then the subscription's last delivery (for display). */
async function finish(store: DeliveryStore, target: DigestTarget, record: DeliveryRecord, day: string, outcome: LastDelivery, sent: readonly DigestPaper[]): Promise<void> {
	const keepFrom = addDays(day, -DigestWindow.keepSentDays);
	const kept = Object.fromEntries(Object.entries(record.sent).filter(([, listedOn]) => listedOn >= keepFrom));
	for (const paper of sent) kept[paper.id] = paper.listedOn;
	const { pending: _done, ...rest } = record;
	await store.deliveries.set(target.key, { ...rest, sent: kept, lastDay: day, lastOutcome: outcome });
	await updateSchedule(store, target, (schedule) => {
		const { lastFailure: _cleared, ...clean } = schedule;
		return { ...clean, lastDelivery: outcome };
	});
}

/**
 * Read-modify-write of the target's own record, re-read so a command that changed it meanwhile (new topics,
 * unsubscribe) is not overwritten; a record deleted meanwhile stays deleted.
 */
async function updateSchedule(store: DeliveryStore, target: DigestTarget, change: (schedule: DigestSchedule & Partial<Follow>) => DigestSchedule): Promise<void> {
	const key = targetStoreKey(target);
	if (target.kind === 'channel') {
		const current = await store.subscriptions.get(key);
		if (current) await store.subscriptions.set(key, change(current) as Subscription);
	} else {
		const current = await store.follows.get(key);
		if (current) await store.follows.set(key, change(current) as Follow);
	}
}

/** Runs the matcher once per distinct topic list per run: a thousand channels following "LLM" cost one match. */
function memoizeMatcher(matcher: TopicMatcher, papers: readonly DigestPaper[]): TopicMatcher {
	const cache = new Map<string, Promise<ReadonlySet<string>>>();
	return (topics, candidates) => {
		const key = topics.map((topic) => topic.toLowerCase()).sort().join('\n');
		let hit = cache.get(key);
		if (!hit) {
			hit = Promise.resolve(matcher(topics, papers));
			cache.set(key, hit);
		}
		const allowed = new Set(candidates.map((paper) => paper.id));
		return hit.then((ids) => new Set([...ids].filter((id) => allowed.has(id))));
	};
}

function isStoreFailure(error: unknown): boolean {
	return error instanceof Error && error.name === 'StoreError';
}

function describe(error: unknown): string {
	if (error instanceof DeliveryError) return `${error.status}${error.code ? `/${error.code}` : ''} ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}
