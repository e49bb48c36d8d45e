import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { listTimeZones, resolveTimeZone, suggestTimeZones } from '../src/digests/time-zones.js';

const refusal = (raw: string) => {
	try {
		resolveTimeZone(raw);
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		return (error as Error).message;
	}
	throw new Error(`${raw} was accepted`);
};

describe('resolveTimeZone', () => {
	it('keeps the current IANA name the user gave, fixing only its case', () => {
		expect(resolveTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
		expect(resolveTimeZone('asia/kolkata')).toBe('Asia/Kolkata');
		expect(resolveTimeZone('europe/kyiv')).toBe('Europe/Kyiv');
		expect(resolveTimeZone('America/New_York')).toBe('America/New_York');
	});

	it('shows a retired name under its current one', () => {
		expect(resolveTimeZone('Asia/Calcutta')).toBe('Asia/Kolkata');
		expect(resolveTimeZone('US/Eastern')).toBe('America/New_York');
	});

	it('takes every spelling of UTC', () => {
		for (const name of ['UTC', 'utc', 'Etc/UTC', 'Z']) expect(resolveTimeZone(name)).toBe('UTC');
	});

	it('refuses abbreviations without daylight saving, suggesting the zone people mean', () => {
		expect(refusal('EST')).toContain('America/New_York');
		expect(refusal('est')).toContain('no daylight saving');
		expect(refusal('PST')).toContain('America/Los_Angeles');
		expect(refusal('IST')).toMatch(/Asia\/Kolkata.*Europe\/Dublin/);
		expect(refusal('GMT')).toMatch(/Europe\/London.*UTC/);
	});

	it('refuses an alias without a city, naming the city zone', () => {
		expect(refusal('Japan')).toContain('Asia/Tokyo');
		expect(refusal('EST5EDT')).toContain('America/New_York');
	});

	it('refuses an unknown zone, with close names when there are some', () => {
		expect(refusal('Mars/Olympus')).toContain('unknown time zone');
		expect(refusal('Europe/Berlinn')).toContain('unknown time zone');
		expect(refusal('Tokyo')).toContain('Asia/Tokyo');
		expect(refusal('x'.repeat(6000))).toContain('unknown time zone');
	});
});

describe('suggestTimeZones', () => {
	it('offers the common zones when nothing is typed', () => {
		expect(suggestTimeZones('')).toContain('America/New_York');
		expect(suggestTimeZones('').length).toBeLessThanOrEqual(25);
	});

	it('matches city words with spaces or underscores, city starts first', () => {
		expect(suggestTimeZones('new york')[0]).toBe('America/New_York');
		expect(suggestTimeZones('kolk')).toEqual(['Asia/Kolkata']);
		expect(suggestTimeZones('london')[0]).toBe('Europe/London');
		expect(suggestTimeZones('america/new')).toContain('America/New_York');
	});

	it('never offers more than 25 or a retired name', () => {
		expect(suggestTimeZones('a')).toHaveLength(25);
		expect(listTimeZones()).not.toContain('Asia/Calcutta');
		expect(listTimeZones()).toContain('Asia/Kolkata');
	});
});
