import type { DeliveryRecord, LastDelivery, PendingDigest } from '../store/records.js';
import { DigestWindow } from './compose.js';
import { addDays, localClock } from './local-time.js';

/**
 * Pure steps of a target's delivery record. Each takes the latest stored record and returns the next one,
 * so they can be applied inside `Collection.update` and never overwrite a change made meanwhile.
 */

export function emptyRecord(target: string): DeliveryRecord {
	return { target, sent: {} };
}

/** Written before every attempt: a crash during the send finds the attempt with its outcome unknown. */
export function withPending(record: DeliveryRecord | undefined, target: string, pending: PendingDigest): DeliveryRecord {
	return { ...(record ?? emptyRecord(target)), pending };
}

/** Discord said the message was not posted: the papers stay promised for this day, and a retry may send them. */
export function withPendingFailed(record: DeliveryRecord | undefined, day: string, at: string): DeliveryRecord | undefined {
	if (!record?.pending || record.pending.day !== day) return record;
	return { ...record, pending: { ...record.pending, failedAt: at } };
}

export function withoutPending(record: DeliveryRecord | undefined): DeliveryRecord | undefined {
	if (!record?.pending) return record;
	const { pending: _dropped, ...rest } = record;
	return rest;
}

/**
 * The day is done: its papers are recorded as sent, the sent history is trimmed to what the look-back can
 * still pick, and a pending attempt for that day (or an earlier one) is closed.
 */
export function withDelivered(
	record: DeliveryRecord | undefined,
	target: string,
	outcome: LastDelivery,
	sent: Readonly<Record<string, string>>,
): DeliveryRecord {
	const base = record ?? emptyRecord(target);
	const keepFrom = addDays(outcome.day, -DigestWindow.keepSentDays);
	const kept: Record<string, string> = {};
	for (const [id, listedOn] of Object.entries(base.sent)) if (listedOn >= keepFrom) kept[id] = listedOn;
	Object.assign(kept, sent);
	const { pending, ...rest } = base;
	const next: DeliveryRecord = { ...rest, sent: kept };
	if (pending && pending.day > outcome.day) next.pending = pending;
	if (!base.lastDay || outcome.day >= base.lastDay) {
		next.lastDay = outcome.day;
		next.lastOutcome = outcome;
		// A digest Discord refused covered nothing: its papers stay new for the next one.
		if (outcome.outcome !== 'failed') next.covered = { day: outcome.day, at: outcome.at };
	}
	return next;
}

/** The papers of a pending attempt as `id → listedOn`, for recording it as delivered. */
export function pendingPapers(pending: PendingDigest): Record<string, string> {
	return Object.fromEntries(pending.paperIds.map((id) => [id, pending.listedOn?.[id] ?? pending.day]));
}

/**
 * The local day, in `timeZone`, of the last delivery. Taken from the instant rather than the stored day
 * string, so a schedule whose zone changed counts its last digest on the right day of the new zone: no
 * day skipped, none doubled.
 */
export function deliveredLocalDay(last: Pick<LastDelivery, 'day' | 'at'> | undefined, timeZone: string): string | undefined {
	if (!last) return undefined;
	const instant = Date.parse(last.at);
	return Number.isNaN(instant) ? last.day : localClock(new Date(instant), timeZone).day;
}
