import type { Paper } from '../papers/paper.js';
import { encodeSavePaper, encodeSharePaper, encodeSimilarPaper, isPaperId } from './custom-ids.js';
import { cleanForDiscord, escapeMarkdown, neutralizeMentions, toPlainText, toSafeMarkdown, truncateAtSentence } from './escape.js';
import { CardBudget, DiscordLimits, EPHEMERAL_FLAG } from './limits.js';
import {
	arxivPageUrls,
	boundedPaperUrl,
	boundedTitleSearchUrl,
	CARD_COLOR,
	formatAuthors,
	formatDay,
	formatUpvotes,
	maskedLink,
	safeHttpUrl,
	safeTitle,
} from './paper-text.js';
import { ButtonStyle, type ActionRow, type Button, type Embed, type EmbedField, type MessagePayload } from './types.js';

export interface PaperCardOptions {
	/** Shown as "Shared by @user" (rendered as a mention, never a ping: allowed_mentions parses nothing). */
	sharedBy?: { id: string; name: string };
	ephemeral?: boolean;
}

const SNOWFLAKE = /^\d{17,20}$/;

/** The full card for one paper: title linked to its page, abstract, authors, facts, Share/Similar and link buttons. */
export function formatPaperCard(paper: Paper, options: PaperCardOptions = {}): MessagePayload {
	const payload: MessagePayload = {
		embeds: [buildCardEmbed(paper)],
		allowed_mentions: { parse: [] },
	};
	const components = buildCardComponents(paper);
	if (components.length > 0) payload.components = components;
	if (options.sharedBy) payload.content = formatSharedBy(options.sharedBy);
	if (options.ephemeral) payload.flags = EPHEMERAL_FLAG;
	return payload;
}

function buildCardEmbed(paper: Paper): Embed {
	const embed: Embed = {
		title: safeTitle(paper, DiscordLimits.embedTitle),
		description: formatAbstract(paper.abstract),
		color: CARD_COLOR,
		footer: { text: toPlainText(`Paper id: ${paper.id}`, CardBudget.footer) },
	};
	const url = boundedPaperUrl(paper, DiscordLimits.url);
	if (url) embed.url = url;
	const fields = buildFields(paper);
	if (fields.length > 0) embed.fields = fields;
	return embed;
}

/** Trimmed at a sentence boundary so a long abstract reads as whole sentences, not a mid-word cut. */
function formatAbstract(abstract: string): string {
	const text = neutralizeMentions(escapeMarkdown(cleanForDiscord(String(abstract ?? ''))));
	return text === '' ? '*No abstract available.*' : truncateAtSentence(text, CardBudget.cardDescription);
}

function buildFields(paper: Paper): EmbedField[] {
	const fields: EmbedField[] = [];
	const authors = formatAuthors(paper.authors ?? [], CardBudget.authorsField, CardBudget.authorsShown, CardBudget.authorName);
	if (authors) fields.push({ name: 'Authors', value: authors });
	const day = formatDay(paper.listedOn);
	if (day) fields.push({ name: 'Listed', value: day, inline: true });
	const upvotes = formatUpvotes(paper.upvotes);
	if (upvotes) fields.push({ name: 'Upvotes', value: upvotes, inline: true });
	const code = safeHttpUrl(paper.codeUrl, DiscordLimits.linkButtonUrl);
	if (code) fields.push({ name: 'Code', value: maskedLink(code, 80), inline: true });
	const project = safeHttpUrl(paper.projectUrl, DiscordLimits.linkButtonUrl);
	if (project) fields.push({ name: 'Project', value: maskedLink(project, 80), inline: true });
	const keywords = formatKeywords(paper.keywords);
	if (keywords) fields.push({ name: 'Keywords', value: keywords });
	return fields;
}

function formatKeywords(keywords: readonly string[] | undefined): string {
	if (!Array.isArray(keywords)) return '';
	const shown = keywords
		.map((keyword) => toSafeMarkdown(String(keyword), 40))
		.filter((keyword) => keyword !== '')
		.slice(0, CardBudget.keywordsShown);
	return truncateList(shown, CardBudget.keywordsField);
}

/** Joins already-safe items with commas, stopping before the budget rather than cutting an item in half. */
function truncateList(items: readonly string[], budget: number): string {
	let joined = '';
	for (const item of items) {
		const next = joined === '' ? item : `${joined}, ${item}`;
		if (next.length > budget) break;
		joined = next;
	}
	return joined;
}

function buildCardComponents(paper: Paper): ActionRow[] {
	const rows: ActionRow[] = [];
	if (isPaperId(paper.id)) {
		rows.push({
			type: 1,
			components: [
				{ type: 2, style: ButtonStyle.Primary, custom_id: encodeSharePaper(paper.id), label: 'Share' },
				{ type: 2, style: ButtonStyle.Secondary, custom_id: encodeSimilarPaper(paper.id), label: 'Similar' },
				// Saves for whoever clicks, so a shared card fills each reader's own library.
				{ type: 2, style: ButtonStyle.Success, custom_id: encodeSavePaper(paper.id), label: 'Save' },
			],
		});
	}
	const links: Button[] = [];
	const addLink = (label: string, url: string | undefined) => {
		if (url) links.push({ type: 2, style: ButtonStyle.Link, url, label });
	};
	const arxiv = arxivPageUrls(paper, DiscordLimits.linkButtonUrl);
	addLink('arXiv', arxiv.abstract);
	addLink('PDF', arxiv.pdf);
	addLink('Hugging Face', arxiv.huggingFace);
	// Without an arXiv id there is no page to link; a search is offered, and says it is one.
	if (!arxiv.abstract) addLink('Search arXiv', boundedTitleSearchUrl(paper, DiscordLimits.linkButtonUrl));
	addLink('Code', safeHttpUrl(paper.codeUrl, DiscordLimits.linkButtonUrl));
	addLink('Project', safeHttpUrl(paper.projectUrl, DiscordLimits.linkButtonUrl));
	if (links.length > 0) rows.push({ type: 1, components: links.slice(0, DiscordLimits.buttonsPerRow) });
	return rows;
}

/** A user id renders as the member's name in the client (without pinging); a bare name is escaped text. */
function formatSharedBy(user: { id: string; name: string }): string {
	if (SNOWFLAKE.test(String(user.id))) return `Shared by <@${user.id}>`;
	const name = toSafeMarkdown(String(user.name ?? ''), 100);
	return name ? `Shared by ${name}` : 'Shared';
}
