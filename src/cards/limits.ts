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
});

/** Message flag: only the invoking user sees the reply. */
export const EPHEMERAL_FLAG = 1 << 6;
