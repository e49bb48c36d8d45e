import { type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { latestListing, paginate, searchPage } from '../src/browse/pages.js';
import { requirePaper, resolvePaper } from '../src/browse/resolve.js';
import { BrowseMessages } from '../src/browse/messages.js';
import { decodeCustomId, encodeSearchPage, encodeTodayPage } from '../src/cards/custom-ids.js';
import { formatAutocompleteChoices } from '../src/cards/autocomplete.js';
import { formatPaperCard } from '../src/cards/paper-card.js';
import { formatResultsPage } from '../src/cards/results-page.js';
import { formatSimilarList } from '../src/cards/similar-list.js';
import { formatTodayPage } from '../src/cards/today-page.js';
import type { CommandData, SlashCommand } from '../src/discord/command.js';
import type { BotContext } from '../src/discord/context.js';
import { toReplyOptions, toUpdateOptions } from '../src/discord/payload.js';
import { UserError } from '../src/errors.js';
import type { Paper } from '../src/papers/paper.js';

const STRING = 3;
const SUBCOMMAND = 1;

export const data: CommandData = {
	name: 'paper',
	description: 'Search, open and share research papers',
	contexts: [0, 1],
	integration_types: [0],
	options: [
		{
			type: SUBCOMMAND,
			name: 'search',
			description: 'Fuzzy, typo-tolerant search over titles, authors, keywords and abstracts',
			options: [{ type: STRING, name: 'query', description: 'Words, a title, an acronym, or a pasted abstract passage', required: true, autocomplete: true }],
		},
		{
			type: SUBCOMMAND,
			name: 'show',
			description: 'Open a paper card (only you see it)',
			options: [{ type: STRING, name: 'paper', description: 'Paper id or title', required: true, autocomplete: true }],
		},
		{
			type: SUBCOMMAND,
			name: 'share',
			description: 'Post a paper card in this channel',
			options: [{ type: STRING, name: 'paper', description: 'Paper id or title', required: true, autocomplete: true }],
		},
		{ type: SUBCOMMAND, name: 'today', description: "The latest day's papers, most upvoted first" },
	],
};

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	switch (interaction.options.getSubcommand()) {
		case 'search':
			return showSearchResults(interaction, context, interaction.options.getString('query', true));
		case 'show':
			return showPaper(interaction, resolvePaper(context.index, interaction.options.getString('paper', true)));
		case 'share':
			return sharePaper(interaction, resolvePaper(context.index, interaction.options.getString('paper', true)));
		case 'today':
			return void (await interaction.reply(toReplyOptions(await buildTodayPage(context, 0))));
		default:
			throw new UserError('Unknown /paper subcommand. Commands may be updating; try again in a minute.');
	}
}

export async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
	const focused = interaction.options.getFocused(true);
	const papers = context.index.autocomplete(String(focused.value));
	// The search box suggests titles as query text; show/share suggest papers by id.
	const choices = formatAutocompleteChoices(papers, focused.name === 'query' ? 'title' : 'id');
	await interaction.respond(choices);
}

export async function button(interaction: ButtonInteraction, context: BotContext): Promise<void> {
	const action = decodeCustomId(interaction.customId);
	if (!action) throw new UserError(BrowseMessages.pageGone);
	switch (action.kind) {
		case 'open':
			return showPaper(interaction, requirePaper(context.index, action.paperId));
		case 'share':
			return sharePaper(interaction, requirePaper(context.index, action.paperId));
		case 'similar': {
			const paper = requirePaper(context.index, action.paperId);
			const similar = context.index.similar(paper.id, 5).map((hit) => hit.paper);
			if (similar.length === 0) throw new UserError(BrowseMessages.noSimilar(paper.title));
			return void (await interaction.reply(toReplyOptions(formatSimilarList(paper, similar))));
		}
		case 'page': {
			const query = action.query ?? (action.queryHash ? await context.queries.recall(action.queryHash) : undefined);
			if (!query) throw new UserError(BrowseMessages.pageGone);
			return void (await interaction.update(toUpdateOptions(await buildResultsPage(context, query, action.page))));
		}
		case 'today':
			return void (await interaction.update(toUpdateOptions(await buildTodayPage(context, action.page, action.day))));
		default:
			throw new UserError(BrowseMessages.pageGone);
	}
}

async function showSearchResults(interaction: ChatInputCommandInteraction, context: BotContext, query: string): Promise<void> {
	await interaction.reply(toReplyOptions(await buildResultsPage(context, query, 0)));
}

async function buildResultsPage(context: BotContext, query: string, page: number) {
	const results = searchPage(context.index, query, page);
	if (results.total === 0) throw new UserError(BrowseMessages.noResults(query));
	const first = encodeSearchPage(0, query);
	// Queries too long for a custom_id are kept in the store under their hash, so the buttons outlive a restart.
	if (first.queryHash) await context.queries.remember(first.queryHash, query);
	return formatResultsPage({
		query,
		hits: results.items,
		page: results.page,
		pageCount: results.pageCount,
		total: results.total,
		pageButton: (target: number) => encodeSearchPage(target, query).customId,
	});
}

async function buildTodayPage(context: BotContext, page: number, day?: string) {
	const listing = latestListing(context.index.all(), day);
	if (!listing.day || listing.papers.length === 0) throw new UserError(BrowseMessages.noPapersYet);
	const current = paginate(listing.papers, page);
	return formatTodayPage({
		day: listing.day,
		papers: current.items,
		page: current.page,
		pageCount: current.pageCount,
		total: current.total,
		pageButton: (target: number) => encodeTodayPage(target, listing.day as string),
	});
}

async function showPaper(interaction: ChatInputCommandInteraction | ButtonInteraction, paper: Paper): Promise<void> {
	await interaction.reply(toReplyOptions(formatPaperCard(paper, { ephemeral: true })));
}

async function sharePaper(interaction: ChatInputCommandInteraction | ButtonInteraction, paper: Paper): Promise<void> {
	const payload = formatPaperCard(paper, { sharedBy: { id: interaction.user.id, name: interaction.user.displayName } });
	const options = toReplyOptions(payload);
	delete options.flags;
	await interaction.reply(options);
}

export const paperCommand: SlashCommand = { data, execute, autocomplete, button, buttonPrefixes: ['paper'] };
