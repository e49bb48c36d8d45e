import { ApplicationCommandOptionType, ApplicationIntegrationType, InteractionContextType } from 'discord-api-types/v10';
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { latestListing, paginate, searchPage } from '../src/browse/pages.js';
import { requirePaper, resolvePaper } from '../src/browse/resolve.js';
import { BrowseMessages } from '../src/browse/messages.js';
import { decodeCustomId, encodeSearchPage, encodeTodayPage, hashQuery, type CustomIdAction } from '../src/cards/custom-ids.js';
import { formatAutocompleteChoices, formatTimeZoneChoices } from '../src/cards/autocomplete.js';
import { formatPaperCard } from '../src/cards/paper-card.js';
import { formatResultsPage } from '../src/cards/results-page.js';
import { formatSourcesCard } from '../src/cards/sources-card.js';
import { formatSimilarList } from '../src/cards/similar-list.js';
import { formatTodayPage } from '../src/cards/today-page.js';
import { followTopic, getFollow, unfollowTopic } from '../src/digests/follows.js';
import { DigestMessages } from '../src/digests/messages.js';
import { nextRunAt } from '../src/digests/schedule.js';
import { suggestTimeZones } from '../src/digests/time-zones.js';
import type { CommandData, SlashCommand } from '../src/discord/command.js';
import type { BotContext } from '../src/discord/context.js';
import { DigestReplies } from '../src/discord/digest-replies.js';
import { replyEphemeral } from '../src/discord/dispatcher.js';
import { toReplyOptions, toUpdateOptions } from '../src/discord/payload.js';
import { UserError } from '../src/errors.js';
import type { Paper } from '../src/papers/paper.js';
import { isStoreError } from '../src/store/errors.js';
import { StoreMessages } from '../src/store/messages.js';

const { String: STRING, Subcommand: SUBCOMMAND } = ApplicationCommandOptionType;

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
		{
			type: SUBCOMMAND,
			name: 'follow',
			description: 'Get one DM a day with new papers on a topic (no topic: every new paper)',
			options: [
				{ type: STRING, name: 'topic', description: 'Comma-separated topics, e.g. diffusion, RLHF' },
				{ type: STRING, name: 'time', description: 'When to DM you, 24-hour HH:MM (default 09:00)' },
				{ type: STRING, name: 'timezone', description: 'Your time zone: start typing a city, e.g. New York (default UTC)', autocomplete: true },
			],
		},
		{
			type: SUBCOMMAND,
			name: 'unfollow',
			description: 'Stop following a topic (no topic: stop the daily DM)',
			options: [{ type: STRING, name: 'topic', description: 'The topic to drop' }],
		},
		{ type: SUBCOMMAND, name: 'following', description: 'What you follow and when your next DM comes' },
		{ type: SUBCOMMAND, name: 'stats', description: 'Papers in the corpus and the state of each live source' },
	],
} satisfies CommandData;

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
		case 'follow':
			return follow(interaction, context);
		case 'unfollow':
			return unfollow(interaction, context, interaction.options.getString('topic') ?? undefined);
		case 'stats':
			return void (await interaction.reply(toReplyOptions(await buildStatsCard(context))));
		case 'following':
			return showFollowing(interaction, context);
		default:
			throw new UserError('Unknown /paper subcommand. Commands may be updating; try again in a minute.');
	}
}

export async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
	const focused = interaction.options.getFocused(true);
	if (focused.name === 'timezone') return interaction.respond(formatTimeZoneChoices(suggestTimeZones(String(focused.value))));
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

async function follow(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	const now = context.clock();
	const input = {
		userId: interaction.user.id,
		topic: interaction.options.getString('topic') ?? undefined,
		time: interaction.options.getString('time') ?? undefined,
		timezone: interaction.options.getString('timezone') ?? undefined,
	};
	const { follow: followed, change, resumed } = await followTopic(context.store, input, now);
	context.schedulesChanged();
	await replyEphemeral(interaction, DigestReplies.followed(followed, change, resumed, nextRunAt(followed, now)));
}

async function unfollow(interaction: ChatInputCommandInteraction | ButtonInteraction, context: BotContext, topic: string | undefined): Promise<void> {
	const { follow: remaining, removed } = await unfollowTopic(context.store, interaction.user.id, topic, context.clock());
	context.schedulesChanged();
	await replyEphemeral(interaction, remaining ? DigestReplies.unfollowedTopics(removed, remaining) : DigestReplies.unfollowedAll);
}

async function showFollowing(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
	const followed = await getFollow(context.store, interaction.user.id);
	if (!followed) throw new UserError(DigestMessages.notFollowing);
	await replyEphemeral(interaction, DigestReplies.following(followed, nextRunAt(followed, context.clock())));
}

/** The DM digest's Unfollow button: `*` ends the follow; a long topic travels as its hash and is found among the user's topics. */
async function unfollowFromButton(interaction: ButtonInteraction, context: BotContext, action: Extract<CustomIdAction, { kind: 'unfollow' }>): Promise<void> {
	if (action.all) return unfollow(interaction, context, undefined);
	let topic = action.topic;
	if (topic === undefined) {
		const followed = await getFollow(context.store, interaction.user.id);
		if (!followed) throw new UserError(DigestMessages.notFollowing);
		topic = followed.topics.find((candidate) => hashQuery(candidate) === action.topicHash);
		if (topic === undefined) throw new UserError(DigestReplies.unfollowGone);
	}
	return unfollow(interaction, context, topic);
}

export const paperCommand: SlashCommand = { data, execute, autocomplete, button, buttonPrefixes: ['paper', 'follow'] };
