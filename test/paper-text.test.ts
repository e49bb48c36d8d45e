import { describe, expect, it } from 'vitest';
import { formatCount, formatUpvotes } from '../src/cards/paper-text.js';

describe('formatCount', () => {
	it("writes whole numbers as toLocaleString('en-US') does", () => {
		for (const count of [0, 1, 9, 10, 999, 1000, 1234, 99_999, 1_000_000, Number.MAX_SAFE_INTEGER]) {
			expect(formatCount(count)).toBe(count.toLocaleString('en-US'));
		}
	});
});

describe('formatUpvotes', () => {
	it('shows a rounded count with its arrow, and nothing for a count that is not one', () => {
		expect(formatUpvotes(1234.4)).toBe('▲ 1,234');
		expect(formatUpvotes(7)).toBe('▲ 7');
		expect([undefined, -1, Number.NaN, Number.POSITIVE_INFINITY].map(formatUpvotes)).toEqual([undefined, undefined, undefined, undefined]);
	});
});
