/**
 * Discord's documented message, embed, component and interaction limits, in one place.
 * Source: discord.com/developers/docs (Message, Embed Limits, Components, Interactions).
 */
export const DiscordLimits = Object.freeze({
	messageContent: 2000,
	embedsPerMessage: 10,
	embedTitle: 256,
	embedDescription: 4096,
	embedFields: 25,
	embedFieldName: 256,
	embedFieldValue: 1024,
	embedFooterText: 2048,
	embedAuthorName: 256,
	/** Sum of title, description, field names and values, footer text and author name over all embeds. */
	embedTotalCharacters: 6000,
	actionRows: 5,
	buttonsPerRow: 5,
	customId: 100,
	buttonLabel: 80,
	/** A link button's url (the embed url allows 2,048, a button only 512). */
	linkButtonUrl: 512,
	/** Components (rows included) in a message that sets the components-v2 flag. */
	componentsV2Total: 40,
	autocompleteChoices: 25,
	choiceName: 100,
	choiceValue: 100,
	/** Slash-command string option values are capped by Discord at 6,000 characters. */
	stringOptionValue: 6000,
	/** An interaction must be acknowledged within this many milliseconds. */
	interactionAckMs: 3000,
	/** An interaction token stays valid for follow-ups and edits this long. */
	interactionTokenMs: 15 * 60 * 1000,
	globalRequestsPerSecond: 50,
	url: 2048,
	/** One uploaded file, in bytes, where the server has no boost: what a bot may always send (Discord answers 413 past it). */
	attachmentBytes: 10 * 1024 * 1024,
	attachmentsPerMessage: 10,
	attachmentFilename: 1024,
	/** A thread's (or forum post's) name. */
	threadName: 100,
	/** Tags applied to one forum post. */
	appliedTags: 5,
	/** Tags a forum channel can offer. */
	forumTags: 20,
});

/** The auto-archive durations Discord accepts for a thread, in minutes. */
export const ThreadArchiveMinutes = Object.freeze({ hour: 60, day: 1440, threeDays: 4320, week: 10080 });

/** Channel flag: a forum requires a tag on every new post. */
export const REQUIRE_TAG_FLAG = 1 << 4;

/** Message flag: only the invoking user sees the reply. */
export const EPHEMERAL_FLAG = 1 << 6;

/** Message flag: the message uses components v2 (no content/embeds; up to 40 components, any layout). */
export const COMPONENTS_V2_FLAG = 1 << 15;

/**
 * Our own layout budgets, chosen so that every card fits Discord's limits whatever the paper holds
 * (the worst case of each builder stays under 6,000 characters across embeds; see test/*-card tests).
 */
export const CardBudget = Object.freeze({
	/** A card's abstract: long enough for a typical abstract (~1,500 chars), short enough to read. */
	cardDescription: 2500,
	authorName: 60,
	authorsShown: 10,
	authorsField: 400,
	keywordsShown: 12,
	keywordsField: 300,
	linkField: 600,
	footer: 200,
	/** Most items a list message shows: two rows of five open buttons. */
	listItems: 10,
	listItemTitle: 140,
	listItemAuthors: 50,
	/** Links inside list lines count toward the description, so long search URLs are shortened or dropped. */
	listItemUrl: 100,
	listHeader: 200,
	resultsPerPage: 5,
	similarCount: 5,
	notice: 2000,
});
