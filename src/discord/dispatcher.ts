import { MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import { isUserError } from '../errors.js';
import { beginInteraction } from '../interactive-priority.js';
import { StoreError } from '../store/errors.js';
import { StoreMessages } from '../store/messages.js';
import type { SlashCommand } from './command.js';
import type { BotContext } from './context.js';

export const GENERIC_FAILURE = 'Something went wrong on our side while handling that. It has been logged; please try again.';
export const UNKNOWN_COMMAND = 'That command is not known to this version of Paperboy. Commands may be updating — try again in a minute.';
export const STALE_BUTTON = 'That button is no longer valid. Run the command again to get fresh results.';
/** A full disk, a read-only or failing volume, a deleted database file: the user learns it is not them, and nothing was saved. */
export const STORAGE_FAILURE = StoreMessages.failingReply;

/**
 * Routes every interaction to its command. A handler's UserError is shown to the user ephemerally;
 * anything else is logged with context and answered with one generic line. Nothing escapes this function.
 */
export function createDispatcher(commands: readonly SlashCommand[], context: BotContext) {
	const byName = new Map(commands.map((command) => [command.data.name, command]));
	const byButtonPrefix = new Map<string, SlashCommand>();
	for (const command of commands) {
		for (const prefix of command.buttonPrefixes ?? []) byButtonPrefix.set(prefix, command);
	}
	let inFlight = 0;
	let idle: (() => void) | undefined;

	async function dispatch(interaction: Interaction): Promise<void> {
		inFlight += 1;
		const endInteraction = beginInteraction();
		const started = performance.now();
		let outcome: 'ok' | 'user-error' | 'failed' = 'ok';
		try {
			await route(interaction);
		} catch (error) {
			outcome = isUserError(error) ? 'user-error' : 'failed';
			await answerFailure(interaction, error, context);
		} finally {
			endInteraction();
			inFlight -= 1;
			if (inFlight === 0) idle?.();
			const { command, kind } = metricLabels(interaction);
			if (kind) context.metrics?.interactionHandled(command, kind, outcome, (performance.now() - started) / 1000);
		}
	}

	async function route(interaction: Interaction): Promise<void> {
		if (interaction.isAutocomplete()) {
			const command = byName.get(interaction.commandName);
			// An autocomplete for an unknown command gets no choices rather than an error: Discord shows none.
			await (command?.autocomplete ? command.autocomplete(interaction, context) : interaction.respond([]));
			return;
		}
		if (interaction.isChatInputCommand()) {
			const command = byName.get(interaction.commandName);
			if (!command) return void (await replyEphemeral(interaction, UNKNOWN_COMMAND));
			await command.execute(interaction, context);
			return;
		}
		if (interaction.isButton()) {
			// A malformed payload may carry no custom_id at all; that is a stale button, not a crash.
			const customId: unknown = interaction.customId;
			const prefix = typeof customId === 'string' ? (customId.split(':', 1)[0] ?? '') : '';
			const command = byButtonPrefix.get(prefix);
			if (!command?.button) return void (await replyEphemeral(interaction, STALE_BUTTON));
			await command.button(interaction, context);
			return;
		}
		context.logger.debug('ignored interaction', { type: interaction.type, id: interaction.id });
	}

	/** Resolves once no interaction is being handled, for graceful shutdown. */
	function drain(): Promise<void> {
		if (inFlight === 0) return Promise.resolve();
		return new Promise((resolve) => {
			idle = resolve;
		});
	}

	return {
		dispatch,
		drain,
		get inFlight() {
			return inFlight;
		},
	};
}

async function answerFailure(interaction: Interaction, error: unknown, context: BotContext): Promise<void> {
	const expected = isUserError(error);
	const storage = findStoreError(error);
	if (storage) {
		context.logger.error('interaction failed on storage', {
			error,
			kind: storage.kind,
			file: storage.file,
			interaction: describeInteraction(interaction),
		});
	} else if (!expected) {
		context.logger.error('interaction handler failed', {
			error,
			interaction: describeInteraction(interaction),
		});
	}
	const text = storage ? STORAGE_FAILURE : expected ? (error as Error).message : GENERIC_FAILURE;
	try {
		if (interaction.isAutocomplete()) {
			if (!interaction.responded) await interaction.respond([]);
			return;
		}
		if (interaction.isRepliable()) await replyEphemeral(interaction, text);
	} catch (replyError) {
		// The interaction may have expired or been answered elsewhere; there is no one left to tell.
		context.logger.warn('could not report a failure to the user', { error: replyError, interaction: describeInteraction(interaction) });
	}
}

export async function replyEphemeral(interaction: RepliableInteraction, content: string): Promise<void> {
	const options = { content, flags: MessageFlags.Ephemeral as const, allowedMentions: { parse: [] } };
	if (interaction.replied) await interaction.followUp(options);
	// A deferred reply shows "thinking…" until edited; replace it rather than leave it spinning.
	else if (interaction.deferred) await interaction.editReply({ content, allowedMentions: { parse: [] } });
	else await interaction.reply(options);
}

/** A StoreError thrown as is or wrapped by a handler that added its own context. */
function findStoreError(error: unknown): StoreError | undefined {
	for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
		if (current instanceof StoreError) return current;
	}
	return undefined;
}

/** Bounded label values: a command's name, or a button's custom_id prefix (never the id itself, which holds data). */
function metricLabels(interaction: Interaction): { command: string; kind: 'command' | 'autocomplete' | 'button' | undefined } {
	if (interaction.isAutocomplete()) return { command: interaction.commandName, kind: 'autocomplete' };
	if (interaction.isChatInputCommand()) return { command: interaction.commandName, kind: 'command' };
	if (interaction.isButton()) {
		const customId: unknown = interaction.customId;
		return { command: typeof customId === 'string' ? customId.split(':').slice(0, 2).join(':').slice(0, 40) : 'unknown', kind: 'button' };
	}
	return { command: 'other', kind: undefined };
}

function describeInteraction(interaction: Interaction) {
	return {
		id: interaction.id,
		type: interaction.type,
		guildId: interaction.guildId,
		channelId: interaction.channelId,
		userId: interaction.user?.id,
		command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
		customId: interaction.isMessageComponent() ? interaction.customId : undefined,
	};
}
