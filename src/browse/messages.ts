import { DiscordLimits } from '../cards/limits.js';

/** Every user-facing text of the /paper browse flows, in one place. */
export const BrowseMessages = Object.freeze({
	emptyPaperRef: 'Give a paper id (like 2403.09611) or a title — start typing and pick one of the suggestions.',
	paperNotFound: (ref: string) => `No paper matches “${clip(ref)}”. Start typing and pick a suggestion, or use /paper search.`,
	paperGone: (id: string) => `Paper ${clip(id)} is no longer in the corpus. Search again with /paper search.`,
	noResults: (query: string) => `No papers match “${clip(query)}”. Try fewer words, or check the spelling of a rare term.`,
	pageGone: 'Those search results expired. Run /paper search again.',
	noPapersYet: 'No papers are loaded yet. An admin can add seed files or enable a live source.',
	noSimilar: (title: string) => `Nothing in the corpus is close enough to “${clip(title)}”.`,
	notInGuild: 'This only works in a server channel.',
	shareNotAllowed: 'I cannot post in this channel. Ask an admin to give me Send Messages and Embed Links here.',
	maxQuery: DiscordLimits.stringOptionValue,
});

/** Echoed user input is shortened and stripped of markdown-breaking quotes so the message stays readable. */
function clip(text: string, max = 80): string {
	const single = text.replace(/\s+/g, ' ').trim();
	const chars = [...single];
	return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : single;
}
