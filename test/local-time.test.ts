import { describe, expect, it } from 'vitest';
import { addDays, canonicalTimeZone, localClock, offsetMinutes, slotInstant, slotMinutes } from '../src/digests/local-time.js';

describe('localClock', () => {
	it('gives the local day and minutes in a zone', () => {
		expect(localClock(new Date('2026-03-15T09:00:00Z'), 'UTC')).toEqual({ day: '2026-03-15', minutes: 540 });
		expect(localClock(new Date('2026-03-15T03:30:00Z'), 'America/New_York')).toEqual({ day: '2026-03-14', minutes: 23 * 60 + 30 });
		expect(localClock(new Date('2026-03-15T00:00:00Z'), 'Asia/Kolkata')).toEqual({ day: '2026-03-15', minutes: 5 * 60 + 30 });
	});

	it('reports midnight as minute 0, not 24:00', () => {
		expect(localClock(new Date('2026-03-15T05:00:00Z'), 'America/Chicago')).toEqual({ day: '2026-03-15', minutes: 0 });
	});

	it('follows New York across the 2026 spring-forward jump', () => {
		expect(localClock(new Date('2026-03-08T06:59:00Z'), 'America/New_York').minutes).toBe(1 * 60 + 59);
		expect(localClock(new Date('2026-03-08T07:00:00Z'), 'America/New_York').minutes).toBe(3 * 60);
	});
});

describe('canonicalTimeZone', () => {
	it('canonicalizes known zones and rejects unknown ones', () => {
		expect(canonicalTimeZone('europe/london')).toBe('Europe/London');
		expect(canonicalTimeZone('UTC')).toBe('UTC');
		expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
		expect(canonicalTimeZone('')).toBeUndefined();
		expect(canonicalTimeZone('x'.repeat(6000))).toBeUndefined();
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
});

describe('slotMinutes', () => {
	it('parses HH:MM', () => {
		expect(slotMinutes('09:30')).toBe(570);
		expect(slotMinutes('00:00')).toBe(0);
	});
});
