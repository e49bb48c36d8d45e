import { describe, expect, it } from 'vitest';
import { SearchMessages } from '../src/search/messages.js';
import { FILTER_KEYS, formatQuerySyntax, parseQuerySyntax, parseSortOrder, QuerySyntaxLimits, SORT_ORDERS } from '../src/search/query-syntax.js';

const parse = parseQuerySyntax;

describe('parseQuerySyntax', () => {
	it('parses words, phrases, exclusions and every filter into structured fields', () => {
		expect(parse('diffusion "video generation" -audio -"text to speech" author:"Ada Lovelace" since:7d before:2026-03-01 sort:upvotes')).toEqual({
			words: ['diffusion'],
			phrases: ['video generation'],
			excluded: ['audio', 'text to speech'],
			authors: ['Ada Lovelace'],
			since: '7d',
			before: '2026-03-01',
			sort: 'upvotes',
		});
	});

	it('gives plain text as words and nothing else', () => {
		expect(parse('  preference   optimization LLM ')).toEqual({ words: ['preference', 'optimization', 'LLM'], phrases: [], excluded: [], authors: [] });
	});

	it('reads keys and sort orders case-insensitively, and filters anywhere in the query', () => {
		expect(parse('SORT:Date Author:Hinton capsules')).toEqual({ words: ['capsules'], phrases: [], excluded: [], authors: ['Hinton'], sort: 'date' });
	});

	it('keeps several author: filters (all must match)', () => {
		expect(parse('author:Hinton author:"Yann LeCun"').authors).toEqual(['Hinton', 'Yann LeCun']);
	});

	it.each([
		['a ratio', 'ratio 3:1 at 10:30'],
		['a link', 'see https://github.com/x/y and ftp://host/file'],
		['an arXiv id with its prefix', 'arXiv:2403.09611'],
		['a colon ending a word', 'Note: the results'],
		['a quoted word with a colon', '"ratio:3"'],
	])('takes %s as text, not a filter', (_name, query) => {
		const syntax = parse(query);
		expect(syntax.authors).toEqual([]);
		expect(syntax.since).toBeUndefined();
		expect(syntax.sort).toBeUndefined();
		expect([...syntax.words, ...syntax.phrases].join(' ')).toBe(query.replace(/"/g, ''));
	});

	it('understands curly quotes as phones type them', () => {
		expect(parse('“diffusion transformer” -„video gen“ author:“Ada Lovelace”')).toMatchObject({
			phrases: ['diffusion transformer'],
			excluded: ['video gen'],
			authors: ['Ada Lovelace'],
		});
	});

	it('ignores a quote with no partner and an empty phrase', () => {
		expect(parse('stray "quote here')).toMatchObject({ words: ['stray', 'quote', 'here'], phrases: [] });
		expect(parse('"" x')).toMatchObject({ words: ['x'], phrases: [] });
	});

	it('reads a leading minus on a number as part of the number', () => {
		expect(parse('-3 -0.5 loss')).toMatchObject({ words: ['-3', '-0.5', 'loss'], excluded: [] });
	});

	it('rejects an unknown key:value and names the known keys', () => {
		expect(() => parse('diffusion autor:hinton')).toThrow(SearchMessages.unknownFilter('autor', FILTER_KEYS));
		expect(SearchMessages.unknownFilter('autor', FILTER_KEYS)).toContain('author:, since:, before:, sort:');
		expect(() => parse('-foo:bar')).toThrow(expect.objectContaining({ name: 'UserError' }));
	});

	it('rejects a filter with no value', () => {
		expect(() => parse('author: Hinton')).toThrow(expect.objectContaining({ name: 'UserError', message: expect.stringContaining('author: needs a value') }));
		expect(() => parse('author:""')).toThrow(expect.objectContaining({ message: expect.stringContaining('author: needs a value') }));
		expect(() => parse('sort:')).toThrow(expect.objectContaining({ name: 'UserError' }));
	});

	it('rejects since:, before: or sort: given twice', () => {
		expect(() => parse('since:7d since:2w')).toThrow(SearchMessages.repeatedFilter('since'));
		expect(() => parse('before:7d before:7d')).toThrow(SearchMessages.repeatedFilter('before'));
		expect(() => parse('sort:date sort:upvotes')).toThrow(SearchMessages.repeatedFilter('sort'));
	});

	it('rejects an unknown sort order and a negated filter', () => {
		expect(() => parse('sort:stars')).toThrow(SearchMessages.badSort('stars', SORT_ORDERS));
		expect(() => parse('-author:Hinton')).toThrow(SearchMessages.negatedFilter('author'));
	});

	it('bounds how many authors, phrases and exclusions one query may carry', () => {
		const authors = Array.from({ length: QuerySyntaxLimits.authors + 1 }, (_, i) => `author:a${i}`).join(' ');
		expect(() => parse(authors)).toThrow(SearchMessages.tooMany('author: filters', QuerySyntaxLimits.authors + 1, QuerySyntaxLimits.authors));
		const excluded = Array.from({ length: QuerySyntaxLimits.excluded + 1 }, (_, i) => `-w${i}x`).join(' ');
		expect(() => parse(excluded)).toThrow(expect.objectContaining({ name: 'UserError' }));
	});
});

describe('formatQuerySyntax', () => {
	it.each([
		'diffusion "video generation" -audio -"text to speech" author:"Ada Lovelace" since:7d before:2026-03-01 sort:upvotes',
		'ratio 3:1 https://x.org/a arXiv:2403.09611 Note: x',
		'“diffusion transformer” author:O"Brien',
		'stray "quote -3 --x',
		'author:Hinton author:"Yann LeCun" sort:relevance',
	])('writes %s back as a query that parses to the same thing', (query) => {
		const syntax = parse(query);
		expect(parse(formatQuerySyntax(syntax))).toEqual(syntax);
	});

	it('writes plain words back unchanged', () => {
		expect(formatQuerySyntax(parse('large language models'))).toBe('large language models');
	});
});

describe('parseSortOrder', () => {
	it('takes each order in any case and refuses others', () => {
		expect(SORT_ORDERS.map((order) => parseSortOrder(order.toUpperCase()))).toEqual([...SORT_ORDERS]);
		expect(() => parseSortOrder('newest')).toThrow(SearchMessages.badSort('newest', SORT_ORDERS));
	});
});
