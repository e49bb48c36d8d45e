import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { followForYou, followTopic, getFollow, getForYouFollow, unfollowForYou, unfollowTopic } from '../digests/follows.js';
import { DigestMessages } from '../digests/messages.js';
import { nextRunAt } from '../digests/schedule.js';
import { UserError } from '../errors.js';
import { readLibrary, selectSaved } from '../library/library.js';
import { normalizeTag } from '../library/tags.js';
import type { BotContext } from './context.js';
import { DigestReplies } from './digest-replies.js';
import { replyEphemeral } from './dispatcher.js';

/**
 * `/paper follow`, `unfollow` and `following`, and the DM buttons that end a follow: thin handlers over
 * src/digests/follows.ts. A user has a topic follow (topics and authors) and, beside it, a "For you" follow.
 */

type Command = ChatInputCommandInteraction;

export async function followFromCommand(interaction: Command, context: BotContext): Promise<void> {
	const { options } = interaction;
	const forYou = options.getBoolean('foryou') === true;
	const tag = options.getString('tag');
	const topic = options.getString('topic') ?? undefined;
	const author = options.getString('author') ?? undefined;
	const time = options.getString('time') ?? undefined;
	const timezone = options.getString('timezone') ?? undefined;
	if (!forYou && tag !== null) throw new UserError(DigestMessages.forYouTagWithoutForYou);
	if (forYou && (topic !== undefined || author !== undefined)) throw new UserError(DigestMessages.forYouWithTopics);
	const now = context.clock();
	if (forYou) {
		const normalized = tag === null ? undefined : normalizeTag(tag);
		const record = await readLibrary(context.store, interaction.user.id);
		// A tag must name saves the user has; without one, an empty library is allowed (the reply says how to fill it).
		if (normalized !== undefined) selectSaved(record, normalized);
		const { follow, created, resumed } = await followForYou(
			context.store,
			{ userId: interaction.user.id, ...(normalized === undefined ? {} : { tag: normalized }), ...(time ? { time } : {}), ...(timezone ? { timezone } : {}) },
			now,
		);
		context.schedulesChanged();
		return replyEphemeral(interaction, DigestReplies.followedForYou(follow, created, resumed, nextRunAt(follow, now), record?.papers.length ?? 0));
	}
	const input = { userId: interaction.user.id, topic, author, time, timezone };
	const { follow, change, resumed } = await followTopic(context.store, input, now);
	context.schedulesChanged();
	await replyEphemeral(interaction, DigestReplies.followed(follow, change, resumed, nextRunAt(follow, now)));
}

/** With `foryou:true` only the "For you" follow ends; with nothing, both do; with topics or authors, just those go. */
export async function unfollowFromCommand(interaction: Command, context: BotContext): Promise<void> {
	const { options } = interaction;
	const topic = options.getString('topic') ?? undefined;
	const author = options.getString('author') ?? undefined;
	if (options.getBoolean('foryou') === true) {
		if (topic !== undefined || author !== undefined) throw new UserError(DigestMessages.forYouWithTopics);
		return stopForYou(interaction, context);
	}
	if (topic === undefined && author === undefined) return unfollowEverything(interaction, context);
	await unfollow(interaction, context, topic, author);
}

export async function unfollow(interaction: Command | ButtonInteraction, context: BotContext, topic: string | undefined, author?: string): Promise<void> {
	const { follow: remaining, removed } = await unfollowTopic(context.store, interaction.user.id, topic, context.clock(), author);
	context.schedulesChanged();
	await replyEphemeral(interaction, remaining ? DigestReplies.unfollowedTopics(removed, remaining) : DigestReplies.unfollowedAll);
}

/** The topic follow and the "For you" follow, whichever exist. */
export async function unfollowEverything(interaction: Command | ButtonInteraction, context: BotContext): Promise<void> {
	const userId = interaction.user.id;
	const [topics, forYou] = await Promise.all([getFollow(context.store, userId), getForYouFollow(context.store, userId)]);
	if (!topics && !forYou) throw new UserError(DigestMessages.notFollowing);
	if (topics) await unfollowTopic(context.store, userId, undefined, context.clock());
	if (forYou) await unfollowForYou(context.store, userId);
	context.schedulesChanged();
	await replyEphemeral(interaction, DigestReplies.unfollowedAll);
}

/** `/paper unfollow foryou:true` and the Stop button of a "For you" DM. */
export async function stopForYou(interaction: Command | ButtonInteraction, context: BotContext): Promise<void> {
	await unfollowForYou(context.store, interaction.user.id);
	context.schedulesChanged();
	await replyEphemeral(interaction, DigestReplies.unfollowedForYou);
}

export async function showFollowing(interaction: Command, context: BotContext): Promise<void> {
	const userId = interaction.user.id;
	const [topics, forYou] = await Promise.all([getFollow(context.store, userId), getForYouFollow(context.store, userId)]);
	if (!topics && !forYou) throw new UserError(DigestMessages.notFollowing);
	const now = context.clock();
	const lines = [
		topics ? DigestReplies.following(topics, nextRunAt(topics, now)) : '',
		forYou ? DigestReplies.followingForYou(forYou, nextRunAt(forYou, now)) : '',
	];
	await replyEphemeral(interaction, lines.filter(Boolean).join('\n\n'));
}
