import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH } from '../src/search/index.js';
import { SearchMessages } from '../src/search/messages.js';
import { SORT_ORDERS } from '../src/search/query-syntax.js';
import { buildSearchRequest, formatSearchRequest, hasFilters, hasQuerySyntax, resolveDay, shiftDay } from '../src/search/search-request.js';

const NOW = new Date('2026-03-14T08:00:00Z');
const build = (query: string, options = {}) => buildSearchRequest(query, options, NOW);

describe('buildSearchRequest', () => {
	it('resolves relative and partial dates against the clock', () => {
		expect(build('diffusion since:7d before:today')).toMatchObject({ words: ['diffusion'], since: '2026-03-07', before: '2026-03-14' });
		expect(build('since:2026-02 before:2026-03-10')).toMatchObject({ since: '2026-02-01', before: '2026-03-10' });
		expect(build('since:yesterday')).toMatchObject({ since: '2026-03-13' });
	});

	it('takes the command options for people who do not type syntax, combined with the query', () => {
		expect(build('diffusion', { author: 'Ada Lovelace', since: '2w', before: '2026-03-10', sort: 'UPVOTES' })).toEqual({
			words: ['diffusion'],
			phrases: [],
			excluded: [],
			authors: ['Ada Lovelace'],
			since: '2026-02-28',
			before: '2026-03-10',
			sort: 'upvotes',
		});
		expect(build('author:Hinton', { author: 'LeCun' }).authors).toEqual(['Hinton', 'LeCun']);
		expect(build('', { sort: 'date' })).toMatchObject({ words: [], sort: 'date' });
	});

	it('accepts the same value twice, once in the query and once as an option', () => {
		expect(build('since:7d sort:date author:Hinton', { since: '2026-03-07', sort: 'date', author: 'hinton' })).toMatchObject({
			since: '2026-03-07',
			sort: 'date',
			authors: ['Hinton'],
		});
	});

	it('refuses a query and an option that disagree', () => {
		expect(() => build('since:7d', { since: '2026-01-01' })).toThrow(SearchMessages.conflictingFilter('since', '7d', '2026-01-01'));
		expect(() => build('before:2026-03-01', { before: '1w' })).toThrow(SearchMessages.conflictingFilter('before', '2026-03-01', '1w'));
		expect(() => build('sort:date', { sort: 'upvotes' })).toThrow(SearchMessages.conflictingFilter('sort', 'date', 'upvotes'));
	});

	it('refuses since: in the future', () => {
		expect(() => build('since:2026-03-15')).toThrow(SearchMessages.futureSince('2026-03-15', '2026-03-14'));
		expect(() => build('x', { since: '2027' })).toThrow(SearchMessages.futureSince('2027-01-01', '2026-03-14'));
		expect(build('since:today').since).toBe('2026-03-14');
	});

	it('refuses a since: that is not before before:', () => {
		expect(() => build('since:2026-03-10 before:2026-03-01')).toThrow(SearchMessages.emptyRange('2026-03-10', '2026-03-01'));
		expect(() => build('since:2026-03-10 before:2026-03-10')).toThrow(SearchMessages.emptyRange('2026-03-10', '2026-03-10'));
	});

	it('refuses a bad date or sort option with the same messages as the syntax', () => {
		expect(() => build('since:last-week')).toThrow(SearchMessages.badDate('since', 'last-week'));
		expect(() => build('', { before: '2026-02-30' })).toThrow(SearchMessages.badDate('before', '2026-02-30'));
		expect(() => build('x', { sort: 'stars' })).toThrow(SearchMessages.badSort('stars', SORT_ORDERS));
	});

	it('refuses a query with nothing to search for and one over the length limit', () => {
		expect(() => build('   ')).toThrow(SearchMessages.nothingToSearch);
		expect(() => build('x'.repeat(MAX_QUERY_LENGTH + 1))).toThrow(SearchMessages.queryTooLong(MAX_QUERY_LENGTH, MAX_QUERY_LENGTH + 1));
	});

	it('reads a non-string query (a malformed interaction) as no query', () => {
		expect(() => buildSearchRequest(42 as unknown as string, {}, NOW)).toThrow(SearchMessages.nothingToSearch);
	});
});

describe('formatSearchRequest', () => {
	it('writes absolute days, so a page button means the same results tomorrow', () => {
		const request = build('"video generation" -audio since:7d', { author: 'Ada Lovelace', sort: 'upvotes' });
		const query = formatSearchRequest(request);
		expect(query).toBe('"video generation" -audio author:"Ada Lovelace" since:2026-03-07 sort:upvotes');
		expect(buildSearchRequest(query, {}, new Date('2026-03-20T00:00:00Z'))).toEqual(request);
	});

	it('leaves a plain query as typed', () => {
		expect(formatSearchRequest(build('large language models'))).toBe('large language models');
	});
});

describe('hasFilters', () => {
	it('is false for plain words only', () => {
		expect(hasFilters(build('a b c'))).toBe(false);
		expect(hasFilters(build('a "b c"'))).toBe(true);
		expect(hasFilters(build('a -b'))).toBe(true);
		expect(hasFilters(build('a', { sort: 'relevance' }))).toBe(true);
	});
});

describe('hasQuerySyntax', () => {
	it('tells plain words from text using the syntax, half-typed syntax included', () => {
		expect(hasQuerySyntax('diffusion models')).toBe(false);
		expect(hasQuerySyntax('ratio 3:1')).toBe(false);
		expect(hasQuerySyntax('diffusion sort:upvotes')).toBe(true);
		expect(hasQuerySyntax('diffusion -video')).toBe(true);
		expect(hasQuerySyntax('diffusion sort:up')).toBe(true);
		expect(hasQuerySyntax('author: ')).toBe(true);
	});
});

describe('resolveDay', () => {
	it.each([
		['7d', '2026-03-07'],
		['2w', '2026-02-28'],
		['1m', '2026-02-14'],
		['3M', '2025-12-14'],
		['1y', '2025-03-14'],
		['0d', '2026-03-14'],
		['2026-01-31', '2026-01-31'],
		['2025', '2025-01-01'],
	])('reads %s as %s', (value, day) => {
		expect(resolveDay('since', value, '2026-03-14')).toBe(day);
	});

	it.each(['2026-13-01', '2026-02-29', '7x', 'd7', '10000d', '200y', ''])('refuses %j', (value) => {
		expect(() => resolveDay('before', value, '2026-03-14')).toThrow(SearchMessages.badDate('before', value));
	});
});

describe('shiftDay', () => {
	it('moves back by calendar months, keeping to the last day of a shorter month', () => {
		expect(shiftDay('2026-03-31', 1, 'm')).toBe('2026-02-28');
		expect(shiftDay('2024-03-31', 1, 'm')).toBe('2024-02-29');
		expect(shiftDay('2024-02-29', 1, 'y')).toBe('2023-02-28');
		expect(shiftDay('2026-01-05', 2, 'w')).toBe('2025-12-22');
		expect(shiftDay('2026-03-14', -1, 'd')).toBe('2026-03-15');
	});
});
