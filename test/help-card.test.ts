import { describe, expect, it } from 'vitest';
import { formatHelpCard, type HelpCommand } from '../src/cards/help-card.js';
import { DiscordLimits, EPHEMERAL_FLAG } from '../src/cards/limits.js';
import { createRandom, expectValidMessage, nastyText } from './cards-support.js';

const commands: HelpCommand[] = [
	{
		name: 'paper',
		description: 'Papers',
		options: [
			{
				type: 1,
				name: 'search',
				description: 'Search',
				options: [
					{ type: 3, name: 'query', description: 'Words', required: true },
					{ type: 3, name: 'sort', description: 'Order' },
				],
			},
			{
				type: 2,
				name: 'tag',
				description: 'Tags',
				options: [{ type: 1, name: 'add', description: 'Add tags', options: [{ type: 3, name: 'tags', description: 'Tags', required: true }] }],
			},
		],
	},
	{ name: 'digest', description: 'Digests', default_member_permissions: '32', options: [{ type: 1, name: 'list', description: 'List them' }] },
	{ name: 'ping', description: 'A command without subcommands' },
];

describe('formatHelpCard', () => {
	it('gives each command an embed and each runnable path a line with its options and examples', () => {
		const payload = formatHelpCard({ commands, examples: { 'paper search': ['/paper search query:x sort:date'] } });
		expectValidMessage(payload);
		expect(payload.flags).toBe(EPHEMERAL_FLAG);
		expect(payload.embeds?.map((embed) => embed.title)).toEqual(['/paper', '/digest', '/ping']);
		expect(payload.embeds?.[0]?.description).toBe(
			['Papers', '**/paper search** `query:…` `[sort]` — Search', '  e.g. `/paper search query:x sort:date`', '**/paper tag add** `tags:…` — Add tags'].join(
				'\n',
			),
		);
		expect(payload.embeds?.[1]?.description).toBe('Digests · needs the Manage Server permission\n**/digest list** — List them');
		expect(payload.embeds?.[2]?.description).toBe('A command without subcommands\n**/ping** — A command without subcommands');
	});

	it('adds a command’s notes as fields', () => {
		const payload = formatHelpCard({ commands, examples: {}, notes: { paper: [{ name: 'Search syntax', value: '`-word`' }] } });
		expectValidMessage(payload);
		expect(payload.embeds?.[0]?.fields).toEqual([{ name: 'Search syntax', value: '`-word`' }]);
	});

	it('stays within every limit for a command list far larger than ours, dropping detail first', () => {
		const random = createRandom(5);
		const many: HelpCommand[] = Array.from({ length: 12 }, (_, c) => ({
			name: `c${c}`,
			description: nastyText(random, 100),
			options: Array.from({ length: 25 }, (_, s) => ({
				type: 1,
				name: `s${s}`,
				description: nastyText(random, 100),
				options: Array.from({ length: 10 }, (_, o) => ({ type: 3, name: `option${o}`, description: 'x' })),
			})),
		}));
		const examples = Object.fromEntries(many.flatMap((command) => (command.options ?? []).map((sub) => [`${command.name} ${sub.name}`, ['`/x` ```y```']])));
		const payload = formatHelpCard({ commands: many, examples });
		expectValidMessage(payload);
		expect(payload.embeds).toHaveLength(DiscordLimits.embedsPerMessage);
	});
});
