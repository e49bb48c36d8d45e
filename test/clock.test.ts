import { describe, expect, it } from 'vitest';
import { createSandboxClock, parseTimeInput } from '../src/sandbox/clock.js';

const NOW = new Date('2026-03-14T10:00:00Z');

describe('parseTimeInput', () => {
	it.each([
		['+1d', '2026-03-15T10:00:00.000Z'],
		['+2h', '2026-03-14T12:00:00.000Z'],
		['+30m', '2026-03-14T10:30:00.000Z'],
		[' +0m ', '2026-03-14T10:00:00.000Z'],
		['2026-03-15T09:00', '2026-03-15T09:00:00.000Z'],
		['2026-03-15', '2026-03-15T00:00:00.000Z'],
		['2026-03-15T09:00+02:00', '2026-03-15T07:00:00.000Z'],
		['2026-03-15T09:00Z', '2026-03-15T09:00:00.000Z'],
	])('reads %s', (input, expected) => {
		expect(parseTimeInput(input, NOW).toISOString()).toBe(expected);
	});

	it.each(['tomorrow', '+1w', '-1d', '15/03/2026', '2026-13-45T99:00', ''])('refuses %o with a readable hint', (input) => {
		expect(() => parseTimeInput(input, NOW)).toThrow(/is not a time\. Use 2026-03-15T09:00 \(UTC\), or \+1d, \+2h, \+30m\./);
	});
});

describe('createSandboxClock', () => {
	it('starts at the given time and keeps ticking with real time', () => {
		const clock = createSandboxClock(NOW.getTime());
		const elapsed = clock.now().getTime() - NOW.getTime();
		expect(elapsed).toBeGreaterThanOrEqual(0);
		expect(elapsed).toBeLessThan(60_000);
	});

	it('jumps with set and advance', () => {
		const clock = createSandboxClock(NOW.getTime());
		clock.set(new Date('2030-01-01T00:00:00Z'));
		expect(clock.now().getTime() - Date.parse('2030-01-01T00:00:00Z')).toBeLessThan(60_000);
		clock.advance(86_400_000);
		expect(clock.now().getTime() - Date.parse('2030-01-02T00:00:00Z')).toBeLessThan(60_000);
		expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2030-01-02T00:00:00Z'));
	});
});
