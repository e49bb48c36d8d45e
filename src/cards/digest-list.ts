import type { Paper } from '../papers/paper.js';
import { encodeSavePaper, encodeStopForYou, encodeUnfollow, isPaperId } from './custom-ids.js';
import { toPlainText, toSafeMarkdown } from './escape.js';
import { CardBudget, DiscordLimits } from './limits.js';
import { memoizeText } from './memo.js';
import { buildOpenButtonRows, formatListDescription } from './paper-list.js';
import { CARD_COLOR } from './paper-text.js';
import { countLabel } from './paper-list.js';
import { ButtonStyle, type ActionRow, type Embed, type InteractiveButton, type MessagePayload } from './types.js';

export interface DigestListInput {
	title: string;
	/** The listing day the digest covers, `YYYY-MM-DD`. */
	day: string;
	/** Already ranked and cut; only the first CardBudget.listItems (10) get a line and a button. */
	papers: Paper[];
	footer?: string;
	/**
	 * Adds an Unfollow button (personal digests): a topic, or `'*'` for "every new paper". A topic over
	 * 80 characters travels as its hash; the handler matches it with hashQuery against the user's follows.
	 */
	unfollowTopic?: string;
	/** Adds a Stop button to a "For you" DM (ends that follow). */
	stopForYou?: boolean;
	/**
	 * The delivery key, shown last in the footer: Discord returns footers when messages are read back, so
	 * after a crash the bot can tell whether this digest was posted without trusting the nonce window.
	 */
	reference?: string;
}

/** How the delivery key reads in the footer; `findDigestReference` looks for exactly this. */
export function formatDigestReference(reference: string): string {
	return `ref ${reference}`;
}

/** A fan-out formats the same day, title and footer for thousands of digests: each is cleaned and escaped once. */
const safeMarkdown = memoizeText(
	(text: string, max: number) => `${max}\u0000${text}`,
	(text, max) => toSafeMarkdown(text, max),
);
const plainText = memoizeText(
	(text: string, max: number) => `${max}\u0000${text}`,
	(text, max) => toPlainText(text, max),
);

/**
 * One digest message: a compact numbered list with upvotes, buttons opening each card (2 rows of 5), a Save button
 * per entry (2 rows more: each reader saves to their own library), optional Unfollow.
 */
export function formatDigestList(input: DigestListInput): MessagePayload {
	const papers = Array.isArray(input.papers) ? input.papers : [];
	const day = safeMarkdown(String(input.day ?? ''), 32);
	const title = safeMarkdown(String(input.title ?? ''), DiscordLimits.embedTitle) || (day ? `Papers for ${day}` : 'New papers');
	const header = [day ? `**${day}**` : '', countLabel(papers.length, 'new paper')].filter(Boolean).join(' · ');
	const embed: Embed = {
		title,
		description: formatListDescription(papers, 1, 'compact', header),
		color: CARD_COLOR,
	};
	const reference = typeof input.reference === 'string' && input.reference ? formatDigestReference(toPlainText(input.reference, 64)) : '';
	const separator = reference ? ' · ' : '';
	const text = plainText(String(input.footer ?? ''), CardBudget.footer - reference.length - separator.length);
	const footer = text ? `${text}${separator}${reference}` : reference;
	if (footer) embed.footer = { text: footer };
	const rows: ActionRow[] = buildOpenButtonRows(papers, 1);
	const unfollow = input.stopForYou === true ? buildStopForYouRow() : buildUnfollowRow(input.unfollowTopic);
	// Save rows only where they fit beside the open rows and Unfollow (10 papers: 2 + 2 + 1 = Discord's 5 rows).
	const saveRows = buildSaveButtonRows(papers);
	if (rows.length + saveRows.length + (unfollow ? 1 : 0) <= DiscordLimits.actionRows) rows.push(...saveRows);
	if (unfollow) rows.push(unfollow);
	const payload: MessagePayload = { embeds: [embed], allowed_mentions: { parse: [] } };
	if (rows.length > 0) payload.components = rows;
	return payload;
}

/** `Save 1` … `Save 10`, numbered like the list lines, in rows of five. */
function buildSaveButtonRows(papers: readonly Paper[]): ActionRow[] {
	const buttons: InteractiveButton[] = [];
	const seen = new Set<string>();
	papers.slice(0, CardBudget.listItems).forEach((paper, index) => {
		if (!isPaperId(paper.id) || seen.has(paper.id)) return;
		seen.add(paper.id);
		buttons.push({ type: 2, style: ButtonStyle.Success, custom_id: encodeSavePaper(paper.id), label: `Save ${index + 1}` });
	});
	const rows: ActionRow[] = [];
	for (let start = 0; start < buttons.length; start += DiscordLimits.buttonsPerRow) {
		rows.push({ type: 1, components: buttons.slice(start, start + DiscordLimits.buttonsPerRow) });
	}
	return rows;
}

function buildStopForYouRow(): ActionRow {
	return { type: 1, components: [{ type: 2, style: ButtonStyle.Danger, custom_id: encodeStopForYou(), label: 'Stop “For you”' }] };
}

function buildUnfollowRow(topic: string | undefined): ActionRow | undefined {
	if (typeof topic !== 'string') return undefined;
	const all = topic === '*';
	const { customId } = encodeUnfollow(all ? undefined : topic);
	const shown = plainText(topic, DiscordLimits.buttonLabel - 'Unfollow “”'.length);
	const label = all || !shown ? 'Unfollow' : `Unfollow “${shown}”`;
	return { type: 1, components: [{ type: 2, style: ButtonStyle.Danger, custom_id: customId, label }] };
}
