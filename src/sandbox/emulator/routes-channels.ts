import type { EmulatorCore } from './core.js';
import { DiscordErrors, type ErrorTree } from './errors.js';
import { MessageFlags, type ApiMessage } from './messages.js';
import { Permission } from './permissions.js';
import type { RouteContext, RouteDef } from './router.js';
import { requireContent } from './routes-interactions.js';
import { toApiChannel, type Json } from './shapes.js';
import { acceptUploads, attachmentIds } from './uploads.js';
import { isObject, validateBody } from './validation.js';
import { ChannelType, isThreadChannel, type EmuChannel } from './world.js';

const MESSAGE = '/channels/{channel_id}/messages/{message_id}';

export function channelRoutes(core: EmulatorCore): RouteDef[] {
	const nonces = new Map<string, { messageId: string; at: number }>();
	return [
		{
			method: 'GET',
			template: '/channels/{channel_id}',
			auth: 'bot',
			handle: (ctx) => ({ status: 200, body: toApiChannel(core.world, requireVisibleChannel(core, ctx)) }),
		},
		{
			method: 'GET',
			template: '/channels/{channel_id}/messages',
			auth: 'bot',
			handle: (ctx) => {
				const channel = requireVisibleChannel(core, ctx);
				const page = parseMessagePage(ctx.query);
				// Discord answers an empty list, not an error, when the bot lacks Read Message History.
				if (channel.guildId && !(core.world.permissionsIn(core.world.bot.id, channel.id) & Permission.ReadMessageHistory)) return { status: 200, body: [] };
				return { status: 200, body: selectMessages(core.messages.list(channel.id), page) };
			},
		},
		{
			method: 'POST',
			template: '/channels/{channel_id}/messages',
			auth: 'bot',
			messageBucket: 'channel_id',
			handle: (ctx) => {
				const channel = requireVisibleChannel(core, ctx);
				validateBody('messageCreate', ctx.body);
				const body = ctx.body as Json;
				const uploads = acceptUploads(ctx.files, body);
				if (uploads.length === 0) requireContent(body);
				requireSendPermissions(core, channel, body, uploads.length > 0);
				const nonce = body.nonce as string | number | null | undefined;
				const key = body.enforce_nonce === true && nonce !== undefined && nonce !== null ? `${channel.id}:${nonce}` : undefined;
				if (key) {
					const seen = nonces.get(key);
					const earlier = seen && core.clock() - seen.at < core.nonceWindowMs ? core.messages.get(channel.id, seen.messageId) : undefined;
					if (earlier) return { status: 200, body: earlier };
				}
				const message = core.messages.create(channel.id, body, { nonce, uploads });
				if (key) nonces.set(key, { messageId: message.id, at: core.clock() });
				return { status: 200, body: message };
			},
		},
		{
			method: 'GET',
			template: MESSAGE,
			auth: 'bot',
			handle: (ctx) => {
				const channel = requireVisibleChannel(core, ctx);
				if (channel.guildId && !(core.world.permissionsIn(core.world.bot.id, channel.id) & Permission.ReadMessageHistory))
					throw DiscordErrors.missingPermissions();
				return { status: 200, body: requireMessage(core, channel, ctx) };
			},
		},
		{
			method: 'PATCH',
			template: MESSAGE,
			auth: 'bot',
			handle: (ctx) => {
				const channel = requireVisibleChannel(core, ctx);
				const message = requireMessage(core, channel, ctx);
				validateBody('messageEdit', ctx.body);
				const uploads = acceptUploads(ctx.files, ctx.body as Json, attachmentIds(message));
				return { status: 200, body: core.messages.edit(channel.id, message.id, ctx.body as Json, 0, uploads) };
			},
		},
		{
			method: 'DELETE',
			template: MESSAGE,
			auth: 'bot',
			handle: (ctx) => {
				const channel = requireVisibleChannel(core, ctx);
				core.messages.delete(channel.id, requireMessage(core, channel, ctx).id);
				return { status: 204 };
			},
		},
		{
			method: 'POST',
			template: '/users/@me/channels',
			auth: 'bot',
			handle: (ctx) => {
				validateBody('dmCreate', ctx.body);
				const recipient = isObject(ctx.body) ? ctx.body.recipient_id : undefined;
				if (typeof recipient !== 'string') {
					throw DiscordErrors.invalidFormBody({ recipient_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } });
				}
				if (!core.world.users.has(recipient)) throw DiscordErrors.unknownUser();
				return { status: 200, body: toApiChannel(core.world, core.world.openDm(recipient)) };
			},
		},
	];
}

/** 10003 for a channel that does not exist, 50001 for one the bot cannot see. */
function requireVisibleChannel(core: EmulatorCore, ctx: RouteContext): EmuChannel {
	const channel = core.world.channels.get(ctx.params.channel_id ?? '');
	if (!channel) throw DiscordErrors.unknownChannel();
	if (channel.guildId && !(core.world.permissionsIn(core.world.bot.id, channel.id) & Permission.ViewChannel)) throw DiscordErrors.missingAccess();
	return channel;
}

function requireSendPermissions(core: EmulatorCore, channel: EmuChannel, body: Json, withFiles: boolean): void {
	if (!channel.guildId) {
		const recipient = channel.recipientId ? core.world.users.get(channel.recipientId) : undefined;
		if (!recipient || recipient.dmsClosed || recipient.bot) throw DiscordErrors.cannotSendToUser();
		return;
	}
	// A forum holds posts, not messages: a post is a thread (POST /channels/{id}/threads).
	if (channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia) throw DiscordErrors.cannotSendInNonText();
	const permissions = core.world.permissionsIn(core.world.bot.id, channel.id);
	const sendBit = isThreadChannel(channel) ? Permission.SendMessagesInThreads : Permission.SendMessages;
	if (!(permissions & sendBit)) throw DiscordErrors.missingPermissions();
	if (Array.isArray(body.embeds) && body.embeds.length > 0 && !(permissions & Permission.EmbedLinks)) throw DiscordErrors.missingPermissions();
	if (withFiles && !(permissions & Permission.AttachFiles)) throw DiscordErrors.missingPermissions();
}

function requireMessage(core: EmulatorCore, channel: EmuChannel, ctx: RouteContext): ApiMessage {
	const message = core.messages.get(channel.id, ctx.params.message_id ?? '');
	if (!message) throw DiscordErrors.unknownMessage();
	return message;
}

interface MessagePage {
	limit: number;
	before?: bigint;
	after?: bigint;
}

const MESSAGE_PAGE = Object.freeze({ defaultLimit: 50, maxLimit: 100 });

/** `limit` 1–100 (default 50) and at most one of `before` / `after` as snowflakes, as Discord checks them. */
function parseMessagePage(query: URLSearchParams): MessagePage {
	const errors: ErrorTree = {};
	const fail = (field: string, message: string) => (errors[field] = { _errors: [{ code: 'NUMBER_TYPE_COERCE', message }] });
	const limitText = query.get('limit');
	const limit = limitText === null ? MESSAGE_PAGE.defaultLimit : Number(limitText);
	if (!Number.isInteger(limit) || limit < 1 || limit > MESSAGE_PAGE.maxLimit)
		fail('limit', `Value "${limitText}" is not int between 1 and ${MESSAGE_PAGE.maxLimit}.`);
	const snowflake = (field: 'before' | 'after') => {
		const text = query.get(field);
		if (text === null) return undefined;
		if (!/^\d{1,20}$/.test(text)) return void fail(field, `Value "${text}" is not snowflake.`);
		return BigInt(text);
	};
	const before = snowflake('before');
	const after = snowflake('after');
	if (Object.keys(errors).length > 0) throw DiscordErrors.invalidFormBody(errors);
	return { limit, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
}

/**
 * Newest first, like Discord. With `after`, the `limit` messages right after it (still newest first);
 * with `before` or nothing, the `limit` newest before it. Ephemeral replies are never in a channel's history.
 */
function selectMessages(messages: readonly ApiMessage[], page: MessagePage): ApiMessage[] {
	const visible = messages.filter((message) => (message.flags & MessageFlags.Ephemeral) === 0);
	const ascending = [...visible].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
	if (page.after !== undefined) {
		const after = page.after;
		return ascending
			.filter((message) => BigInt(message.id) > after)
			.slice(0, page.limit)
			.reverse();
	}
	const before = page.before;
	const older = before === undefined ? ascending : ascending.filter((message) => BigInt(message.id) < before);
	return older.slice(-page.limit).reverse();
}
