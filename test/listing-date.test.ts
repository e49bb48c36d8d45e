import { describe, expect, it } from 'vitest';
import { parseDateLine, resolveListingDay } from '../src/papers/listing-date.js';

describe('parseDateLine', () => {
	it('reads short and long month names, with or without a year', () => {
		expect(parseDateLine('Mar 14')).toEqual({ month: 3, day: 14 });
		expect(parseDateLine(' September 3, 2024 ')).toEqual({ month: 9, day: 3, year: 2024 });
		expect(parseDateLine('Dec 1 2023')).toEqual({ month: 12, day: 1, year: 2023 });
	});

	it('ignores lines that are not just a date', () => {
		expect(parseDateLine('Mar 14 papers')).toBeUndefined();
		expect(parseDateLine('Marching 14')).toBeUndefined();
		expect(parseDateLine('May the force')).toBeUndefined();
	});
});

describe('resolveListingDay', () => {
	const now = new Date('2026-03-14T08:00:00Z');
	it('uses the line year, then the configured year, then the most recent day not in the future', () => {
		expect(resolveListingDay({ month: 3, day: 14, year: 2023 }, 2024, now)).toBe('2023-03-14');
		expect(resolveListingDay({ month: 3, day: 14 }, 2024, now)).toBe('2024-03-14');
		expect(resolveListingDay({ month: 3, day: 14 }, undefined, now)).toBe('2026-03-14');
		expect(resolveListingDay({ month: 3, day: 15 }, undefined, now)).toBe('2025-03-15');
	});

	it('goes back to a leap year for Feb 29 and rejects days that do not exist', () => {
		expect(resolveListingDay({ month: 2, day: 29 }, undefined, now)).toBe('2024-02-29');
		expect(resolveListingDay({ month: 2, day: 29 }, 2025, now)).toBeUndefined();
		expect(resolveListingDay({ month: 4, day: 31 }, undefined, now)).toBeUndefined();
	});
});
