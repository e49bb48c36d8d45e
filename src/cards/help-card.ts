import { toSafeMarkdown, truncate } from './escape.js';
import { DiscordLimits, EPHEMERAL_FLAG } from './limits.js';
import { CARD_COLOR } from './paper-text.js';
import type { Embed, EmbedField, MessagePayload } from './types.js';

/** The parts of slash-command JSON the help reads (structurally the registration data, so it can never drift from it). */
export interface HelpOption {
	type: number;
	name: string;
	description?: string;
	required?: boolean;
	options?: readonly HelpOption[];
}

export interface HelpCommand {
	name: string;
	description?: string;
	default_member_permissions?: string | null;
	options?: readonly HelpOption[];
}

export interface HelpInput {
	commands: readonly HelpCommand[];
	/** Example lines by command path (`paper search`), as typed in Discord. */
	examples: Readonly<Record<string, readonly string[]>>;
	/** Extra fields per top-level command (the search syntax, say), already markdown. */
	notes?: Readonly<Record<string, readonly EmbedField[]>>;
}

const SUBCOMMAND = 1;
const SUBCOMMAND_GROUP = 2;
/** Room kept under the 6,000-character message total for the escaping and joins the estimate does not see. */
const TOTAL_BUDGET = DiscordLimits.embedTotalCharacters - 200;

type Detail = 'full' | 'no-options' | 'bare';

/** An ephemeral overview of every command: one embed per top-level command, a line per subcommand with its options and examples. */
export function formatHelpCard(input: HelpInput): MessagePayload {
	const commands = input.commands.slice(0, DiscordLimits.embedsPerMessage);
	let embeds: Embed[] = [];
	for (const detail of ['full', 'no-options', 'bare'] as Detail[]) {
		embeds = commands.map((command) => buildCommandEmbed(command, input, detail));
		if (embedsLength(embeds) <= TOTAL_BUDGET) break;
	}
	return { embeds: fitTotal(embeds), allowed_mentions: { parse: [] }, flags: EPHEMERAL_FLAG };
}

function buildCommandEmbed(command: HelpCommand, input: HelpInput, detail: Detail): Embed {
	const lines = leaves(command).map((leaf) => formatLeaf(leaf.path, leaf.option, input.examples[leaf.path.join(' ')] ?? [], detail));
	const restricted = command.default_member_permissions !== undefined && command.default_member_permissions !== null;
	const intro = `${toSafeMarkdown(command.description ?? '', 200)}${restricted ? ' · needs the Manage Server permission' : ''}`;
	const embed: Embed = {
		title: truncate(`/${toSafeMarkdown(command.name, 32)}`, DiscordLimits.embedTitle),
		description: truncate([intro, ...lines].filter(Boolean).join('\n'), DiscordLimits.embedDescription),
		color: CARD_COLOR,
	};
	const notes = detail === 'bare' ? [] : (input.notes?.[command.name] ?? []);
	if (notes.length > 0)
		embed.fields = notes.slice(0, DiscordLimits.embedFields).map((field) => ({
			name: truncate(field.name, DiscordLimits.embedFieldName),
			value: truncate(field.value, DiscordLimits.embedFieldValue),
		}));
	return embed;
}

interface Leaf {
	path: string[];
	option: HelpOption | HelpCommand;
}

/** Every runnable path: `/paper search`, `/digest subscribe`, a group's subcommands, or the command itself when it has none. */
function leaves(command: HelpCommand): Leaf[] {
	const subcommands = (command.options ?? []).filter((option) => option.type === SUBCOMMAND || option.type === SUBCOMMAND_GROUP);
	if (subcommands.length === 0) return [{ path: [command.name], option: command }];
	return subcommands.flatMap((option) =>
		option.type === SUBCOMMAND_GROUP
			? (option.options ?? []).map((sub) => ({ path: [command.name, option.name, sub.name], option: sub }))
			: [{ path: [command.name, option.name], option }],
	);
}

/** A bold command path, its options (`name:…` required, `[name]` optional), its description, and up to two examples. */
function formatLeaf(path: readonly string[], leaf: HelpOption | HelpCommand, examples: readonly string[], detail: Detail): string {
	const name = `**/${path.map((part) => toSafeMarkdown(part, 32)).join(' ')}**`;
	const options = detail === 'full' ? (leaf.options ?? []).map((option) => code(option.required ? `${option.name}:…` : `[${option.name}]`)).join(' ') : '';
	const head = [name, options, '—', toSafeMarkdown(leaf.description ?? '', 120)].filter(Boolean).join(' ');
	const shown = detail === 'bare' ? [] : examples.slice(0, 2);
	return shown.length > 0 ? `${head}\n  e.g. ${shown.map(code).join(' · ')}` : head;
}

/** Inline code with no way out of it: backticks in the text become quotes. */
function code(text: string): string {
	return `\`${text.replace(/`/g, "'").slice(0, 150)}\``;
}

function embedsLength(embeds: readonly Embed[]): number {
	return embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
}

function embedLength(embed: Embed): number {
	const fields = (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
	return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + fields;
}

/** A safety net for a command list far larger than ours: descriptions are cut evenly so the message stays valid. */
function fitTotal(embeds: Embed[]): Embed[] {
	if (embedsLength(embeds) <= TOTAL_BUDGET) return embeds;
	const share = Math.floor(TOTAL_BUDGET / Math.max(1, embeds.length));
	return embeds.map((embed) => {
		const { fields: _fields, ...rest } = embed;
		return { ...rest, description: truncate(embed.description ?? '', Math.max(1, share - (embed.title?.length ?? 0))) };
	});
}
