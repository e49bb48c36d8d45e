import type { Paper } from '../papers/paper.js';
import { encodeUnfollow } from './custom-ids.js';
import { toPlainText, toSafeMarkdown } from './escape.js';
import { CardBudget, DiscordLimits } from './limits.js';
import { buildOpenButtonRows, formatListDescription } from './paper-list.js';
import { CARD_COLOR } from './paper-text.js';
import { countLabel } from './paper-list.js';
import { ButtonStyle, type ActionRow, type Embed, type MessagePayload } from './types.js';

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

/** One digest message: a compact numbered list with upvotes, buttons opening each card (2 rows of 5), optional Unfollow. */
export function formatDigestList(input: DigestListInput): MessagePayload {
	const papers = Array.isArray(input.papers) ? input.papers : [];
	const day = toSafeMarkdown(String(input.day ?? ''), 32);
	const title = toSafeMarkdown(String(input.title ?? ''), DiscordLimits.embedTitle) || (day ? `Papers for ${day}` : 'New papers');
	const header = [day ? `**${day}**` : '', countLabel(papers.length, 'new paper')].filter(Boolean).join(' · ');
	const embed: Embed = {
		title,
		description: formatListDescription(papers, 1, 'compact', header),
		color: CARD_COLOR,
	};
	const reference = typeof input.reference === 'string' && input.reference ? formatDigestReference(toPlainText(input.reference, 64)) : '';
	const separator = reference ? ' · ' : '';
	const text = toPlainText(String(input.footer ?? ''), CardBudget.footer - reference.length - separator.length);
	const footer = text ? `${text}${separator}${reference}` : reference;
	if (footer) embed.footer = { text: footer };
	const rows: ActionRow[] = buildOpenButtonRows(papers, 1);
	const unfollow = buildUnfollowRow(input.unfollowTopic);
	if (unfollow) rows.push(unfollow);
	const payload: MessagePayload = { embeds: [embed], allowed_mentions: { parse: [] } };
	if (rows.length > 0) payload.components = rows;
	return payload;
}

function buildUnfollowRow(topic: string | undefined): ActionRow | undefined {
	if (typeof topic !== 'string') return undefined;
	const all = topic === '*';
	const { customId } = encodeUnfollow(all ? undefined : topic);
	const shown = toPlainText(topic, DiscordLimits.buttonLabel - 'Unfollow “”'.length);
	const label = all || !shown ? 'Unfollow' : `Unfollow “${shown}”`;
	return { type: 1, components: [{ type: 2, style: ButtonStyle.Danger, custom_id: customId, label }] };
}
