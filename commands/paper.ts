import { ApplicationCommandOptionType, ApplicationIntegrationType, InteractionContextType } from 'discord-api-types/v10';
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { latestListing, paginate } from '../src/browse/pages.js';
import { requirePaper, resolvePaper } from '../src/browse/resolve.js';
import { BrowseMessages } from '../src/browse/messages.js';
import { decodeCustomId, encodeSearchPage, encodeTodayPage, encodeTrendingPage, hashQuery, type CustomIdAction } from '../src/cards/custom-ids.js';
import { formatAutocompleteChoices, formatTimeZoneChoices } from '../src/cards/autocomplete.js';
import { formatPaperCard } from '../src/cards/paper-card.js';
import { formatResultsPage } from '../src/cards/results-page.js';
import { formatSourcesCard } from '../src/cards/sources-card.js';
import { formatSimilarList } from '../src/cards/similar-list.js';
import { formatTodayPage } from '../src/cards/today-page.js';
import { getFollow } from '../src/digests/follows.js';
import { DigestMessages } from '../src/digests/messages.js';
import { suggestTimeZones } from '../src/digests/time-zones.js';
import type { CommandData, SlashCommand } from '../src/discord/command.js';
import type { BotContext } from '../src/discord/context.js';
import { DigestReplies } from '../src/discord/digest-replies.js';
import { toReplyOptions, toUpdateOptions } from '../src/discord/payload.js';
import { UserError } from '../src/errors.js';
import type { Paper } from '../src/papers/paper.js';
import { isStoreError } from '../src/store/errors.js';
import { StoreMessages } from '../src/store/messages.js';
import { findSearchResults, type SearchResults } from '../src/browse/search-results.js';
import { findTrending, parseTrendingWindow, TRENDING_WINDOWS, TrendingDefaults, type TrendingWindow } from '../src/browse/trending.js';
import { formatTrendingPage } from '../src/cards/trending-page.js';
import { parseTopics } from '../src/digests/inputs.js';
import { buildHelpCard } from '../src/discord/help.js';
import { SORT_ORDERS } from '../src/search/query-syntax.js';
import { dayOf, hasFilters, hasQuerySyntax, type SearchOptionInput } from '../src/search/search-request.js';
import * as library from '../src/discord/library-handlers.js';
import * as follows from '../src/discord/follow-handlers.js';
import { EXPORT_FORMATS, formatLabel } from '../src/library/export.js';
import { MAX_PAGE } from '../src/cards/custom-ids.js';

const { String: STRING, Subcommand: SUBCOMMAND } = ApplicationCommandOptionType;
const { Integer: INTEGER, SubcommandGroup: SUBCOMMAND_GROUP, Boolean: BOOLEAN } = ApplicationCommandOptionType;
const SAVED_PAPER = { type: STRING, name: 'paper', description: 'A saved paper: start typing its title', required: true, autocomplete: true } as const;
const TAG_LIST = { type: STRING, name: 'tags', description: 'Tags, by spaces or commas: to-read rlhf', required: true, autocomplete: true } as const;
const TAG_FILTER = { type: STRING, name: 'tag', description: 'Only papers with this tag', autocomplete: true } as const;

/** The personal library: save, browse, unsave, tag and export (handlers in src/discord/library-handlers.ts). */
const LIBRARY_SUBCOMMANDS = [
	{
		type: SUBCOMMAND,
		name: 'save',
		description: 'Save a paper to your library, optionally with tags',
		options: [
			{ type: STRING, name: 'paper', description: 'Paper id or title', required: true, autocomplete: true },
			{ ...TAG_LIST, required: false },
		],
	},
	{
		type: SUBCOMMAND,
		name: 'library',
		description: 'Your saved papers, newest first (only you see them)',
		options: [TAG_FILTER, { type: INTEGER, name: 'page', description: 'Page number (10 papers a page)', min_value: 1, max_value: MAX_PAGE + 1 }],
	},
	{ type: SUBCOMMAND, name: 'unsave', description: 'Remove a paper from your library', options: [SAVED_PAPER] },
	{ type: SUBCOMMAND, name: 'foryou', description: 'Recent papers picked from the ones you saved (only you see them)', options: [TAG_FILTER] },
	{
		type: SUBCOMMAND_GROUP,
		name: 'tag',
		description: 'Tag the papers in your library',
		options: [
			{ type: SUBCOMMAND, name: 'add', description: 'Add tags to a saved paper', options: [SAVED_PAPER, TAG_LIST] },
			{ type: SUBCOMMAND, name: 'remove', description: 'Remove tags from a saved paper', options: [SAVED_PAPER, TAG_LIST] },
		],
	},
	{
		type: SUBCOMMAND,
		name: 'export',
		description: 'Download your library as a BibTeX, CSV or JSON file (only you see it)',
		options: [
			{
				type: STRING,
				name: 'format',
				description: 'File format',
				required: true,
				choices: EXPORT_FORMATS.map((format) => ({ name: formatLabel(format), value: format })),
			},
			TAG_FILTER,
		],
	},
] satisfies CommandData['options'];
const SORT_CHOICES = SORT_ORDERS.map((order) => ({ name: order, value: order }));
const TRENDING_CHOICES = TRENDING_WINDOWS.map((window) => ({ name: window, value: window }));

export const data = {
	name: 'paper',
	description: 'Search, open and share research papers',
	contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{
			type: SUBCOMMAND,
			name: 'search',
			description: 'Fuzzy, typo-tolerant search over titles, authors, keywords and abstracts',
			options: [
				{
					type: STRING,
					name: 'query',
					description: 'Words, "a phrase", -word; filters too: author:Name since:7d before:2026-03-01 sort:upvotes',
					autocomplete: true,
				},
				{ type: STRING, name: 'author', description: 'Only papers by this author, e.g. Hinton or Geoffrey Hinton', max_length: 200 },
				{ type: STRING, name: 'since', description: 'Listed on or after: a day (2026-03-01) or a span back (7d, 2w, 3m)', max_length: 20 },
				{ type: STRING, name: 'before', description: 'Listed before: a day (2026-03-01) or a span back (7d, 2w, 3m)', max_length: 20 },
				{ type: STRING, name: 'sort', description: 'Order (default: best match first)', choices: SORT_CHOICES },
			],
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
		{
			type: SUBCOMMAND,
			name: 'trending',
			description: 'The most upvoted papers listed in the last day, week or month',
			options: [
				{ type: STRING, name: 'window', description: 'How far back (default: week)', choices: TRENDING_CHOICES },
				{ type: STRING, name: 'topic', description: 'Only papers on these comma-separated topics, e.g. diffusion, RLHF' },
			],
		},
		{
			type: SUBCOMMAND,
			name: 'follow',
			description: 'Get one DM a day with new papers on a topic (no topic: every new paper)',
			options: [
				{ type: STRING, name: 'topic', description: 'Comma-separated topics, e.g. diffusion, RLHF' },
				{ type: STRING, name: 'author', description: 'Comma-separated authors, by full name, e.g. Ada Lovelace' },
				{ type: BOOLEAN, name: 'foryou', description: 'DM me my "For you" recommendations instead (from my saved papers)' },
				{ ...TAG_FILTER, description: 'With foryou: recommend from this library tag only' },
				{ type: STRING, name: 'time', description: 'When to DM you, 24-hour HH:MM (default 09:00)' },
				{ type: STRING, name: 'timezone', description: 'Your time zone: start typing a city, e.g. New York (default UTC)', autocomplete: true },
			],
		},
		{
			type: SUBCOMMAND,
			name: 'unfollow',
			description: 'Stop following a topic (no topic: stop the daily DMs)',
			options: [
				{ type: STRING, name: 'topic', description: 'The topic to drop' },
				{ type: STRING, name: 'author', description: 'The author to drop' },
				{ type: BOOLEAN, name: 'foryou', description: 'Stop the "For you" DM only' },
			],
		},
		{ type: SUBCOMMAND, name: 'following', description: 'What you follow and when your next DM comes' },
		{ type: SUBCOMMAND, name: 'stats', description: 'Papers in the corpus and the state of each live source' },
		...LIBRARY_SUBCOMMANDS,
		{ type: SUBCOMMAND, name: 'help', description: 'Every Paperboy command with examples (only you see it)' },
	],
} satisfies CommandData;

export async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	if (interaction.options.getSubcommandGroup(false) === 'tag') return library.changeTagsFromCommand(interaction, context);
	switch (interaction.options.getSubcommand()) {
		case 'search':
			return showSearchResults(interaction, context);
		case 'show':
			return showPaper(interaction, resolvePaper(context.index, interaction.options.getString('paper', true)));
		case 'share':
			return sharePaper(interaction, resolvePaper(context.index, interaction.options.getString('paper', true)));
		case 'today':
			return void (await interaction.reply(toReplyOptions(await buildTodayPage(context, 0))));
		case 'follow':
			return follows.followFromCommand(interaction, context);
		case 'unfollow':
			return follows.unfollowFromCommand(interaction, context);
		case 'stats':
			return void (await interaction.reply(toReplyOptions(await buildStatsCard(context))));
		case 'following':
			return follows.showFollowing(interaction, context);
		case 'trending':
			return showTrending(interaction, context);
		case 'help':
			return void (await interaction.reply(toReplyOptions(buildHelpCard(context.commands))));
		case 'save':
			return library.saveFromCommand(interaction, context);
		case 'library':
			return library.showLibraryFromCommand(interaction, context);
		case 'unsave':
			return library.unsaveFromCommand(interaction, context);
		case 'export':
			return library.exportFromCommand(interaction, context);
		case 'foryou':
			return library.showForYou(interaction, context);
		default:
			throw new UserError('Unknown /paper subcommand. Commands may be updating; try again in a minute.');
	}
}

export async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
	const focused = interaction.options.getFocused(true);
	if (focused.name === 'timezone') return interaction.respond(formatTimeZoneChoices(suggestTimeZones(String(focused.value))));
	if (await library.autocompleteLibrary(interaction, context)) return;
	// A title picked from the list would replace the whole query, filters and all: a query with syntax gets none.
	if (focused.name === 'query' && hasQuerySyntax(String(focused.value))) return interaction.respond([]);
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
		case 'unfollow':
			return unfollowFromButton(interaction, context, action);
		case 'stopForYou':
			return follows.stopForYou(interaction, context);
		case 'trending':
			return turnTrendingPage(interaction, context, action);
		case 'save':
			return library.saveFromButton(interaction, context, action.paperId);
		case 'library':
			return library.turnLibraryPage(interaction, context, action.page, action.tag);
		default:
			throw new UserError(BrowseMessages.pageGone);
	}
}

async function showSearchResults(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	const { options } = interaction;
	const filters = {
		author: options.getString('author') ?? undefined,
		since: options.getString('since') ?? undefined,
		before: options.getString('before') ?? undefined,
		sort: options.getString('sort') ?? undefined,
	};
	await interaction.reply(toReplyOptions(await buildResultsPage(context, options.getString('query') ?? '', 0, filters)));
}

/** `query` is what was typed, or the canonical query a page button carries (then there are no options). */
async function buildResultsPage(context: BotContext, query: string, page: number, options: SearchOptionInput = {}) {
	const results = findSearchResults(context.index, query, options, context.clock(), page);
	if (results.page.total === 0) throw new UserError(noResultsMessage(results));
	const first = encodeSearchPage(0, results.query);
	// Queries too long for a custom_id are kept in the store under their hash, so the buttons outlive a restart.
	if (first.queryHash) await context.queries.remember(first.queryHash, results.query);
	return formatResultsPage({
		query: results.heading,
		filters: results.filters,
		hits: results.page.items,
		page: results.page.page,
		pageCount: results.page.pageCount,
		total: results.page.total,
		pageButton: (target: number) => encodeSearchPage(target, results.query).customId,
	});
}

function noResultsMessage(results: SearchResults): string {
	return hasFilters(results.request) ? BrowseMessages.noFilteredResults(results.heading, results.filters) : BrowseMessages.noResults(results.query);
}

async function showTrending(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	const window = parseTrendingWindow(interaction.options.getString('window'));
	const topic = interaction.options.getString('topic') ?? '';
	await interaction.reply(toReplyOptions(await buildTrendingPage(context, window, dayOf(context.clock()), topic, 0)));
}

/** Pages stay on the day the list was asked for (`today` travels in the button), so page 2 follows page 1. */
async function buildTrendingPage(context: BotContext, window: TrendingWindow, today: string, topic: string, page: number) {
	const topics = parseTopics(topic);
	const trending = await findTrending(context.index.all(), { window, today, topics, matchTopics: context.matchTopics });
	if (trending.papers.length === 0) throw new UserError(BrowseMessages.noTrending(trending.since, topics));
	const canonical = topics.join(', ') || undefined;
	const first = encodeTrendingPage(0, window, today, canonical);
	if (first.queryHash && canonical) await context.queries.remember(first.queryHash, canonical);
	const current = paginate(trending.papers, page);
	return formatTrendingPage({
		days: TrendingDefaults.windowDays[window],
		since: trending.since,
		topic: canonical ?? '',
		papers: current.items,
		page: current.page,
		pageCount: current.pageCount,
		total: current.total,
		pageButton: (target: number) => encodeTrendingPage(target, window, today, canonical).customId,
	});
}

async function turnTrendingPage(interaction: ButtonInteraction, context: BotContext, action: Extract<CustomIdAction, { kind: 'trending' }>): Promise<void> {
	if (!(TRENDING_WINDOWS as readonly string[]).includes(action.window)) throw new UserError(BrowseMessages.pageGone);
	const topic = action.topic ?? (action.topicHash ? await context.queries.recall(action.topicHash) : '');
	if (topic === undefined) throw new UserError(BrowseMessages.pageGone);
	await interaction.update(toUpdateOptions(await buildTrendingPage(context, action.window as TrendingWindow, action.day, topic, action.page)));
}

async function buildStatsCard(context: BotContext) {
	const { config, index, store } = context;
	const enabled = { hf: config.hfEnabled, arxiv: config.arxivCategories.length > 0 };
	// Where operators look when something is wrong: a failing store still gets the card, with its warning.
	const statuses = await store.listSourceStatus().catch((error: unknown) => {
		if (!isStoreError(error)) throw error;
		context.logger.error('/paper stats could not read the source status', { error });
		return [];
	});
	const storeWarning = StoreMessages.healthWarning(store.health());
	return formatSourcesCard(statuses, enabled, { corpusSize: index.size, ...(storeWarning ? { storeWarning } : {}) });
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

/** The DM digest's Unfollow button: `*` ends the follow; a long topic travels as its hash and is found among the user's topics. */
async function unfollowFromButton(interaction: ButtonInteraction, context: BotContext, action: Extract<CustomIdAction, { kind: 'unfollow' }>): Promise<void> {
	if (action.all) return follows.unfollow(interaction, context, undefined);
	let topic = action.topic;
	if (topic === undefined) {
		const followed = await getFollow(context.store, interaction.user.id);
		if (!followed) throw new UserError(DigestMessages.notFollowing);
		topic = followed.topics.find((candidate) => hashQuery(candidate) === action.topicHash);
		if (topic === undefined) throw new UserError(DigestReplies.unfollowGone);
	}
	return follows.unfollow(interaction, context, topic);
}

export const paperCommand: SlashCommand = { data, execute, autocomplete, button, buttonPrefixes: ['paper', 'follow'] };
