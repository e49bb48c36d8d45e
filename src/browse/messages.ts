import { quoteInput } from '../cards/escape.js';
import { DiscordLimits } from '../cards/limits.js';

/** Every user-facing text of the /paper browse flows, in one place. */
export const BrowseMessages = Object.freeze({
	emptyPaperRef: 'Give a paper id (like 2403.09611) or a title — start typing and pick one of the suggestions.',
	paperNotFound: (ref: string) => `No paper matches “${quote(ref)}”. Start typing and pick a suggestion, or use /paper search.`,
	paperGone: (id: string) => `Paper ${quote(id)} is no longer in the corpus. Search again with /paper search.`,
	noResults: (query: string) => `No papers match “${quote(query)}”. Try fewer words, or check the spelling of a rare term.`,
	pageGone: 'Those search results expired. Run /paper search again.',
	noPapersYet: 'No papers are loaded yet. An admin can add seed files or enable a live source.',
	noSimilar: (title: string) => `Nothing in the corpus is close enough to “${quote(title)}”.`,
	notInGuild: 'This only works in a server channel.',
	shareNotAllowed: 'I cannot post in this channel. Ask an admin to give me Send Messages and Embed Links here.',
	maxQuery: DiscordLimits.stringOptionValue,
});

function quote(text: string, max = 80): string {
	return quoteInput(text, max);
}
