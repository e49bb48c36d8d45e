import { MessageFlags, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { requirePaper, resolvePaper } from '../browse/resolve.js';
import { formatAutocompleteChoices, formatTextChoices } from '../cards/autocomplete.js';
import { encodeLibraryPage } from '../cards/custom-ids.js';
import { formatLibraryPage } from '../cards/library-page.js';
import { DiscordLimits } from '../cards/limits.js';
import { UserError } from '../errors.js';
import { buildExport, formatLabel, isExportFormat } from '../library/export.js';
import {
	addTags,
	findSaved,
	listTags,
	readLibrary,
	removeTags,
	savePaper,
	selectSaved,
	suggestSaved,
	suggestTag,
	suggestTagList,
	unsavePaper,
} from '../library/library.js';
import { LibraryLimits } from '../library/limits.js';
import { LibraryMessages } from '../library/messages.js';
import { libraryPage } from '../library/pages.js';
import { recentPool, RecommendDefaults, recommendPapers } from '../library/recommend.js';
import { formatListPage } from '../cards/paper-list.js';
import { normalizeTag, parseTags, requireTags } from '../library/tags.js';
import type { Paper } from '../papers/paper.js';
import type { BotContext } from './context.js';
import { replyEphemeral } from './dispatcher.js';
import { toFileEditOptions, toReplyOptions, toUpdateOptions } from './payload.js';

/**
 * The Discord side of the library (/paper save, library, unsave, tag add|remove, export and the Save button): thin
 * handlers over src/library. Every answer is ephemeral: a library is its owner's business, even on a shared card.
 */

type Command = ChatInputCommandInteraction;

export async function saveFromCommand(interaction: Command, context: BotContext): Promise<void> {
	const paper = resolvePaper(context.index, interaction.options.getString('paper', true));
	const tags = parseTags(interaction.options.getString('tags'));
	await save(interaction, context, paper, tags);
}

/** The Save button of a card or a digest entry: saves for whoever clicks it. */
export async function saveFromButton(interaction: ButtonInteraction, context: BotContext, paperId: string): Promise<void> {
	await save(interaction, context, requirePaper(context.index, paperId), []);
}

async function save(interaction: Command | ButtonInteraction, context: BotContext, paper: Paper, tags: readonly string[]): Promise<void> {
	const { entry, total, added } = await savePaper(context.store, interaction.user.id, paper, tags, context.clock());
	const text = added ? LibraryMessages.saved(entry.title, total, entry.tags) : LibraryMessages.alreadySaved(entry.title, total, entry.tags);
	await replyEphemeral(interaction, text);
}

export async function unsaveFromCommand(interaction: Command, context: BotContext): Promise<void> {
	const { entry, total } = await unsavePaper(context.store, interaction.user.id, interaction.options.getString('paper', true), context.clock());
	await replyEphemeral(interaction, LibraryMessages.unsaved(entry.title, total));
}

/** `/paper tag add|remove paper: tags:`. */
export async function changeTagsFromCommand(interaction: Command, context: BotContext): Promise<void> {
	const ref = interaction.options.getString('paper', true);
	const tags = requireTags(interaction.options.getString('tags', true));
	const remove = interaction.options.getSubcommand() === 'remove';
	const change = remove ? removeTags : addTags;
	const { entry } = await change(context.store, interaction.user.id, ref, tags, context.clock());
	await replyEphemeral(interaction, remove ? LibraryMessages.tagsRemoved(entry.title, tags, entry.tags) : LibraryMessages.tagsAdded(entry.title, entry.tags));
}

export async function showLibraryFromCommand(interaction: Command, context: BotContext): Promise<void> {
	const tag = optionalTag(interaction);
	const page = (interaction.options.getInteger('page') ?? 1) - 1;
	await interaction.reply(toReplyOptions(await buildLibraryPage(context, interaction.user.id, tag, page, false)));
}

export async function turnLibraryPage(interaction: ButtonInteraction, context: BotContext, page: number, tag: string | undefined): Promise<void> {
	await interaction.update(toUpdateOptions(await buildLibraryPage(context, interaction.user.id, tag, page, true)));
}

async function buildLibraryPage(context: BotContext, userId: string, tag: string | undefined, page: number, clamp: boolean) {
	const current = libraryPage(await readLibrary(context.store, userId), tag, page, clamp);
	return formatLibraryPage({
		title: LibraryMessages.libraryTitle(tag),
		entries: current.items,
		page: current.page,
		pageCount: current.pageCount,
		pageSize: LibraryLimits.pageSize,
		footer: LibraryMessages.libraryFooter(current.total, tag),
		pageButton: (target) => encodeLibraryPage(target, tag),
	});
}

/**
 * The file is built before anything is sent, so an empty library or an unknown tag is a plain error; the upload then
 * goes after a deferral, since megabytes may take longer than the 3 s an interaction has to be answered.
 */
export async function exportFromCommand(interaction: Command, context: BotContext): Promise<void> {
	const format = interaction.options.getString('format', true);
	if (!isExportFormat(format)) throw new UserError(LibraryMessages.unknownFormat(format));
	const tag = optionalTag(interaction);
	const papers = selectSaved(await readLibrary(context.store, interaction.user.id), tag);
	const file = buildExport(papers, format, tag, DiscordLimits.attachmentBytes);
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	await interaction.editReply(toFileEditOptions(LibraryMessages.exported(papers.length, formatLabel(format), tag), file));
}

/** `/paper foryou [tag]`: the recent papers closest to the latest saves (of one tag), none the user saved already. */
export async function showForYou(interaction: Command, context: BotContext): Promise<void> {
	const tag = optionalTag(interaction);
	const record = await readLibrary(context.store, interaction.user.id);
	const saved = selectSaved(record, tag).slice(0, RecommendDefaults.profileSize);
	// A paper the corpus still has brings its abstract and keywords; one it lost counts by its title.
	const profile = saved.map((entry) => context.index.get(entry.id) ?? { title: entry.title });
	const pool = recentPool(context.index.all(), new Set(record?.papers.map((entry) => entry.id)));
	const picks = recommendPapers(profile, pool).filter((pick) => pick.score > 0);
	if (picks.length === 0) throw new UserError(LibraryMessages.nothingToRecommend(RecommendDefaults.windowDays));
	const page = formatListPage({
		title: LibraryMessages.forYouTitle(tag),
		papers: picks.map((pick) => pick.paper),
		page: 0,
		pageCount: 1,
		pageSize: RecommendDefaults.limit,
		footer: LibraryMessages.forYouFooter(saved.length, RecommendDefaults.windowDays),
		empty: '',
		idFor: () => undefined,
	});
	await interaction.reply(toReplyOptions(page));
}

function optionalTag(interaction: Command): string | undefined {
	const raw = interaction.options.getString('tag');
	return raw === null ? undefined : normalizeTag(raw);
}

/** Subcommands whose `paper` names one of the user's saved papers rather than any paper of the corpus. */
const SAVED_PAPER_SUBCOMMANDS: ReadonlySet<string> = new Set(['unsave', 'add', 'remove']);

/**
 * Choices from the user's own library: saved papers for unsave and tag, their tags for `tag`, and for a `tags`
 * list the word being typed completed (for tag remove, from that paper's tags). False when the option is not the
 * library's, so the caller answers it.
 */
export async function autocompleteLibrary(interaction: AutocompleteInteraction, context: BotContext): Promise<boolean> {
	const focused = interaction.options.getFocused(true);
	const subcommand = interaction.options.getSubcommand(false) ?? '';
	const typed = String(focused.value);
	const ownPaper = focused.name === 'paper' && SAVED_PAPER_SUBCOMMANDS.has(subcommand);
	if (!ownPaper && focused.name !== 'tag' && focused.name !== 'tags') return false;
	const record = await readLibrary(context.store, interaction.user.id);
	if (ownPaper) {
		await interaction.respond(formatAutocompleteChoices(suggestSaved(record, typed, DiscordLimits.autocompleteChoices)));
		return true;
	}
	if (focused.name === 'tag') {
		await interaction.respond(formatTextChoices(suggestTag(listTags(record), typed)));
		return true;
	}
	let tags = listTags(record);
	if (subcommand === 'remove') {
		const ref = interaction.options.getString('paper');
		tags = ref ? tagsOf(record, ref) : tags;
	}
	await interaction.respond(formatTextChoices(suggestTagList(tags, typed)));
	return true;
}

function tagsOf(record: Parameters<typeof findSaved>[0], ref: string): string[] {
	try {
		return findSaved(record, ref).tags;
	} catch {
		return [];
	}
}
