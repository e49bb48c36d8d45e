import { describe, expect, it } from 'vitest';
import { commands } from '../src/discord/commands.js';
import { buildHelpCard, HELP_EXAMPLES } from '../src/discord/help.js';
import { parseConsoleLine } from '../src/sandbox/parse-line.js';
import { FILTER_KEYS } from '../src/search/query-syntax.js';
import { expectValidMessage } from './cards-support.js';

const data = commands.map((command) => command.data);

interface Option {
	type: number;
	name: string;
	options?: Option[];
}

/** Every runnable path of the real command list, as `paper search`, with its own options. */
function leaves(): { path: string; options: string[] }[] {
	return data.flatMap((command) => {
		const subs = ((command.options ?? []) as Option[]).filter((option) => option.type === 1 || option.type === 2);
		if (subs.length === 0) return [{ path: command.name, options: ((command.options ?? []) as Option[]).map((option) => option.name) }];
		return subs.flatMap((sub) =>
			sub.type === 2
				? (sub.options ?? []).map((leaf) => ({ path: `${command.name} ${sub.name} ${leaf.name}`, options: (leaf.options ?? []).map((o) => o.name) }))
				: [{ path: `${command.name} ${sub.name}`, options: (sub.options ?? []).map((o) => o.name) }],
		);
	});
}

describe('buildHelpCard', () => {
	const payload = buildHelpCard(data);
	const text = JSON.stringify(payload.embeds);

	it('is a valid ephemeral message', () => {
		expectValidMessage(payload);
		expect(payload.flags).toBe(1 << 6);
	});

	it('lists every command path of the one command list with every option, so it cannot drift from it', () => {
		for (const leaf of leaves()) {
			expect(text).toContain(`**/${leaf.path}**`);
			for (const option of leaf.options) expect(text).toMatch(new RegExp(`\`\\[?${option}(:…|\\])\``));
		}
	});

	it('has examples only for real command paths, each of which parses against the command data', () => {
		const paths = new Set(leaves().map((leaf) => leaf.path));
		for (const [path, examples] of Object.entries(HELP_EXAMPLES)) {
			expect(paths).toContain(path);
			for (const example of examples) {
				const action = parseConsoleLine(example, data);
				expect(action.kind).toBe('command');
				expect(action.kind === 'command' ? [action.name, ...action.path].join(' ') : '').toBe(path);
				expect(text).toContain(example.replace(/"/g, '\\"'));
			}
		}
	});

	it('explains every search filter key', () => {
		for (const key of FILTER_KEYS) expect(text).toContain(`\`${key}:`);
	});
});
