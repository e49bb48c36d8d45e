import { describe, expect, it } from 'vitest';
import { addDays, localClock, offsetMinutes, slotInstant, slotMinutes } from '../src/digests/local-time.js';

describe('localClock', () => {
	it('gives the local day and minutes in a zone', () => {
		expect(localClock(new Date('2026-03-15T09:00:00Z'), 'UTC')).toEqual({ day: '2026-03-15', minutes: 540 });
		expect(localClock(new Date('2026-03-15T03:30:00Z'), 'America/New_York')).toEqual({ day: '2026-03-14', minutes: 23 * 60 + 30 });
		expect(localClock(new Date('2026-03-15T00:00:00Z'), 'Asia/Kolkata')).toEqual({ day: '2026-03-15', minutes: 5 * 60 + 30 });
	});

	it('answers an instant asked for again the same, within its minute, and in a copy the caller may change', () => {
		const first = localClock(new Date('2026-03-15T03:30:10Z'), 'America/New_York');
		first.minutes = -1;
		expect(localClock(new Date('2026-03-15T03:30:50Z'), 'America/New_York')).toEqual({ day: '2026-03-14', minutes: 23 * 60 + 30 });
		expect(localClock(new Date('2026-03-15T03:30:50Z'), 'Europe/Paris')).toEqual({ day: '2026-03-15', minutes: 4 * 60 + 30 });
	});

	it('reports midnight as minute 0, not 24:00', () => {
		expect(localClock(new Date('2026-03-15T05:00:00Z'), 'America/Chicago')).toEqual({ day: '2026-03-15', minutes: 0 });
	});

	it('follows New York across the 2026 spring-forward jump', () => {
		expect(localClock(new Date('2026-03-08T06:59:00Z'), 'America/New_York').minutes).toBe(1 * 60 + 59);
		expect(localClock(new Date('2026-03-08T07:00:00Z'), 'America/New_York').minutes).toBe(3 * 60);
	});
});

describe('slotInstant', () => {
	it('finds an ordinary slot', () => {
		expect(slotInstant('2026-03-15', '09:00', 'Europe/London').toISOString()).toBe('2026-03-15T09:00:00.000Z');
		expect(slotInstant('2026-07-15', '09:00', 'Europe/London').toISOString()).toBe('2026-07-15T08:00:00.000Z');
	});

	it('moves a slot inside the spring-forward gap to the jump', () => {
		// New York 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z; 02:30 never happens.
		expect(slotInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z');
		expect(slotInstant('2026-03-08', '09:00', 'America/New_York').toISOString()).toBe('2026-03-08T13:00:00.000Z');
	});

	it('takes the first of the two repeated instants on the fall-back day', () => {
		// New York 2026-11-01: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z).
		expect(slotInstant('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
	});
});

describe('offsetMinutes', () => {
	it('reads the zone offset at an instant', () => {
		expect(offsetMinutes(new Date('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
		expect(offsetMinutes(new Date('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
	});
});

describe('addDays', () => {
	it('crosses month and year ends', () => {
		expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
		expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
	});

	it('answers the same when asked again, and refuses a malformed day every time', () => {
		expect([addDays('2026-03-14', -8), addDays('2026-03-14', -8), addDays('2026-03-14', 8)]).toEqual(['2026-03-06', '2026-03-06', '2026-03-22']);
		expect(() => addDays('not a day', 1)).toThrow(RangeError);
		expect(() => addDays('not a day', 1)).toThrow(RangeError);
	});
});

describe('slotMinutes', () => {
	it('parses HH:MM', () => {
		expect(slotMinutes('09:30')).toBe(570);
		expect(slotMinutes('00:00')).toBe(0);
	});
});

describe('slotInstant against a minute-by-minute walk', () => {
	/** The definition itself, one minute at a time: the first instant local time reaches the slot on that day. */
	function walk(day: string, time: string, timeZone: string): number {
		const slot = slotMinutes(time);
		let instant = Date.parse(`${day}T00:00:00Z`) - 15 * 60 * 60_000;
		for (; ; instant += 60_000) {
			const local = localClock(new Date(instant), timeZone);
			if (local.day > day || (local.day === day && local.minutes >= slot)) return instant;
		}
	}

	// Transition days (and ordinary ones) in zones with 30- and 45-minute offsets and half-hour DST.
	const zones = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Kolkata', 'UTC'];
	const days = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01', '2026-06-15'];
	const times = ['00:00', '00:30', '01:00', '01:30', '02:00', '02:15', '02:30', '02:45', '03:00', '03:30', '09:00', '23:59'];

	it('agrees on every slot of transition days across odd-offset zones', () => {
		for (const zone of zones) {
			for (const day of days) {
				for (const time of times) expect(slotInstant(day, time, zone).getTime(), `${zone} ${day} ${time}`).toBe(walk(day, time, zone));
			}
		}
	});
});
