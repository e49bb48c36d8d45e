import { describe, expect, it } from 'vitest';
import { data as paperData } from '../commands/paper.js';
import type { CommandData } from '../src/discord/command.js';
import { ConsoleInputError, parseConsoleLine } from '../src/sandbox/parse-line.js';

const groupCommand: CommandData = {
	name: 'digest',
	description: 'test',
	options: [
		{
			type: 2,
			name: 'channel',
			description: 'group',
			options: [
				{
					type: 1,
					name: 'set',
					description: 'sub',
					options: [
						{ type: 3, name: 'time', description: 't' },
						{ type: 4, name: 'count', description: 'c' },
					],
				},
			],
		},
	],
};
const commands: CommandData[] = [paperData, groupCommand];
const parse = (line: string) => parseConsoleLine(line, commands);

describe('parseConsoleLine', () => {
	it('reads a slash command with its subcommand and a value containing spaces', () => {
		expect(parse('/paper search query:diffusion models for video')).toEqual({
			kind: 'command',
			name: 'paper',
			path: ['search'],
			options: [{ name: 'query', type: 3, value: 'diffusion models for video' }],
		});
	});

	it('keeps colons inside values and reads several options in any order', () => {
		expect(parse('/digest channel set count:5 time:09:00')).toEqual({
			kind: 'command',
			name: 'digest',
			path: ['channel', 'set'],
			options: [
				{ name: 'count', type: 4, value: '5' },
				{ name: 'time', type: 3, value: '09:00' },
			],
		});
	});

	it('reads a subcommand without options', () => {
		expect(parse('  /paper today  ')).toEqual({ kind: 'command', name: 'paper', path: ['today'], options: [] });
	});

	it('focuses the last option of an autocomplete line, even when it is still empty', () => {
		expect(parse('autocomplete /paper search query:dif')).toMatchObject({
			kind: 'autocomplete',
			path: ['search'],
			focused: 'query',
			options: [{ name: 'query', value: 'dif' }],
		});
		expect(parse('autocomplete /paper show paper:')).toMatchObject({ kind: 'autocomplete', focused: 'paper', options: [{ name: 'paper', value: '' }] });
	});

	it.each([
		['', { kind: 'empty' }],
		['# a comment', { kind: 'empty' }],
		['help', { kind: 'help' }],
		['?', { kind: 'help' }],
		['quit', { kind: 'quit' }],
		['EXIT', { kind: 'quit' }],
		['click Next page', { kind: 'click', target: 'Next page' }],
		['time +1d', { kind: 'time', value: '+1d' }],
		['as admin', { kind: 'as', user: 'admin' }],
	])('reads %o', (line, expected) => {
		expect(parse(line)).toEqual(expected);
	});

	it.each([
		['frobnicate', /Unknown console command "frobnicate"/],
		['/nope', /Unknown command \/nope\. Known: \/paper, \/digest/],
		['/paper', /\/paper needs a subcommand: search, show, share, today/],
		['/digest channel', /\/digest channel needs a subcommand: set/],
		['/paper search difusion', /Options are written name:value\. \/paper search takes query:/],
		['/paper search stray query:x', /Options are written name:value/],
		['/paper today query:x', /takes no options/],
		['click', /click needs a button label/],
		['time', /time needs a date-time/],
		['as', /as needs one user/],
		['as the admin', /as needs one user/],
		['autocomplete /paper today', /autocomplete needs the option being typed/],
		['autocomplete paper search query:x', /Expected a slash command/],
	])('refuses %o with a ConsoleInputError that says what to type', (line, message) => {
		expect(() => parse(line)).toThrow(ConsoleInputError);
		expect(() => parse(line)).toThrow(message);
	});
});

describe('parseConsoleLine typed options', () => {
	it('refuses what Discord’s client would refuse: a word for a number, a number out of range', async () => {
		const { commands } = await import('../src/discord/commands.js');
		const data = commands.map((command) => command.data);
		expect(() => parseConsoleLine('/digest subscribe max_papers:abc', data)).toThrow('max_papers takes a whole number, not “abc”');
		expect(() => parseConsoleLine('/digest subscribe max_papers:11', data)).toThrow('max_papers must be between 1 and 10');
		expect(parseConsoleLine('/digest subscribe max_papers:3', data)).toMatchObject({ kind: 'command', options: [{ name: 'max_papers', value: '3' }] });
	});
});
