import { describe, expect, it } from 'vitest';
import { createSnowflakeGenerator, readSnowflakeTime } from '../src/sandbox/emulator/snowflake.js';

describe('createSnowflakeGenerator', () => {
	it('makes 17–19 digit ids that encode the clock and strictly increase', () => {
		const now = Date.UTC(2025, 2, 14, 12, 0, 0);
		const next = createSnowflakeGenerator(() => now);
		const ids = Array.from({ length: 5000 }, next);
		for (const id of ids) expect(id).toMatch(/^\d{17,19}$/);
		expect(readSnowflakeTime(ids[0] ?? '')).toBe(now);
		for (let i = 1; i < ids.length; i++) expect(BigInt(ids[i] ?? 0) > BigInt(ids[i - 1] ?? 0)).toBe(true);
	});

	it('keeps ids realistic when a test clock starts at zero', () => {
		const id = createSnowflakeGenerator(() => 0)();
		expect(id).toMatch(/^\d{17,19}$/);
		expect(readSnowflakeTime(id)).toBe(Date.UTC(2016, 0, 1));
	});
});
