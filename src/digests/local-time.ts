/**
 * Wall-clock time in a named zone, computed with Intl only, so daylight-saving rules come from the
 * runtime's time-zone database and never from offset arithmetic of our own.
 */

export interface LocalClock {
	/** Local calendar day `YYYY-MM-DD`. */
	day: string;
	/** Minutes since local midnight, 0–1439. */
	minutes: number;
}

const MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** Local clocks already asked for, by zone and UTC minute; two generations, the older dropped whole when the newer fills. */
const CLOCK_MEMO_SIZE = 4096;
let recentClocks = new Map<string, LocalClock>();
let olderClocks = new Map<string, LocalClock>();

/**
 * The local day and minute at `instant`. Remembered per zone and minute (every offset in use is whole minutes): a
 * digest pass asks for the same instants thousands of times (the time every schedule's last digest went out), and
 * each Intl call costs several microseconds.
 */
export function localClock(instant: Date, timeZone: string): LocalClock {
	const key = `${timeZone}|${Math.floor(instant.getTime() / MINUTE)}`;
	let local = recentClocks.get(key) ?? olderClocks.get(key);
	if (!local) {
		const parts: Record<string, string> = {};
		for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
		local = { day: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
	}
	if (!recentClocks.has(key)) {
		if (recentClocks.size >= CLOCK_MEMO_SIZE / 2) {
			olderClocks = recentClocks;
			recentClocks = new Map();
		}
		recentClocks.set(key, local);
	}
	return { ...local };
}

/** `HH:MM` (already validated) → minutes since midnight. */
export function slotMinutes(time: string): number {
	const [hours, minutes] = time.split(':').map(Number);
	return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Days already shifted, by day and offset; two generations like the clocks above. */
const DAY_MEMO_SIZE = 1024;
let recentDays = new Map<string, string>();
let olderDays = new Map<string, string>();

/** Remembered: a fan-out shifts the same few days for every target (its window, its sent history's cut). */
export function addDays(day: string, days: number): string {
	const key = `${day}|${days}`;
	let shifted = recentDays.get(key);
	if (shifted !== undefined) return shifted;
	shifted = olderDays.get(key) ?? shiftDay(day, days);
	if (recentDays.size >= DAY_MEMO_SIZE / 2) {
		olderDays = recentDays;
		recentDays = new Map();
	}
	recentDays.set(key, shifted);
	return shifted;
}

function shiftDay(day: string, days: number): string {
	const date = new Date(`${day}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

/** True when local (day, minutes) is at or after (slotDay, slot): the slot has come on that day. */
export function hasReached(local: LocalClock, slotDay: string, slot: number): boolean {
	return local.day > slotDay || (local.day === slotDay && local.minutes >= slot);
}

/**
 * The first instant at which local time in `timeZone` reaches `time` on `day`. On a spring-forward day
 * a slot inside the gap (02:30 in New York) is reached at the jump (03:00 local); on a fall-back day
 * the first of the two repeated instants wins. A handful of Intl calls, whatever the zone: the offsets in
 * force half a day either side give the candidates, and only a gap needs a short binary search.
 */
export function slotInstant(day: string, time: string, timeZone: string): Date {
	const slot = slotMinutes(time);
	const naive = Date.parse(`${day}T00:00:00Z`) + slot * MINUTE;
	const before = naive - offsetMinutes(new Date(naive - OFFSET_PROBE), timeZone) * MINUTE;
	const after = naive - offsetMinutes(new Date(naive + OFFSET_PROBE), timeZone) * MINUTE;
	const exact = [before, after].filter((instant) => isWallTime(instant, timeZone, day, slot)).sort((a, b) => a - b);
	if (exact[0] !== undefined) return new Date(exact[0]);
	// A gap: the wall time never happens; it is reached at the transition, between the two candidates.
	let low = Math.min(before, after);
	let high = Math.max(before, after);
	if (!hasReached(localClock(new Date(high), timeZone), day, slot)) return new Date(high);
	while (high - low > MINUTE) {
		const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
		if (hasReached(localClock(new Date(middle), timeZone), day, slot)) high = middle;
		else low = middle;
	}
	return new Date(high);
}

/**
 * The real instant lies within 14 hours of the naive one (no zone is further from UTC); offsets this far either
 * side are the ones in force before and after any transition that day, as no zone changes twice in 3 days.
 */
const OFFSET_PROBE = 40 * 60 * MINUTE;

function isWallTime(instant: number, timeZone: string, day: string, slot: number): boolean {
	const local = localClock(new Date(instant), timeZone);
	return local.day === day && local.minutes === slot;
}

/** Local wall time minus UTC, in minutes, at `instant`. */
export function offsetMinutes(instant: Date, timeZone: string): number {
	const local = localClock(instant, timeZone);
	const wall = Date.parse(`${local.day}T00:00:00Z`) + local.minutes * MINUTE;
	return Math.round((wall - Math.floor(instant.getTime() / MINUTE) * MINUTE) / MINUTE);
}
