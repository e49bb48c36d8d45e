import { quoteInput } from '../cards/escape.js';
import { DiscordLimits } from '../cards/limits.js';

/** Every user-facing text of the /paper browse flows, in one place. */
export const BrowseMessages = Object.freeze({
	emptyPaperRef: 'Give a paper id (like 2403.09611) or a title — start typing and pick one of the suggestions.',
	paperNotFound: (ref: string) => `No paper matches “${quote(ref)}”. Start typing and pick a suggestion, or use /paper search.`,
	paperGone: (id: string) => `Paper ${quote(id)} is no longer in the corpus. Search again with /paper search.`,
	noResults: (query: string) => `No papers match “${quote(query)}”. Try fewer words, or check the spelling of a rare term.`,
	noFilteredResults: (query: string, filters: string) =>
		`No papers match ${query ? `“${quote(query)}” ` : ''}${filters ? `(${quote(filters, 160)}) ` : 'with these filters '}— try a wider date range or fewer filters.`,
	pageGone: 'Those search results expired. Run /paper search again.',
	badTrendingWindow: (window: string, windows: readonly string[]) => `window: takes ${windows.join(', ')}; “${quote(window)}” is none of these.`,
	noTrending: (since: string, topics: readonly string[]) =>
		topics.length > 0
			? `No papers on ${topics.map((topic) => `“${quote(topic, 60)}”`).join(', ')} were listed since ${since}. Try window:month or another topic.`
			: `No papers were listed since ${since}. Try window:month, or /paper today for the latest listing day.`,
	noPapersYet: 'No papers are loaded yet. An admin can add seed files or enable a live source.',
	noSimilar: (title: string) => `Nothing in the corpus is close enough to “${quote(title)}”.`,
	notInGuild: 'This only works in a server channel.',
	shareNotAllowed: 'I cannot post in this channel. Ask an admin to give me Send Messages and Embed Links here.',
	maxQuery: DiscordLimits.stringOptionValue,
});

function quote(text: string, max = 80): string {
	return quoteInput(text, max);
}
