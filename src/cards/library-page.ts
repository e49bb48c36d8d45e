import { toPlainText, truncate } from './escape.js';
import { CardBudget, DiscordLimits, EPHEMERAL_FLAG } from './limits.js';
import { buildOpenButtonRows, buildPageRow, wholeNumber } from './paper-list.js';
import { boundedPaperUrl, CARD_COLOR, formatDay, safeTitle, shortAuthors } from './paper-text.js';
import type { ActionRow, Embed, MessagePayload } from './types.js';

/** A saved paper as the library page shows it (the store's copy: the corpus may no longer have the paper). */
export interface LibraryPageEntry {
	id: string;
	title: string;
	authors: string[];
	arxivId?: string;
	listedOn?: string;
	tags: string[];
}

export interface LibraryPageInput {
	/** Already escaped. */
	title: string;
	entries: LibraryPageEntry[];
	/** Zero-based. */
	page: number;
	pageCount: number;
	pageSize: number;
	/** Plain text. */
	footer: string;
	pageButton: (page: number) => string | undefined;
}

/** Tags shown on one line; the rest are counted. Ten lines with 140-character titles still fit one description. */
const TAGS_BUDGET = 60;

/** An ephemeral page of the user's library: numbered lines with authors, day and tags, open buttons, Previous/Next. */
export function formatLibraryPage(input: LibraryPageInput): MessagePayload {
	const pageCount = Math.max(wholeNumber(input.pageCount), 1);
	const page = Math.min(wholeNumber(input.page), pageCount - 1);
	const first = page * Math.max(wholeNumber(input.pageSize), 1) + 1;
	const entries = input.entries.slice(0, CardBudget.listItems);
	const lines = entries.map((entry, index) => formatLibraryLine(entry, first + index));
	const footer = [pageCount > 1 ? `Page ${page + 1} of ${pageCount}` : '', input.footer].filter(Boolean).join(' · ');
	const embed: Embed = {
		title: truncate(input.title, DiscordLimits.embedTitle),
		color: CARD_COLOR,
		footer: { text: toPlainText(footer, CardBudget.footer) },
	};
	if (lines.length > 0) embed.description = truncate(lines.join('\n\n'), DiscordLimits.embedDescription);
	const rows: ActionRow[] = buildOpenButtonRows(entries, first);
	const nav = buildPageRow(page, pageCount, input.pageButton);
	if (nav) rows.push(nav);
	const payload: MessagePayload = { embeds: [embed], allowed_mentions: { parse: [] }, flags: EPHEMERAL_FLAG };
	if (rows.length > 0) payload.components = rows;
	return payload;
}

/** `**1.** [Title](url)` then `Author et al. · 2026-03-14 · #to-read #rlhf`. */
export function formatLibraryLine(entry: LibraryPageEntry, number: number): string {
	const title = safeTitle(entry, CardBudget.listItemTitle);
	const url = entry.arxivId ? boundedPaperUrl({ arxivId: entry.arxivId, title: entry.title }, CardBudget.listItemUrl) : undefined;
	const head = `**${number}.** ${url ? `[${title}](${url})` : title}`;
	const meta = [shortAuthors(entry.authors, CardBudget.listItemAuthors), entry.listedOn ? formatDay(entry.listedOn) : '', formatTags(entry.tags)].filter(
		Boolean,
	);
	return meta.length > 0 ? `${head}\n${meta.join(' · ')}` : head;
}

function formatTags(tags: readonly string[]): string {
	let shown = '';
	let count = 0;
	for (const tag of tags) {
		const next = `${shown}${shown ? ' ' : ''}\`${toPlainText(tag, 40).replace(/`/g, '')}\``;
		if (next.length > TAGS_BUDGET) break;
		shown = next;
		count += 1;
	}
	const hidden = tags.length - count;
	return hidden > 0 ? `${shown}${shown ? ' ' : ''}+${hidden}` : shown;
}
