/** Every user-facing text of search, in one place so wording stays consistent and reviewable. */
export const SearchMessages = Object.freeze({
	emptyQuery: 'Type something to search for: a title, a topic, an author or an arXiv id.',
	noSearchableText: 'That query has no letters or digits to search for. Try a word, an acronym or an arXiv id.',
	queryTooLong: (limit: number, length: number) =>
		`That query is ${length.toLocaleString('en-US')} characters long; the limit is ${limit.toLocaleString('en-US')} characters. Paste a shorter passage.`,
});
