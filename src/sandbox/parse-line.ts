import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import type { CommandData } from '../discord/command.js';

/** One console line, parsed. Slash lines are resolved against the real command data, as a Discord client would. */
export type ConsoleAction =
	| { kind: 'command'; name: string; path: string[]; options: OptionInput[] }
	| { kind: 'autocomplete'; name: string; path: string[]; options: OptionInput[]; focused: string }
	| { kind: 'click'; target: string }
	| { kind: 'time'; value: string }
	| { kind: 'as'; user: string }
	| { kind: 'fault'; words: string[] }
	| { kind: 'restart' }
	| { kind: 'help' }
	| { kind: 'quit' }
	| { kind: 'empty' };

export interface OptionInput {
	name: string;
	/** Discord option type: 3 string, 4 integer, 5 boolean, 7 channel, 10 number. */
	type: number;
	value: string;
}

export class ConsoleInputError extends Error {
	override readonly name = 'ConsoleInputError';
}

interface OptionDef {
	type: number;
	name: string;
	options?: OptionDef[];
	required?: boolean;
	min_value?: number;
	max_value?: number;
}

const { Subcommand: SUBCOMMAND, SubcommandGroup: SUBCOMMAND_GROUP, Integer: INTEGER, Number: NUMBER, Boolean: BOOLEAN } = ApplicationCommandOptionType;

export function parseConsoleLine(line: string, commands: readonly CommandData[]): ConsoleAction {
	const text = line.trim();
	if (!text || text.startsWith('#')) return { kind: 'empty' };
	const [word = '', ...rest] = text.split(/\s+/);
	const tail = text.slice(word.length).trim();
	switch (word.toLowerCase()) {
		case 'help':
		case '?':
			return { kind: 'help' };
		case 'quit':
		case 'exit':
			return { kind: 'quit' };
		case 'click':
			if (!tail) throw new ConsoleInputError('click needs a button label or custom_id, e.g. click Next');
			return { kind: 'click', target: tail };
		case 'time':
			if (!tail) throw new ConsoleInputError('time needs a date-time (2026-03-15T09:00) or an offset (+1d, +2h, +30m)');
			return { kind: 'time', value: tail };
		case 'fault':
			if (rest.length === 0) throw new ConsoleInputError('fault needs what to break, e.g. fault deny SendMessages, fault 429, fault delete #papers');
			return { kind: 'fault', words: rest };
		case 'restart':
			return { kind: 'restart' };
		case 'as':
			if (rest.length !== 1) throw new ConsoleInputError('as needs one user: as admin, or as member');
			return { kind: 'as', user: tail };
		case 'autocomplete': {
			const slash = parseSlash(tail, commands);
			const focused = slash.options.at(-1);
			if (!focused) throw new ConsoleInputError('autocomplete needs the option being typed, e.g. autocomplete /paper search query:dif');
			return { kind: 'autocomplete', ...slash, focused: focused.name };
		}
		default:
			if (word.startsWith('/')) return { kind: 'command', ...parseSlash(text, commands) };
			throw new ConsoleInputError(`Unknown console command "${word}". Type help for the list.`);
	}
}

/** `/paper search query:diffusion models` → path [search], options [{ query: 'diffusion models' }]. */
function parseSlash(text: string, commands: readonly CommandData[]): { name: string; path: string[]; options: OptionInput[] } {
	if (!text.startsWith('/')) throw new ConsoleInputError('Expected a slash command, e.g. /paper search query:difusion');
	const words = text.slice(1).split(/\s+/);
	const name = words.shift() ?? '';
	const command = commands.find((candidate) => candidate.name === name);
	if (!command) throw new ConsoleInputError(`Unknown command /${name}. Known: ${commands.map((c) => `/${c.name}`).join(', ')}`);
	let defs = (command.options ?? []) as OptionDef[];
	const path: string[] = [];
	while (words.length > 0 && defs.some((def) => isGroup(def) && def.name === words[0])) {
		const def = defs.find((candidate) => candidate.name === words[0]) as OptionDef;
		path.push(def.name);
		defs = def.options ?? [];
		words.shift();
	}
	if (defs.some(isGroup)) {
		throw new ConsoleInputError(
			`/${[name, ...path].join(' ')} needs a subcommand: ${defs
				.filter(isGroup)
				.map((def) => def.name)
				.join(', ')}`,
		);
	}
	const options = parseOptions(words.join(' '), defs, `/${[name, ...path].join(' ')}`);
	return { name, path, options };
}

function parseOptions(text: string, defs: readonly OptionDef[], where: string): OptionInput[] {
	if (!text.trim()) return [];
	const names = defs.map((def) => def.name);
	// A value runs until the next ` known_name:` so values may contain spaces and colons (time:09:00).
	const marker = new RegExp(`(?:^|\\s)(${names.map(escapeRegExp).join('|') || '(?!)'}):`, 'g');
	const starts = [...text.matchAll(marker)];
	if (starts.length === 0 || text.slice(0, starts[0]?.index ?? 0).trim()) {
		throw new ConsoleInputError(`Options are written name:value. ${where} takes ${names.map((n) => `${n}:`).join(' ') || 'no options'}`);
	}
	const options: OptionInput[] = [];
	starts.forEach((match, position) => {
		const name = match[1] as string;
		const valueStart = (match.index ?? 0) + match[0].length;
		const valueEnd = starts[position + 1]?.index ?? text.length;
		const def = defs.find((candidate) => candidate.name === name) as OptionDef;
		const value = text.slice(valueStart, valueEnd).trim();
		checkTypedValue(def, value);
		options.push({ name, type: def.type, value });
	});
	return options;
}

/** Discord's client refuses these before sending, so the console does too: `max_papers:abc` is never a request. */
function checkTypedValue(def: OptionDef, value: string): void {
	if (def.type === INTEGER || def.type === NUMBER) {
		const number = Number(value);
		const valid = value !== '' && Number.isFinite(number) && (def.type === NUMBER || Number.isInteger(number));
		if (!valid) throw new ConsoleInputError(`${def.name} takes ${def.type === INTEGER ? 'a whole number' : 'a number'}, not “${value}”.`);
		if ((def.min_value !== undefined && number < def.min_value) || (def.max_value !== undefined && number > def.max_value)) {
			throw new ConsoleInputError(`${def.name} must be between ${def.min_value ?? '−∞'} and ${def.max_value ?? '∞'} (got ${value}).`);
		}
	}
	if (def.type === BOOLEAN && !/^(true|false)$/i.test(value)) throw new ConsoleInputError(`${def.name} takes true or false, not “${value}”.`);
}

function isGroup(def: OptionDef): boolean {
	return def.type === SUBCOMMAND || def.type === SUBCOMMAND_GROUP;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
