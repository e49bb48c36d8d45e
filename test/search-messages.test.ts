import { describe, expect, it } from 'vitest';
import { SearchMessages } from '../src/search/messages.js';

describe('SearchMessages', () => {
	it('states the limit and the actual length of a long query', () => {
		expect(SearchMessages.queryTooLong(1000, 1234)).toMatch(/1,234 characters.*limit is 1,000 characters/);
	});

	it('is frozen', () => {
		expect(Object.isFrozen(SearchMessages)).toBe(true);
	});
});
