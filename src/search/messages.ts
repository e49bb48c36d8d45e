import { quoteInput } from '../cards/escape.js';

/** Every user-facing text of search, in one place so wording stays consistent and reviewable. */
export const SearchMessages = Object.freeze({
	emptyQuery: 'Type something to search for: a title, a topic, an author or an arXiv id.',
	noSearchableText: 'That query has no letters or digits to search for. Try a word, an acronym or an arXiv id.',
	queryTooLong: (limit: number, length: number) =>
		`That query is ${length.toLocaleString('en-US')} characters long; the limit is ${limit.toLocaleString('en-US')} characters. Paste a shorter passage.`,
	unknownFilter: (key: string, known: readonly string[]) =>
		`“${quote(key)}:” is not a search filter. Filters are ${known.map((name) => `${name}:`).join(', ')}; to search for a word with a colon, put it in quotes.`,
	emptyFilter: (key: string, example: string) => `${key}: needs a value right after the colon, e.g. ${example}.`,
	badDate: (key: string, value: string) =>
		`${key}: takes a day like 2026-03-01 (or 2026-03, 2026), today, yesterday, or a span back from today like 7d, 2w, 3m, 1y; “${quote(value)}” is none of these.`,
	futureSince: (since: string, today: string) => `since:${since} is in the future (today is ${today}), so nothing is listed yet.`,
	emptyRange: (since: string, before: string) => `since:${since} is not before before:${before}, so no day is in that range.`,
	badSort: (value: string, orders: readonly string[]) => `sort: takes ${orders.join(', ')}; “${quote(value)}” is none of these.`,
	repeatedFilter: (key: string) => `${key}: is given twice in the query; keep one.`,
	conflictingFilter: (key: string, inline: string, option: string) =>
		`The query says ${key}:${quote(inline)} but the ${key} option says ${quote(option)}; keep one of them.`,
	negatedFilter: (key: string) => `-${key}: cannot be excluded. To leave out papers with a word, write -word or -"a phrase".`,
	tooMany: (what: string, count: number, limit: number) => `That query has ${count} ${what}; the limit is ${limit}.`,
	nothingToSearch: 'Type something to search for (words, "a phrase", author:Name) or pick a filter such as since:7d or sort:upvotes.',
});

function quote(text: string): string {
	return quoteInput(text, 60);
}
