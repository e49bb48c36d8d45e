import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from './context.js';

/** Raw application command JSON, exactly what `PUT /applications/{id}/commands` takes. */
export interface CommandData {
	name: string;
	description: string;
	type?: 1;
	options?: readonly unknown[];
	default_member_permissions?: string | null;
	contexts?: readonly number[];
	integration_types?: readonly number[];
}

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
