import { UserError } from '../errors.js';
import type { DigestFrequency, DigestSchedule, Weekday } from '../store/records.js';
import { addDays } from './local-time.js';
import { DigestMessages } from './messages.js';

/** How often a digest runs: every day, Monday to Friday, or once a week on one day. Days are the schedule's local days. */

export const FREQUENCIES: readonly DigestFrequency[] = ['daily', 'weekdays', 'weekly'];
/** In Date#getUTCDay order (0 = Sunday), so a local day string maps to its weekday without a time zone. */
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
export const DEFAULT_WEEKDAY: Weekday = 'mon';

const WEEKDAY_NAMES: Record<Weekday, string> = {
	mon: 'Monday',
	tue: 'Tuesday',
	wed: 'Wednesday',
	thu: 'Thursday',
	fri: 'Friday',
	sat: 'Saturday',
	sun: 'Sunday',
};

/** The choices /digest subscribe offers for `day`, Monday first. */
export const WEEKDAY_CHOICES: readonly { name: string; value: Weekday }[] = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({
	name: WEEKDAY_NAMES[day],
	value: day,
}));

export function parseFrequency(raw: string): DigestFrequency {
	const text = raw.trim().toLowerCase();
	if ((FREQUENCIES as readonly string[]).includes(text)) return text as DigestFrequency;
	throw new UserError(DigestMessages.unknownFrequency(raw, FREQUENCIES));
}

/** `mon`…`sun`, or the day's full name. */
export function parseWeekday(raw: string): Weekday {
	const text = raw.trim().toLowerCase().slice(0, 3);
	if ((WEEKDAYS as readonly string[]).includes(text) && WEEKDAY_NAMES[text as Weekday].toLowerCase().startsWith(raw.trim().toLowerCase()))
		return text as Weekday;
	throw new UserError(DigestMessages.unknownWeekday(raw));
}

export function frequencyOf(schedule: Pick<DigestSchedule, 'frequency'>): DigestFrequency {
	return schedule.frequency ?? 'daily';
}

export function weekdayOf(schedule: Pick<DigestSchedule, 'weekday'>): Weekday {
	return schedule.weekday ?? DEFAULT_WEEKDAY;
}

/** The weekday of a `YYYY-MM-DD` calendar day. */
export function weekdayOfDay(day: string): Weekday {
	return WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()] as Weekday;
}

/** Whether the schedule has a digest on local `day`. */
export function runsOn(schedule: Pick<DigestSchedule, 'frequency' | 'weekday'>, day: string): boolean {
	const frequency = frequencyOf(schedule);
	if (frequency === 'daily') return true;
	const weekday = weekdayOfDay(day);
	if (frequency === 'weekdays') return weekday !== 'sat' && weekday !== 'sun';
	return weekday === weekdayOf(schedule);
}

/** The first day from `day` on (itself included) the schedule runs on; every cadence runs at least once a week. */
export function nextRunDay(schedule: Pick<DigestSchedule, 'frequency' | 'weekday'>, day: string): string {
	for (let ahead = 0; ahead < 7; ahead += 1) {
		const candidate = addDays(day, ahead);
		if (runsOn(schedule, candidate)) return candidate;
	}
	return day;
}

/**
 * How far a target's first digest looks back. Later digests take what is new since the previous one whatever the gap;
 * a first one has no previous, so it covers what its cadence would have: yesterday (plus a day of time-zone skew), a
 * weekend, or a week.
 */
export function firstLookbackDays(schedule: Pick<DigestSchedule, 'frequency'>, daily: number): number {
	const frequency = frequencyOf(schedule);
	if (frequency === 'weekly') return 8;
	if (frequency === 'weekdays') return 4;
	return daily;
}

/** `daily`, `on weekdays`, `weekly on Friday`. */
export function describeCadence(schedule: Pick<DigestSchedule, 'frequency' | 'weekday'>): string {
	const frequency = frequencyOf(schedule);
	if (frequency === 'weekdays') return 'on weekdays';
	if (frequency === 'weekly') return `weekly on ${WEEKDAY_NAMES[weekdayOf(schedule)]}`;
	return 'daily';
}

export function weekdayName(day: Weekday): string {
	return WEEKDAY_NAMES[day];
}
