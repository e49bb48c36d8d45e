/**
 * Renders a Discord message (API JSON as the emulator stored it) as terminal text: embeds as boxes,
 * buttons listed with what `click` accepts, so a console user sees what Discord would show.
 */

interface RenderEmbed {
	title?: string;
	url?: string;
	description?: string;
	fields?: { name: string; value: string }[];
	footer?: { text: string };
	author?: { name: string };
}

interface RenderButton {
	type: number;
	style?: number;
	label?: string;
	custom_id?: string;
	url?: string;
	disabled?: boolean;
}

export interface RenderMessage {
	content?: string;
	embeds?: RenderEmbed[];
	attachments?: { filename?: string; size?: number; url?: string }[];
	components?: { components?: RenderButton[] }[];
	flags?: number;
}

const WIDTH = 78;
const EPHEMERAL = 1 << 6;

/** Names for `<#channel>` and `<@user>` mentions, which Discord shows as #papers and @someone. */
export interface MentionNames {
	channel(id: string): string | undefined;
	user(id: string): string | undefined;
	/** The reader's clock (ms), for `<t:…:R>` ("in 3 hours"); without it relative stamps show as UTC times. */
	now?(): number;
}

export function renderMessage(message: RenderMessage, heading?: string, names?: MentionNames): string {
	const text = (markdown: string) => toTerminalText(resolveMentions(markdown, names));
	const lines: string[] = [];
	const ephemeral = ((message.flags ?? 0) & EPHEMERAL) !== 0;
	if (heading) lines.push(`${heading}${ephemeral ? '  (only you can see this)' : ''}`);
	if (message.content) lines.push(...wrap(text(message.content), WIDTH));
	for (const embed of message.embeds ?? []) lines.push(...renderEmbed(embed, text));
	for (const file of message.attachments ?? []) lines.push(formatAttachment(file));
	const buttons = listButtons(message);
	if (buttons.length > 0) lines.push(buttons.map(formatButton).join(' '));
	return lines.join('\n');
}

/** `📎 paperboy-library.bib (2.1 KB) http://…`: the url serves the file while the sandbox runs. */
function formatAttachment(file: { filename?: string; size?: number; url?: string }): string {
	const size = file.size ?? 0;
	const shown = size < 1024 ? `${size} B` : size < 1024 * 1024 ? `${(size / 1024).toFixed(1)} KB` : `${(size / (1024 * 1024)).toFixed(1)} MB`;
	return `📎 ${file.filename ?? 'file'} (${shown})${file.url ? ` ${file.url}` : ''}`;
}

export function listButtons(message: RenderMessage): RenderButton[] {
	return (message.components ?? []).flatMap((row) => row.components ?? []).filter((component) => component.type === 2);
}

function renderEmbed(embed: RenderEmbed, text: (markdown: string) => string): string[] {
	const inner = WIDTH - 4;
	const body: string[] = [];
	if (embed.author?.name) body.push(...wrap(embed.author.name, inner));
	if (embed.title) body.push(...wrap(text(embed.title), inner).map((line) => bold(line)));
	if (embed.url) body.push(...wrap(embed.url, inner));
	if (embed.description) body.push('', ...wrap(text(embed.description), inner));
	for (const field of embed.fields ?? []) body.push('', ...wrap(`${text(field.name)}: ${text(field.value)}`, inner));
	if (embed.footer?.text) body.push('', ...wrap(embed.footer.text, inner));
	return [`┌${'─'.repeat(WIDTH - 2)}┐`, ...body.map((line) => `│ ${pad(line, inner)} │`), `└${'─'.repeat(WIDTH - 2)}┘`];
}

/** `<#id>` → `#name`, `<@id>` → `@name`, `<t:unix:R>` → "in 3 hours", other stamps → a UTC time, as a Discord client renders them. */
export function resolveMentions(text: string, names?: MentionNames): string {
	return text
		.replace(/<#(\d{17,20})>/g, (mention, id: string) => (names?.channel(id) ? `#${names.channel(id)}` : mention))
		.replace(/<@!?(\d{17,20})>/g, (mention, id: string) => (names?.user(id) ? `@${names.user(id)}` : mention))
		.replace(/<t:(\d{1,13})(?::([tTdDfFR]))?>/g, (_mention, seconds: string, style?: string) => {
			const ms = Number(seconds) * 1000;
			if (style === 'R' && names?.now) return relativeTime(ms - names.now());
			return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
		});
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
	['day', 86_400_000],
	['hour', 3_600_000],
	['minute', 60_000],
	['second', 1000],
];

/** Discord's `R` style: the largest unit that fits, rounded ("in 3 hours", "2 minutes ago", "now"). */
function relativeTime(deltaMs: number): string {
	for (const [unit, size] of UNITS) if (Math.abs(deltaMs) >= size) return RELATIVE.format(Math.round(deltaMs / size), unit);
	return RELATIVE.format(0, 'second');
}

/** Discord markdown as a terminal shows it: masked links become their text, bold stays bold, escapes go. */
export function toTerminalText(markdown: string): string {
	return markdown
		.replace(/\[((?:\\.|[^\]\\])*)\]\((https?:\/\/[^\s)]+)\)/g, '$1')
		.replace(/\*\*(.+?)\*\*/g, (_match, text: string) => bold(text))
		.replace(/\\([\\*_~`|[\]()#>+\-.<@:])/g, '$1')
		.replace(/\u200b/g, '');
}

function formatButton(button: RenderButton): string {
	const label = button.label ?? '?';
	if (button.url) return `[${label} ↗]`;
	return button.disabled ? `[(${label})]` : `[${label}]`;
}

/** Word-wraps by display width; very long words (URLs) are hard-split. */
export function wrap(text: string, width: number): string[] {
	const out: string[] = [];
	for (const paragraph of text.split('\n')) {
		let line = '';
		for (const word of paragraph.split(/\s+/).filter(Boolean)) {
			for (const piece of chunk(word, width)) {
				if (!line) line = piece;
				else if (visibleLength(line) + 1 + visibleLength(piece) <= width) line = `${line} ${piece}`;
				else {
					out.push(line);
					line = piece;
				}
			}
		}
		out.push(line);
	}
	return out;
}

function chunk(word: string, width: number): string[] {
	const chars = [...word];
	if (chars.length <= width) return [word];
	const pieces: string[] = [];
	for (let at = 0; at < chars.length; at += width) pieces.push(chars.slice(at, at + width).join(''));
	return pieces;
}

function pad(line: string, width: number): string {
	return line + ' '.repeat(Math.max(0, width - visibleLength(line)));
}

const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(text: string): number {
	return [...text.replace(ANSI, '')].length;
}

function bold(text: string): string {
	return process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text;
}
