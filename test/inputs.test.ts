import { describe, expect, it } from 'vitest';
import { parseDigestTime, parseMaxPapers, parseTimeZone, parseTopics } from '../src/digests/inputs.js';
import { UserError } from '../src/errors.js';

describe('parseDigestTime', () => {
	it('accepts 24-hour HH:MM and pads a one-digit hour', () => {
		expect(parseDigestTime('09:00')).toBe('09:00');
		expect(parseDigestTime(' 18:30 ')).toBe('18:30');
		expect(parseDigestTime('7:05')).toBe('07:05');
		expect(parseDigestTime('00:00')).toBe('00:00');
		expect(parseDigestTime('23:59')).toBe('23:59');
	});

	it('defaults to 09:00', () => {
		expect(parseDigestTime(undefined)).toBe('09:00');
		expect(parseDigestTime('  ')).toBe('09:00');
	});

	it('explains an hour out of range', () => {
		expect(() => parseDigestTime('25:00')).toThrow(UserError);
		expect(() => parseDigestTime('25:00')).toThrow(/hours go from 00 to 23/);
		expect(() => parseDigestTime('24:00')).toThrow(/hours go from 00 to 23/);
	});

	it('explains minutes out of range', () => {
		expect(() => parseDigestTime('09:60')).toThrow(/minutes go from 00 to 59/);
	});

	it('asks for 24-hour HH:MM for anything else', () => {
		for (const raw of ['9am', '9', '0900', '9:0', '09:00:00', 'noon', '-1:00']) {
			expect(() => parseDigestTime(raw)).toThrow(/use 24-hour HH:MM, e\.g\. 09:00/);
		}
	});
});

describe('parseTimeZone', () => {
	it('accepts IANA names in their canonical spelling', () => {
		expect(parseTimeZone('America/New_York')).toBe('America/New_York');
		expect(parseTimeZone('asia/tokyo')).toBe('Asia/Tokyo');
		expect(parseTimeZone(undefined)).toBe('UTC');
	});

	it('rejects an unknown zone', () => {
		expect(() => parseTimeZone('Mars/Olympus')).toThrow(UserError);
		expect(() => parseTimeZone('Mars/Olympus')).toThrow(/unknown time zone/);
	});
});

describe('parseTopics', () => {
	it('splits on commas, trims, drops blanks and duplicates', () => {
		expect(parseTopics(' LLM, diffusion ,, llm ,  agents  ')).toEqual(['LLM', 'diffusion', 'agents']);
		expect(parseTopics(undefined)).toEqual([]);
		expect(parseTopics(' , ')).toEqual([]);
	});

	it('accepts 25 topics of 100 characters', () => {
		const topics = Array.from({ length: 25 }, (_, index) => `${index}`.padEnd(100, 'x'));
		expect(parseTopics(topics.join(','))).toHaveLength(25);
	});

	it('rejects 500 topics', () => {
		const raw = Array.from({ length: 500 }, (_, index) => `t${index}`).join(',');
		expect(() => parseTopics(raw)).toThrow(UserError);
		expect(() => parseTopics(raw)).toThrow(/500 topics; a digest can follow at most 25/);
	});

	it('rejects a 6,000-character topic', () => {
		expect(() => parseTopics('a'.repeat(6000))).toThrow(/at most 100 characters; one of yours has 6000/);
	});
});

describe('parseMaxPapers', () => {
	it('accepts 1 to 10 and defaults to 10', () => {
		expect(parseMaxPapers(1)).toBe(1);
		expect(parseMaxPapers(10)).toBe(10);
		expect(parseMaxPapers(undefined)).toBe(10);
	});

	it('rejects anything else', () => {
		for (const value of [0, 11, 25, -1, 2.5, Number.NaN]) expect(() => parseMaxPapers(value)).toThrow(/from 1 to 10/);
	});
});
