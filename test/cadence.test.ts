import { describe, expect, it } from 'vitest';
import { describeCadence, firstLookbackDays, nextRunDay, parseFrequency, parseWeekday, runsOn, weekdayOfDay } from '../src/digests/cadence.js';
import { localClock } from '../src/digests/local-time.js';
import { isDue, nextRunAt } from '../src/digests/schedule.js';
import type { DigestSchedule } from '../src/store/records.js';

/** 2026-03-14 is a Saturday, 2026-03-16 a Monday. */
const schedule = (fields: Partial<DigestSchedule> = {}): DigestSchedule => ({
	time: '09:00',
	timezone: 'UTC',
	topics: [],
	createdAt: '2026-03-01T00:00:00.000Z',
	...fields,
});

describe('parseFrequency', () => {
	it('takes daily, weekdays and weekly, in any case, and names them when refusing', () => {
		expect(parseFrequency('Weekly')).toBe('weekly');
		expect(parseFrequency(' weekdays ')).toBe('weekdays');
		expect(() => parseFrequency('monthly')).toThrow(/use daily, weekdays, weekly/);
	});
});

describe('parseWeekday', () => {
	it('takes three letters or the full name, nothing else', () => {
		expect(parseWeekday('fri')).toBe('fri');
		expect(parseWeekday('Friday')).toBe('fri');
		expect(() => parseWeekday('fr')).toThrow(/not a day of the week/);
		expect(() => parseWeekday('friyay')).toThrow(/not a day of the week/);
	});
});

describe('runsOn', () => {
	it('runs daily every day, weekdays Monday to Friday, weekly on its day (Monday when none is stored)', () => {
		expect(weekdayOfDay('2026-03-14')).toBe('sat');
		expect(runsOn({}, '2026-03-14')).toBe(true);
		expect(runsOn({ frequency: 'weekdays' }, '2026-03-14')).toBe(false);
		expect(runsOn({ frequency: 'weekdays' }, '2026-03-16')).toBe(true);
		expect(runsOn({ frequency: 'weekly' }, '2026-03-16')).toBe(true);
		expect(runsOn({ frequency: 'weekly', weekday: 'fri' }, '2026-03-16')).toBe(false);
		expect(runsOn({ frequency: 'weekly', weekday: 'fri' }, '2026-03-20')).toBe(true);
	});
});

describe('nextRunDay', () => {
	it('finds the first day on or after the given one the cadence runs on', () => {
		expect(nextRunDay({ frequency: 'weekdays' }, '2026-03-14')).toBe('2026-03-16');
		expect(nextRunDay({ frequency: 'weekly', weekday: 'sat' }, '2026-03-14')).toBe('2026-03-14');
		expect(nextRunDay({ frequency: 'weekly', weekday: 'fri' }, '2026-03-21')).toBe('2026-03-27');
	});
});

describe('firstLookbackDays', () => {
	it('covers what the cadence would have: a day and skew, a weekend, a week and skew', () => {
		expect(firstLookbackDays({}, 2)).toBe(2);
		expect(firstLookbackDays({ frequency: 'weekdays' }, 2)).toBe(4);
		expect(firstLookbackDays({ frequency: 'weekly' }, 2)).toBe(8);
	});
});

describe('describeCadence', () => {
	it('says how often in words', () => {
		expect(describeCadence({})).toBe('daily');
		expect(describeCadence({ frequency: 'weekdays' })).toBe('on weekdays');
		expect(describeCadence({ frequency: 'weekly', weekday: 'thu' })).toBe('weekly on Thursday');
	});
});

describe('isDue', () => {
	it('is never due on a day the cadence skips, and due at the slot on its day', () => {
		const weekly = schedule({ frequency: 'weekly', weekday: 'mon' });
		expect(isDue(weekly, localClock(new Date('2026-03-15T10:00:00Z'), 'UTC'))).toBe(false);
		expect(isDue(weekly, localClock(new Date('2026-03-16T08:59:00Z'), 'UTC'))).toBe(false);
		expect(isDue(weekly, localClock(new Date('2026-03-16T09:00:00Z'), 'UTC'))).toBe(true);
		const done = { ...weekly, lastDelivery: { day: '2026-03-16', at: '2026-03-16T09:00:00.000Z', outcome: 'sent' as const, paperCount: 1 } };
		expect(isDue(done, localClock(new Date('2026-03-16T12:00:00Z'), 'UTC'))).toBe(false);
		expect(isDue(done, localClock(new Date('2026-03-23T09:00:00Z'), 'UTC'))).toBe(true);
	});

	it('uses the local day of the schedule’s zone: Monday in Tokyo is still Sunday in UTC', () => {
		const tokyo = schedule({ frequency: 'weekly', weekday: 'mon', timezone: 'Asia/Tokyo' });
		expect(isDue(tokyo, localClock(new Date('2026-03-16T00:30:00Z'), 'Asia/Tokyo'))).toBe(true);
	});
});

describe('nextRunAt', () => {
	it('skips to the next day the cadence runs on', () => {
		expect(nextRunAt(schedule({ frequency: 'weekly', weekday: 'wed' }), new Date('2026-03-14T12:00:00Z'))?.toISOString()).toBe('2026-03-18T09:00:00.000Z');
		const friday = { day: '2026-03-20', at: '2026-03-20T09:00:00.000Z', outcome: 'sent' as const, paperCount: 1 };
		expect(nextRunAt(schedule({ frequency: 'weekdays', lastDelivery: friday }), new Date('2026-03-20T10:00:00Z'))?.toISOString()).toBe(
			'2026-03-23T09:00:00.000Z',
		);
		expect(nextRunAt(schedule({ frequency: 'weekdays' }), new Date('2026-03-20T08:00:00Z'))?.toISOString()).toBe('2026-03-20T09:00:00.000Z');
	});
});
