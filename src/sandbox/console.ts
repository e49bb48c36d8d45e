import type { CommandData } from '../discord/command.js';
import { ChannelType } from 'discord-api-types/v10';
import type { ApiMessage, DiscordEmulator, InteractionHandle } from './emulator/index.js';
import { ConsoleInputError, parseConsoleLine, type ConsoleAction, type OptionInput } from './parse-line.js';
import { listButtons, renderMessage, type MentionNames, type RenderMessage } from './render.js';
import { parseTimeInput, type SandboxClock } from './clock.js';
import { applyFault, FAULT_HELP } from './fault-commands.js';

export const CONSOLE_HELP = `Console commands (as in Discord, options are name:value):
  /paper search query:difusion          run a slash command
  /paper show paper:t-b6da3eceecac      open a card (ids come from search results)
  /paper today                          the latest day's papers
  /paper search query:quantization -diffusion sort:date  filters: "a phrase", -word, author:, since:7d, before:, sort:
  /paper trending window:week           the most upvoted papers of the last day, week or month (topic: narrows)
  /paper help                           every command, with examples
  /digest subscribe channel:#paper-talk topics:RLHF  a forum digest, one tagged post per paper (also name:, frequency:weekly, thread:true)
  autocomplete /paper search query:dif  what Discord suggests while typing
  click <label or custom_id>            press a button of the last message (click Next, click 2, click Share)
  time 2026-03-15T09:00 | time +1d      move the sandbox clock (digests fire when their time comes)
  as admin | as member                  act as the server admin (Manage Server) or a plain member
${FAULT_HELP}
  help                                  this list
  quit                                  leave`;

export interface ConsoleDeps {
	emulator: DiscordEmulator;
	commands: readonly CommandData[];
	clock: SandboxClock;
	/** Called after the clock moves from `previous` to `now`, so scheduled work (digests) runs as if time had passed. */
	onTimeChanged?: (now: Date, previous: Date) => Promise<void>;
	/** `restart`: stops the bot and starts it again on the same database and world. */
	onRestart?: () => Promise<void>;
	print: (text: string) => void;
}

export type LineOutcome = 'ok' | 'failed' | 'quit';

/**
 * Runs console lines against the emulator as a Discord user would: every line becomes a real
 * interaction (or a clock move), and the bot's answer is printed the way Discord would show it.
 */
export function createConsole(deps: ConsoleDeps) {
	const { emulator, print } = deps;
	let userId = emulator.ids.userId;
	const names: MentionNames = {
		channel: (id) => emulator.world.channels.get(id)?.name ?? undefined,
		user: (id) => emulator.world.users.get(id)?.username,
		now: () => deps.clock.now().getTime(),
	};
	/** Most recent first: `click` looks for the button here. */
	const shown: ApiMessage[] = [];

	const remember = (message: ApiMessage) => {
		const at = shown.findIndex((candidate) => candidate.id === message.id);
		if (at >= 0) shown.splice(at, 1);
		shown.unshift(message);
		shown.length = Math.min(shown.length, 20);
	};

	// Messages the bot posts on its own (digests, DMs) are shown as they arrive; replies are shown by runLine.
	emulator.on('message', (message) => {
		if (message.webhook_id) return;
		remember(message);
		print(renderMessage(message as RenderMessage, `── ${describeChannel(emulator, message.channel_id)} · Paperboy`, names));
	});

	// A thread shows as Discord would list it: a forum post with its tags, or a thread under the digest it discusses.
	emulator.on('thread', (thread) => print(describeThread(emulator, thread)));

	async function runLine(line: string): Promise<LineOutcome> {
		let action: ConsoleAction;
		try {
			action = parseConsoleLine(line, deps.commands);
		} catch (error) {
			if (error instanceof ConsoleInputError) {
				print(`! ${error.message}`);
				return 'failed';
			}
			throw error;
		}
		switch (action.kind) {
			case 'empty':
				return 'ok';
			case 'help':
				print(CONSOLE_HELP);
				return 'ok';
			case 'quit':
				return 'quit';
			case 'as':
				return switchUser(action.user);
			case 'time':
				return moveClock(action.value);
			case 'command':
				return showReply(() =>
					emulator.injectCommand({ name: action.name, ...commandPath(action.path), options: toOptionMap(action.options, channelIdOf), userId }),
				);
			case 'autocomplete':
				return showChoices(() =>
					emulator.injectAutocomplete({
						name: action.name,
						...commandPath(action.path),
						options: toOptionMap(action.options, channelIdOf),
						focused: action.focused,
						userId,
					}),
				);
			case 'click':
				return click(action.target);
			case 'fault':
				try {
					print(applyFault(action.words, { emulator, channelIdOf, userId }));
					return 'ok';
				} catch (error) {
					if (!(error instanceof ConsoleInputError)) throw error;
					print(`! ${error.message}`);
					return 'failed';
				}
			case 'restart':
				if (!deps.onRestart) {
					print('! restart is not available here');
					return 'failed';
				}
				print('Restarting the bot (same database, same server)…');
				await deps.onRestart();
				print('Bot restarted.');
				return 'ok';
		}
	}

	/** A channel option as a Discord user picks it: `#papers`, `papers`, `<#id>` or the id. */
	function channelIdOf(value: string): string {
		const name = value
			.trim()
			.replace(/^<#(\d+)>$/, '$1')
			.replace(/^#/, '');
		if (/^\d+$/.test(name)) return name;
		const guild = emulator.world.guilds.get(emulator.ids.guildId);
		return guild?.channelIds.find((id) => emulator.world.channels.get(id)?.name === name) ?? value;
	}

	function switchUser(name: string): LineOutcome {
		const ids = emulator.ids;
		const wanted = name.toLowerCase();
		if (wanted === 'admin') userId = ids.adminId;
		else if (wanted === 'member' || wanted === 'user') userId = ids.userId;
		else {
			print('! as takes admin or member');
			return 'failed';
		}
		print(`Now acting as the ${wanted === 'admin' ? 'server admin (Manage Server)' : 'plain member'}.`);
		return 'ok';
	}

	async function moveClock(value: string): Promise<LineOutcome> {
		let target: Date;
		try {
			target = parseTimeInput(value, deps.clock.now());
		} catch (error) {
			print(`! ${(error as Error).message}`);
			return 'failed';
		}
		const previous = deps.clock.now();
		deps.clock.set(target);
		print(`Sandbox clock: ${target.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
		await deps.onTimeChanged?.(target, previous);
		return 'ok';
	}

	/** What Discord itself would refuse to send (a channel option naming no channel of the server) fails the line here. */
	function dispatch(start: () => InteractionHandle): InteractionHandle | undefined {
		try {
			return start();
		} catch (error) {
			print(`! ${(error as Error).message.replace(/^emulator: /, '')}`);
			return undefined;
		}
	}

	async function showReply(start: () => InteractionHandle): Promise<LineOutcome> {
		const handle = dispatch(start);
		if (!handle) return 'failed';
		try {
			const message = await handle.reply();
			remember(message);
			print(renderMessage(message as RenderMessage, '── Paperboy', names));
			return 'ok';
		} catch (error) {
			print(`! The bot did not answer: ${(error as Error).message}`);
			return 'failed';
		}
	}

	async function showChoices(start: () => InteractionHandle): Promise<LineOutcome> {
		const handle = dispatch(start);
		if (!handle) return 'failed';
		try {
			const choices = await handle.choices();
			if (choices.length === 0) print('(no suggestions)');
			for (const [index, choice] of choices.entries()) print(`${String(index + 1).padStart(2)}. ${String(choice.name)}   → ${String(choice.value)}`);
			return 'ok';
		} catch (error) {
			print(`! The bot did not answer: ${(error as Error).message}`);
			return 'failed';
		}
	}

	async function click(target: string): Promise<LineOutcome> {
		const found = findButton(shown, target);
		if (!found) {
			print(`! No button "${target}" on the recent messages. Buttons: ${recentLabels(shown).join(', ') || '(none)'}`);
			return 'failed';
		}
		const { message, button } = found;
		if (button.url) {
			print(`(link button: opens ${button.url} in the browser)`);
			return 'ok';
		}
		if (button.disabled) {
			print(`! "${button.label}" is disabled.`);
			return 'failed';
		}
		return showReply(() => emulator.clickButton({ message, customId: button.custom_id, userId }));
	}

	return { runLine };
}

function toOptionMap(options: readonly OptionInput[], channelIdOf: (value: string) => string): Record<string, string | number | boolean> {
	const map: Record<string, string | number | boolean> = {};
	for (const option of options) {
		if (option.type === 4 || option.type === 10) map[option.name] = Number(option.value);
		else if (option.type === 7) map[option.name] = channelIdOf(option.value);
		else if (option.type === 5) map[option.name] = /^(true|yes|1)$/i.test(option.value);
		else map[option.name] = option.value;
	}
	return map;
}

type FoundButton = { message: ApiMessage; button: { label?: string; custom_id?: string; url?: string; disabled?: boolean } };

/** Exact custom_id, then exact label, then label prefix, then label substring; newest message first. */
export function findButton(messages: readonly ApiMessage[], target: string): FoundButton | undefined {
	const wanted = target.trim().toLowerCase();
	const tests: ((label: string, id: string) => boolean)[] = [
		(_label, id) => id.toLowerCase() === wanted,
		(label) => label === wanted,
		(label) => (label.startsWith(wanted) && /^\d/.test(wanted) ? label.startsWith(`${wanted}.`) : label.startsWith(wanted)),
		(label) => label.includes(wanted),
	];
	for (const test of tests) {
		for (const message of messages) {
			for (const button of listButtons(message as RenderMessage)) {
				if (test((button.label ?? '').toLowerCase(), button.custom_id ?? '')) return { message, button };
			}
		}
	}
	return undefined;
}

function recentLabels(messages: readonly ApiMessage[]): string[] {
	const first = messages[0];
	return first ? listButtons(first as RenderMessage).map((button) => button.label ?? '?') : [];
}

function describeThread(emulator: DiscordEmulator, thread: { parent_id?: unknown; name?: unknown; applied_tags?: unknown }): string {
	const parent = emulator.world.channels.get(String(thread.parent_id));
	const where = `#${parent?.name ?? String(thread.parent_id)}`;
	if (parent?.type !== ChannelType.GuildForum) return `── ${where} · Paperboy started a thread: “${String(thread.name)}”`;
	const ids = Array.isArray(thread.applied_tags) ? thread.applied_tags.map(String) : [];
	const tags = parent.availableTags.filter((tag) => ids.includes(tag.id)).map((tag) => tag.name);
	return `── ${where} · Paperboy posted “${String(thread.name)}”${tags.length > 0 ? ` · tags: ${tags.join(', ')}` : ' · no tags'}`;
}

function describeChannel(emulator: DiscordEmulator, channelId: string): string {
	const channel = emulator.world.channels.get(channelId);
	if (!channel) return channelId;
	if (channel.recipientId) return `DM to ${emulator.world.users.get(channel.recipientId)?.username ?? channel.recipientId}`;
	// A thread (a forum post) reads as Discord shows it: its channel, then its name.
	const parent = channel.parentId ? emulator.world.channels.get(channel.parentId) : undefined;
	if (parent) return `#${parent.name ?? parent.id} › ${channel.name ?? channelId}`;
	return `#${channel.name ?? channelId}`;
}

/** `[tag, add]` is a subcommand in a group (`/paper tag add`); `[search]` a plain subcommand. */
function commandPath(path: readonly string[]): { subcommandGroup?: string; subcommand?: string } {
	if (path.length === 2) return { subcommandGroup: path[0] as string, subcommand: path[1] as string };
	return path[0] === undefined ? {} : { subcommand: path[0] };
}
