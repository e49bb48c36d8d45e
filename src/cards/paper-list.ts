import type { Paper } from '../papers/paper.js';
import { encodeOpenPaper, isPaperId } from './custom-ids.js';
import { toPlainText, truncate } from './escape.js';
import { CardBudget, DiscordLimits, EPHEMERAL_FLAG } from './limits.js';
import { memoizeText } from './memo.js';
import { boundedPaperUrl, CARD_COLOR, formatCount, formatDay, formatUpvotes, plainTitle, safeTitle, shortAuthors } from './paper-text.js';
import { ButtonStyle, type ActionRow, type Embed, type InteractiveButton, type MessagePayload } from './types.js';

/** Building blocks shared by every message that lists papers (results, similar, today, digests). */

export type ListStyle = 'full' | 'compact';

/** `**1.** [Title](url)` then, in full style, a second line `Author et al. · 2026-03-14 · ▲ 12`. */
export function formatListLine(paper: Paper, number: number, style: ListStyle): string {
	const head = `**${number}.** ${linkedTitleOf(paper)}`;
	const upvotes = formatUpvotes(paper.upvotes);
	if (style === 'compact') return upvotes ? `${head} · ${upvotes}` : head;
	const meta = [shortAuthors(paper.authors ?? [], CardBudget.listItemAuthors), formatDay(paper.listedOn), upvotes].filter(Boolean);
	return meta.length > 0 ? `${head}\n${meta.join(' · ')}` : head;
}

/** `[Title](url)`, or the title alone when no link fits; the same for every list a paper is in. */
const linkedTitle = memoizeText(
	(paper: Pick<Paper, 'id' | 'arxivId' | 'title'>) => `${paper.id}\u0000${paper.arxivId ?? ''}\u0000${paper.title}`,
	(paper) => {
		const title = safeTitle(paper, CardBudget.listItemTitle);
		const url = boundedPaperUrl(paper, CardBudget.listItemUrl);
		return url ? `[${title}](${url})` : title;
	},
);

/** A button label's title part, as plainTitle makes it. */
const labelTitle = memoizeText(
	(paper: Pick<Paper, 'id' | 'title'>, max: number) => `${max}\u0000${paper.id}\u0000${paper.title}`,
	(paper, max) => plainTitle(paper, max),
);

/**
 * The last text made for each paper object, with the fields it was made from: a fan-out lists the same paper objects
 * for thousands of targets, and building the memo's key of them cost ten times the lookup. A changed field misses.
 */
const linkedTitles = new WeakMap<object, { id: string; arxivId: string | undefined; title: string; text: string }>();
const labelTitles = new WeakMap<object, { id: string; title: string; max: number; text: string }>();

function linkedTitleOf(paper: Pick<Paper, 'id' | 'arxivId' | 'title'>): string {
	const known = linkedTitles.get(paper);
	if (known !== undefined && known.id === paper.id && known.arxivId === paper.arxivId && known.title === paper.title) return known.text;
	const text = linkedTitle(paper);
	linkedTitles.set(paper, { id: paper.id, arxivId: paper.arxivId, title: paper.title, text });
	return text;
}

function labelTitleOf(paper: Pick<Paper, 'id' | 'title'>, max: number): string {
	const known = labelTitles.get(paper);
	if (known !== undefined && known.max === max && known.id === paper.id && known.title === paper.title) return known.text;
	const text = labelTitle(paper, max);
	labelTitles.set(paper, { id: paper.id, title: paper.title, max, text });
	return text;
}

/**
 * The numbered list for an embed description. At most listItems entries; the budgets above keep ten
 * full entries under 4,096 characters, and the final cut is only a safety net.
 */
export function formatListDescription(papers: readonly Paper[], firstNumber: number, style: ListStyle, header = ''): string {
	const shown = papers.slice(0, CardBudget.listItems);
	const separator = style === 'full' ? '\n\n' : '\n';
	const lines = shown.map((paper, index) => formatListLine(paper, firstNumber + index, style));
	const hidden = papers.length - shown.length;
	if (hidden > 0) lines.push(`…and ${hidden} more`);
	const body = lines.join(separator);
	const text = header && body ? `${header}\n\n${body}` : header || body;
	return truncate(text, DiscordLimits.embedDescription);
}

/** One button per listed paper that opens its card: rows of five, a paper listed twice gets one button. */
export function buildOpenButtonRows(papers: readonly Pick<Paper, 'id' | 'title'>[], firstNumber: number): ActionRow[] {
	const buttons: InteractiveButton[] = [];
	const seen = new Set<string>();
	papers.slice(0, CardBudget.listItems).forEach((paper, index) => {
		if (!isPaperId(paper.id) || seen.has(paper.id)) return;
		seen.add(paper.id);
		const prefix = `${firstNumber + index}. `;
		const label = `${prefix}${labelTitleOf(paper, DiscordLimits.buttonLabel - prefix.length)}`;
		buttons.push({ type: 2, style: ButtonStyle.Secondary, custom_id: encodeOpenPaper(paper.id), label });
	});
	const rows: ActionRow[] = [];
	for (let start = 0; start < buttons.length; start += DiscordLimits.buttonsPerRow) {
		rows.push({ type: 1, components: buttons.slice(start, start + DiscordLimits.buttonsPerRow) });
	}
	return rows;
}

/**
 * Previous/Next, disabled at the ends; no row for a single page. `idFor` may return undefined or
 * throw for a page it cannot encode, and then the row is left out rather than sent broken.
 */
export function buildPageRow(page: number, pageCount: number, idFor: (page: number) => string | undefined): ActionRow | undefined {
	const count = wholeNumber(pageCount);
	if (count < 2) return undefined;
	const current = Math.min(wholeNumber(page), count - 1);
	const previous = safeId(idFor, Math.max(current - 1, 0));
	const next = safeId(idFor, Math.min(current + 1, count - 1));
	if (!previous || !next || previous === next) return undefined;
	return {
		type: 1,
		components: [
			{ type: 2, style: ButtonStyle.Secondary, custom_id: previous, label: '◀ Previous', disabled: current === 0 },
			{ type: 2, style: ButtonStyle.Secondary, custom_id: next, label: 'Next ▶', disabled: current === count - 1 },
		],
	};
}

function safeId(idFor: (page: number) => string | undefined, page: number): string | undefined {
	try {
		const id = idFor(page);
		return typeof id === 'string' && id.length > 0 && id.length <= DiscordLimits.customId ? id : undefined;
	} catch {
		return undefined;
	}
}

/** A non-negative safe integer from whatever a caller passed (NaN, -3 and 1e300 included). */
export function wholeNumber(value: number): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 0;
	return Math.min(Math.floor(value), Number.MAX_SAFE_INTEGER);
}

/** An ephemeral list message: a numbered embed, open buttons, Previous/Next when there are pages. */
/** An ephemeral list message: a numbered embed, a button per paper, Previous/Next when there are pages. */
export interface ListPage {
	/** Already escaped: it is cut to fit but not escaped again. */
	title: string;
	papers: Paper[];
	page: number;
	pageCount: number;
	pageSize?: number | undefined;
	footer?: string | undefined;
	/** Shown instead of the list when there are no papers. */
	empty: string;
	idFor: (page: number) => string | undefined;
}

export function formatListPage(list: ListPage): MessagePayload {
	const pageCount = wholeNumber(list.pageCount);
	const page = Math.min(wholeNumber(list.page), Math.max(pageCount - 1, 0));
	const pageSize = wholeNumber(list.pageSize ?? CardBudget.resultsPerPage) || CardBudget.resultsPerPage;
	const papers = Array.isArray(list.papers) ? list.papers : [];
	const firstNumber = Math.min(page * pageSize, 1e9) + 1;
	const footer = [pageCount > 1 ? `Page ${page + 1} of ${pageCount}` : '', list.footer ?? ''].filter(Boolean).join(' · ');
	const rows: ActionRow[] = buildOpenButtonRows(papers, firstNumber);
	const nav = buildPageRow(page, pageCount, list.idFor);
	if (nav) rows.push(nav);
	// The title is assembled from pieces that are already escaped, so it is only cut, never re-escaped.
	const embed: Embed = {
		title: truncate(list.title, DiscordLimits.embedTitle),
		description: papers.length > 0 ? formatListDescription(papers, firstNumber, 'full') : list.empty,
		color: CARD_COLOR,
	};
	if (footer) embed.footer = { text: toPlainText(footer, CardBudget.footer) };
	const payload: MessagePayload = { embeds: [embed], allowed_mentions: { parse: [] }, flags: EPHEMERAL_FLAG };
	if (rows.length > 0) payload.components = rows;
	return payload;
}

/** "1 paper", "1,234 papers"; nonsense counts read as 0. */
export function countLabel(count: number, noun: string): string {
	const value = wholeNumber(count);
	return `${formatCount(value)} ${noun}${value === 1 ? '' : 's'}`;
}
