import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from './context.js';

/** Raw application command JSON, exactly what `PUT /applications/{id}/commands` takes, typed by discord-api-types. */
export type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;

/**
 * One slash command: its registration data and thin handlers into src/.
 * `buttonPrefixes` lists the custom_id prefixes (before the first ':' pair) this command owns.
 */
export interface SlashCommand {
	data: CommandData;
	execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
	autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
	buttonPrefixes?: readonly string[];
	button?(interaction: ButtonInteraction, context: BotContext): Promise<void>;
}
