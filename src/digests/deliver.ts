import pLimit, { type LimitFunction } from 'p-limit';
import type { MessagePayload } from '../cards/types.js';
import type { Logger } from '../log.js';
import type { DeliveryRecord, DigestSchedule, Follow, LastDelivery, Pause, PendingDigest, Subscription } from '../store/records.js';
import { unchanged } from '../store/collection.js';
import type { Store } from '../store/store.js';
import { addDays } from './local-time.js';
import { buildDigestPayload, createDigestComposer, DigestWindow, type ComposedDigest, type DigestComposer, type DigestPaper } from './compose.js';
import { DeliveryError, DiscordErrorCode } from './errors.js';
import { deliveredLocalDay, emptyRecord, pendingPapers, withDelivered, withoutPending, withPending, withPendingFailed } from './ledger.js';
import { DigestMessages } from './messages.js';
import { digestNonce, targetSchedule, targetStoreKey, type DigestTarget, type DueDigest } from './targets.js';
import { matchTopicsByText, type TopicMatcher } from './topics.js';
import { postForumDigest } from './forum-posts.js';
import { isForumTarget, startDiscussionThread, type ThreadSender } from './threads.js';
import type { RecommendPapers } from './compose.js';

/** What reading a channel back for a delivery key found. */
export type DeliveryLookup = { kind: 'posted'; messageId: string } | { kind: 'absent' } | { kind: 'unverifiable'; reason: string };

/** The Discord edge, as the digest domain needs it. Implementations throw DeliveryError for anything Discord refuses. */
export interface DigestSender {
	/** Posts with `nonce` and `enforce_nonce: true`, so a repeat of the same nonce inside Discord's window returns the first message. */
	sendToChannel(channelId: string, payload: MessagePayload, nonce: string): Promise<{ messageId: string }>;
	openDm(userId: string): Promise<{ channelId: string }>;
	/**
	 * Looks for one of the bot's own messages carrying `reference` (the delivery key in the footer) posted in the
	 * channel since `since`. `unverifiable` when the bot cannot read the channel's history.
	 */
	findDelivery(query: { channelId: string; direct: boolean; reference: string; since: Date }): Promise<DeliveryLookup>;
}

/**
 * `sent`/`empty`/`failed`: the day is done. `confirmed`: an attempt whose outcome was unknown was found posted
 * and recorded, nothing re-sent. `unconfirmed`: it could not be checked and was not re-sent. `retry`: transient
 * (429, 5xx, network, an unknown outcome not yet checked), tried again next tick. `paused`: Discord refused for
 * good until someone acts. `skipped`: already done. `error`: the store failed; tried again next tick.
 */
export type DeliveryStatus = 'sent' | 'confirmed' | 'unconfirmed' | 'empty' | 'failed' | 'retry' | 'paused' | 'skipped' | 'error';

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
	/** Requests to Discord in flight at once; the REST client's rate-limit queue paces them. */
	concurrency?: number;
	/** Forum posts and discussion threads (src/digests/threads.ts); without it forum digests are retried, not posted. */
	threads?: ThreadSender;
	/** Picks "For you" follows' papers (src/library/foryou-digest.ts); without it they get nothing. */
	recommend?: RecommendPapers;
}

export const DEFAULT_DELIVERY_CONCURRENCY = 32;

/** Digests worked on per request in flight (see deliverDigests). */
const PREPARE_AHEAD = 4;

export const DeliveryTiming = Object.freeze({
	/**
	 * An unknown outcome younger than this may be re-sent with its nonce even when the channel cannot be read
	 * back: Discord's enforce_nonce window ("a few minutes") still covers it. Kept well inside that window.
	 */
	nonceTrustMs: 60_000,
	/** The read-back starts this long before the attempt, for clock skew between us and Discord. */
	readBackSkewMs: 5 * 60_000,
});

export function emptyCounts(): Record<DeliveryStatus, number> {
	return { sent: 0, confirmed: 0, unconfirmed: 0, empty: 0, failed: 0, retry: 0, paused: 0, skipped: 0, error: 0 };
}

/**
 * Sends each due digest once. Per target: settle an earlier attempt whose outcome is unknown (by reading the
 * channel back, never by guessing), compose, remember what is about to be sent, send, then record. One
 * target's failure never touches another's; nothing is deleted on an error.
 */
export async function deliverDigests(due: readonly DueDigest[], options: DeliverOptions): Promise<DeliveryReport> {
	// Only papers some due digest could carry are matched: the whole corpus may be years of backfill.
	const earliest = due.reduce((min, digest) => (digest.day < min ? digest.day : min), due[0]?.day ?? '');
	const floor = addDays(earliest || '1970-01-01', -DigestWindow.maxLookbackDays);
	const recent = options.papers.filter((paper) => paper.listedOn >= floor);
	const compose = createDigestComposer(recent, options.matchTopics ?? matchTopicsByText, options);
	// The REST client's queues pace the requests; this only bounds how many are waiting in them. More digests than
	// that are worked on at once, so their reads and writes share statements (src/store/coalesce.ts) while the sends
	// stay as few: a digest's promise is written a few sends ahead of its own.
	const concurrency = Math.max(1, options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY);
	const sender = limitSender(options.sender, pLimit(concurrency));
	const limit = pLimit(concurrency * PREPARE_AHEAD);
	const context: Context = { ...options, sender, papers: recent, compose, byId: new Map(recent.map((paper) => [paper.id, paper])) };
	const results = await Promise.all(
		due.map((digest) =>
			limit(() =>
				deliverDigest(digest, context).catch((error: unknown): DeliveryResult => {
					options.logger.error('digest delivery failed in the store', { target: digest.target.key, day: digest.day, error });
					return { target: digest.target.key, day: digest.day, status: 'error', paperIds: [], error: describe(error) };
				}),
			),
		),
	);
	const counts = emptyCounts();
	for (const result of results) counts[result.status] += 1;
	return { results, counts };
}

/** `byId` holds the recent papers only: a retry resumes papers of its own day's window, never older ones. */
type Context = DeliverOptions & { compose: DigestComposer; byId: ReadonlyMap<string, DigestPaper> };
type ResultOf = (status: DeliveryStatus, paperIds?: string[], extra?: Partial<DeliveryResult>) => DeliveryResult;

export async function deliverDigest({ target, day }: DueDigest, context: Context): Promise<DeliveryResult> {
	const { store, now, logger } = context;
	const at = now.toISOString();
	const result = resultFor(target.key, day);
	let record: DeliveryRecord = (await store.deliveries.get(target.key)) ?? emptyRecord(target.key);

	if (isDayDone(record, day, targetSchedule(target).timezone)) {
		// Recorded as delivered but the crash came before the subscription was updated: heal, never resend.
		const last = record.lastOutcome;
		if (last) await updateSchedule(store, target, (schedule) => ({ ...schedule, lastDelivery: last }));
		return result('skipped');
	}

	// A forum digest settles post by post (src/digests/forum-posts.ts): no message carries the digest's own key.
	if (record.pending && !record.pending.failedAt && !isForumTarget(target)) {
		const settled = await settleUnknownAttempt(target, day, record, record.pending, context, result);
		if ('done' in settled) return settled.done;
		record = settled.record;
	}

	const digest = await composeOrResume(target, day, record, context);
	if (digest.papers.length === 0) {
		await finish(store, target, { day, at, outcome: 'empty', paperCount: 0 }, {});
		logger.debug('digest empty', { target: target.key, day });
		return result('empty');
	}
	const paperIds = digest.papers.map((paper) => paper.id);
	const listedOn = listedOnOf(digest.papers);
	const nonce = digestNonce(target.key, day);
	const resuming = record.pending?.day === day;
	if (!resuming || record.pending?.failedAt) {
		// Written before every attempt that starts afresh: a crash during this send must find the outcome unknown.
		// A retry keeps the first attempt's time, so the read-back covers every attempt.
		const first = resuming && record.pending ? record.pending.at : at;
		const pending: PendingDigest = { day, nonce, paperIds, listedOn, at: first };
		record = await writeRecord(store, target, (current) => withPending(current, target.key, pending));
	}

	let messageId: string;
	try {
		const channelId = await resolveChannel(store, context.sender, target);
		({ messageId } = isForumTarget(target)
			? await postForumDigest(target, day, digest, { ...context, matchTopics: context.matchTopics ?? matchTopicsByText })
			: await context.sender.sendToChannel(channelId, buildDigestPayload(target, day, digest, nonce), nonce));
	} catch (error) {
		if (!(error instanceof DeliveryError) && isStoreFailure(error)) throw error;
		return handleSendError(error, target, day, digest, context, result);
	}
	// A store failure from here on leaves the attempt unknown; the next pass reads the channel back and records it.
	await finish(store, target, { day, at, outcome: 'sent', paperCount: paperIds.length, messageId }, listedOn);
	await startDiscussionThread(target, day, messageId, context);
	return result('sent', paperIds, { messageId });
}

/** Returned, not declared: tsx names every function a `const` declares, a property write per target. */
function resultFor(target: string, day: string): ResultOf {
	return (status, paperIds = [], extra = {}) => ({ target, day, status, paperIds, ...extra });
}

function isDayDone(record: DeliveryRecord, day: string, timeZone: string): boolean {
	const last = deliveredLocalDay(record.lastOutcome, timeZone) ?? record.lastDay;
	return last !== undefined && last >= day;
}

/**
 * An attempt whose outcome is unknown: the process died mid-send, the request got no answer, or the store
 * failed after Discord accepted it. enforce_nonce only dedupes for minutes, so the channel is read back for
 * the delivery key: found → recorded as delivered, nothing re-sent; absent → its papers stay eligible;
 * unreadable → re-sent only while the nonce still protects it, otherwise counted as sent (never twice) and
 * reported in `/digest list`.
 */
async function settleUnknownAttempt(
	target: DigestTarget,
	day: string,
	record: DeliveryRecord,
	pending: PendingDigest,
	context: Context,
	result: ResultOf,
): Promise<{ done: DeliveryResult } | { record: DeliveryRecord }> {
	const { store, logger, now } = context;
	const at = now.toISOString();
	const lookup = await lookUpAttempt(target, pending, context);
	const details = { target: target.key, day: pending.day, nonce: pending.nonce };
	if (lookup === 'retry') return { done: result('retry', [], { error: 'could not read the channel back yet' }) };

	if (lookup.kind === 'posted') {
		const outcome: LastDelivery = { day: pending.day, at: pending.at, outcome: 'sent', paperCount: pending.paperIds.length, messageId: lookup.messageId };
		logger.info('digest found already posted; recorded without re-sending', { ...details, messageId: lookup.messageId });
		if (pending.day === day) {
			await finish(store, target, outcome, pendingPapers(pending));
			await startDiscussionThread(target, day, lookup.messageId, context);
			return { done: result('confirmed', pending.paperIds, { messageId: lookup.messageId }) };
		}
		return { record: await writeRecord(store, target, (current) => withDelivered(current, target.key, outcome, pendingPapers(pending))) };
	}

	if (lookup.kind === 'absent') {
		logger.info('digest attempt not found in the channel; its papers stay eligible', details);
		const next = pending.day === day ? (current: DeliveryRecord | undefined) => withPendingFailed(current, day, at) : withoutPending;
		return { record: await writeRecord(store, target, next) };
	}

	if (pending.day === day && now.getTime() - Date.parse(pending.at) < DeliveryTiming.nonceTrustMs) return { record };
	const outcome: LastDelivery = { day: pending.day, at: pending.at, outcome: 'unconfirmed', paperCount: pending.paperIds.length };
	logger.warn('digest outcome unknown and the channel cannot be read back: not re-sent, its papers count as sent', { ...details, reason: lookup.reason });
	const unconfirmed = { day: pending.day, at, reason: lookup.reason };
	if (pending.day === day) {
		await finish(store, target, outcome, pendingPapers(pending), unconfirmed);
		return { done: result('unconfirmed', pending.paperIds, { error: lookup.reason }) };
	}
	const next = await writeRecord(store, target, (current) => withDelivered(current, target.key, outcome, pendingPapers(pending)));
	await updateSchedule(store, target, (schedule) => ({ ...schedule, unconfirmed }));
	return { record: next };
}

/** 'retry' when Discord could not be asked right now (429, 5xx, network): the attempt stays unknown. */
async function lookUpAttempt(target: DigestTarget, pending: PendingDigest, context: Context): Promise<DeliveryLookup | 'retry'> {
	const channelId =
		target.kind === 'channel'
			? target.subscription.channelId
			: ((await context.store.follows.get(target.follow.userId))?.dmChannelId ?? target.follow.dmChannelId);
	// The DM channel is recorded before any send to it: without one, nothing can have been posted.
	if (!channelId) return { kind: 'absent' };
	const since = new Date(Date.parse(pending.at) - DeliveryTiming.readBackSkewMs);
	try {
		return await context.sender.findDelivery({ channelId, direct: target.kind === 'follow', reference: pending.nonce, since });
	} catch (error) {
		if (error instanceof DeliveryError && error.status === 404) return { kind: 'absent' };
		if (error instanceof DeliveryError && error.status === 403) return { kind: 'unverifiable', reason: DigestMessages.unverifiableForbidden };
		context.logger.warn('could not read the channel back for a digest of unknown outcome; retried next tick', { target: target.key, day: pending.day, error });
		return 'retry';
	}
}

/** The papers already promised for this day (a retry), else a fresh composition. */
async function composeOrResume(target: DigestTarget, day: string, record: DeliveryRecord, context: Context): Promise<ComposedDigest> {
	const pending = record.pending;
	if (pending?.day === day) {
		const papers = pending.paperIds.map((id) => context.byId.get(id)).filter((paper): paper is DigestPaper => paper !== undefined);
		if (papers.length > 0) return { papers, total: papers.length };
	}
	return context.compose({ target, day, now: context.now, record });
}

async function handleSendError(
	error: unknown,
	target: DigestTarget,
	day: string,
	digest: ComposedDigest,
	context: Context,
	result: ResultOf,
): Promise<DeliveryResult> {
	const { store, logger, now } = context;
	const at = now.toISOString();
	const message = describe(error);
	const action = classifyDeliveryError(error, target.kind);
	// Only an answer that says "not posted" closes the attempt; no answer (or a 5xx) leaves it unknown for the read-back.
	if (error instanceof DeliveryError && !isOutcomeUnknown(error) && action.kind !== 'failed') {
		await writeRecord(store, target, (current) => withPendingFailed(current, day, at));
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
			await finish(store, target, { day, at, outcome: 'failed', paperCount: digest.papers.length }, {});
			return result('failed', [], { error: message });
		case 'retry':
			await updateSchedule(store, target, (schedule) => ({ ...schedule, lastFailure: { day, at, error: message } }));
			logger.warn('digest delivery will be retried', details);
			return result('retry', [], { error: message });
	}
}

/** No answer at all, or a server error: Discord may have posted the message anyway. */
export function isOutcomeUnknown(error: DeliveryError): boolean {
	return error.status === 0 || error.status >= 500;
}

export type DeliveryErrorAction = { kind: 'retry' } | { kind: 'failed' } | { kind: 'reopen-dm' } | { kind: 'pause'; reason: string; code: number | undefined };

/** What to do about a failed send. Anything not known to be permanent is retried: a digest is never lost to a hiccup. */
export function classifyDeliveryError(error: unknown, kind: DigestTarget['kind']): DeliveryErrorAction {
	if (!(error instanceof DeliveryError)) return { kind: 'retry' };
	const { status, code } = error;
	if (status === 0 || status === 429 || status >= 500) return { kind: 'retry' };
	if (kind === 'follow') {
		if (code === DiscordErrorCode.cannotSendToUser) return { kind: 'pause', reason: DigestMessages.pauseDmClosed, code };
		if (code === DiscordErrorCode.unknownUser) return { kind: 'pause', reason: DigestMessages.pauseUnknownUser, code };
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

/** Every request to Discord waits for one of `slots`. */
function limitSender(sender: DigestSender, slots: LimitFunction): DigestSender {
	return {
		sendToChannel: (channelId, payload, nonce) => slots(() => sender.sendToChannel(channelId, payload, nonce)),
		openDm: (userId) => slots(() => sender.openDm(userId)),
		findDelivery: (query) => slots(() => sender.findDelivery(query)),
	};
}

/** A channel posts where it is; a follower's DM channel is opened once and remembered. */
async function resolveChannel(store: DeliveryStore, sender: DigestSender, target: DigestTarget): Promise<string> {
	if (target.kind === 'channel') return target.subscription.channelId;
	// A user's DM channel never changes once opened (a stale one is forgotten by reopen-dm): the pass's listing of it will do.
	const known = target.follow.dmChannelId ?? (await store.follows.get(target.follow.userId))?.dmChannelId;
	if (known) return known;
	const { channelId } = await sender.openDm(target.follow.userId);
	await updateSchedule(store, target, (schedule) => ({ ...schedule, dmChannelId: channelId }));
	return channelId;
}

/** Records the day as done: sent ids first (the guarantee), then the schedule's last delivery (for display). */
async function finish(
	store: DeliveryStore,
	target: DigestTarget,
	outcome: LastDelivery,
	sent: Readonly<Record<string, string>>,
	unconfirmed?: DigestSchedule['unconfirmed'],
): Promise<void> {
	await writeRecord(store, target, (current) => withDelivered(current, target.key, outcome, sent));
	await updateSchedule(store, target, (schedule) => {
		const { lastFailure: _cleared, ...clean } = schedule;
		return { ...clean, lastDelivery: outcome, ...(unconfirmed ? { unconfirmed } : {}) };
	});
}

async function writeRecord(
	store: DeliveryStore,
	target: DigestTarget,
	change: (current: DeliveryRecord | undefined) => DeliveryRecord | undefined,
): Promise<DeliveryRecord> {
	const next = await store.deliveries.update(target.key, (current) => change(current) ?? unchanged);
	return next ?? emptyRecord(target.key);
}

/**
 * Changes the target's own schedule on its latest version, under the store's per-key lock: a command that
 * changed it meanwhile (new topics, a resume, unsubscribe) is never overwritten; a deleted one stays deleted.
 */
async function updateSchedule(
	store: DeliveryStore,
	target: DigestTarget,
	change: (schedule: DigestSchedule & Partial<Follow>) => DigestSchedule,
): Promise<void> {
	const key = targetStoreKey(target);
	// The pass's copy is tried as the stored row first: unless a command changed it meanwhile, no read is needed.
	if (target.kind === 'channel') {
		await store.subscriptions.update(key, (current) => (current ? (change(current) as Subscription) : unchanged), target.subscription);
	} else {
		await store.follows.update(key, (current) => (current ? (change(current) as Follow) : unchanged), target.follow);
	}
}

function listedOnOf(papers: readonly DigestPaper[]): Record<string, string> {
	const listedOn: Record<string, string> = {};
	for (const paper of papers) listedOn[paper.id] = paper.listedOn;
	return listedOn;
}

function isStoreFailure(error: unknown): boolean {
	return error instanceof Error && error.name === 'StoreError';
}

function describe(error: unknown): string {
	if (error instanceof DeliveryError) return `${error.status}${error.code ? `/${error.code}` : ''} ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}
