/**
 * Discord API v10 message JSON (snake_case), exactly what `POST /channels/{id}/messages` or an
 * interaction callback's `data` takes. Our own narrow types: only the Discord edge imports discord.js.
 */

export interface EmbedField {
	name: string;
	value: string;
	inline?: boolean;
}

export interface Embed {
	title?: string;
	url?: string;
	description?: string;
	color?: number;
	fields?: EmbedField[];
	footer?: { text: string; icon_url?: string };
	author?: { name: string; url?: string; icon_url?: string };
	timestamp?: string;
}

export const ButtonStyle = Object.freeze({
	Primary: 1,
	Secondary: 2,
	Success: 3,
	Danger: 4,
	Link: 5,
} as const);

export interface InteractiveButton {
	type: 2;
	style: 1 | 2 | 3 | 4;
	custom_id: string;
	label: string;
	disabled?: boolean;
}

export interface LinkButton {
	type: 2;
	style: 5;
	url: string;
	label: string;
	disabled?: boolean;
}

export type Button = InteractiveButton | LinkButton;

export interface ActionRow {
	type: 1;
	components: Button[];
}

/** Always `parse: []`: nothing a paper, a query or a user name contains can ever ping anyone. */
export interface AllowedMentions {
	parse: [];
}

export interface MessagePayload {
	content?: string;
	embeds?: Embed[];
	components?: ActionRow[];
	allowed_mentions: AllowedMentions;
	flags?: number;
}

/** One autocomplete choice for a string option; `value` is what the command receives. */
export interface AutocompleteChoice {
	name: string;
	value: string;
}
