import type { EmulatorCore } from './core.js';
import { DiscordErrors, DiscordHttpError } from './errors.js';
import { InteractionType, type InteractionCallback, type InteractionState } from './interactions.js';
import { MessageFlags, type ApiMessage } from './messages.js';
import type { RouteContext, RouteDef, RouteResult } from './router.js';
import type { Json } from './shapes.js';
import { acceptUploads, attachmentIds, type AcceptedUpload } from './uploads.js';
import { isObject, validateBody } from './validation.js';

/** Which callback types each interaction type accepts (Discord answers 400 for the others). */
const ALLOWED_CALLBACKS: Record<number, readonly number[]> = {
	[InteractionType.ApplicationCommand]: [4, 5, 9],
	[InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
	[InteractionType.ApplicationCommandAutocomplete]: [8],
};

const WEBHOOK = '/webhooks/{application_id}/{webhook_token}';

export function interactionRoutes(core: EmulatorCore): RouteDef[] {
	const forWebhook = (ctx: RouteContext) =>
		core.interactions.forWebhook(ctx.params.application_id ?? '', core.world.application.id, ctx.params.webhook_token ?? '');
	return [
		{ method: 'POST', template: '/interactions/{interaction_id}/{interaction_token}/callback', auth: 'none', handle: (ctx) => handleCallback(core, ctx) },
		{ method: 'GET', template: `${WEBHOOK}/messages/@original`, auth: 'none', handle: (ctx) => ok(requireOriginal(core, forWebhook(ctx))) },
		{
			method: 'PATCH',
			template: `${WEBHOOK}/messages/@original`,
			auth: 'none',
			handle: (ctx) => ok(editOriginal(core, forWebhook(ctx), ctx.body, ctx.files)),
		},
		{
			method: 'DELETE',
			template: `${WEBHOOK}/messages/@original`,
			auth: 'none',
			handle: (ctx) => {
				const message = requireOriginal(core, forWebhook(ctx));
				core.messages.delete(message.channel_id, message.id);
				return { status: 204 };
			},
		},
		{ method: 'POST', template: WEBHOOK, auth: 'none', handle: (ctx) => sendFollowUp(core, forWebhook(ctx), ctx) },
		{
			method: 'GET',
			template: `${WEBHOOK}/messages/{message_id}`,
			auth: 'none',
			handle: (ctx) => ok(requireOwn(core, forWebhook(ctx), ctx.params.message_id)),
		},
		{
			method: 'PATCH',
			template: `${WEBHOOK}/messages/{message_id}`,
			auth: 'none',
			handle: (ctx) => {
				const message = requireOwn(core, forWebhook(ctx), ctx.params.message_id);
				validateBody('webhookEdit', ctx.body);
				const uploads = acceptUploads(ctx.files, ctx.body as Json, attachmentIds(message));
				return ok(core.messages.edit(message.channel_id, message.id, ctx.body as Json, MessageFlags.Loading, uploads));
			},
		},
		{
			method: 'DELETE',
			template: `${WEBHOOK}/messages/{message_id}`,
			auth: 'none',
			handle: (ctx) => {
				const message = requireOwn(core, forWebhook(ctx), ctx.params.message_id);
				core.messages.delete(message.channel_id, message.id);
				return { status: 204 };
			},
		},
	];
}

function handleCallback(core: EmulatorCore, ctx: RouteContext): RouteResult {
	const state = core.interactions.forCallback(ctx.params.interaction_id ?? '', ctx.params.interaction_token ?? '');
	validateBody('interactionCallback', ctx.body, state.focusedType === undefined ? {} : { autocompleteOptionType: state.focusedType });
	const body = ctx.body as { type: number; data?: Json };
	const allowed = ALLOWED_CALLBACKS[state.type] ?? [];
	if (!allowed.includes(body.type)) {
		throw DiscordErrors.invalidFormBody({
			type: {
				_errors: [
					{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Interaction response type ${body.type} is not valid for interaction type ${state.type}.` },
				],
			},
		});
	}
	const data = isObject(body.data) ? body.data : undefined;
	const uploads = body.type === 4 || body.type === 7 ? acceptUploads(ctx.files, data, callbackTargetAttachments(core, state, body.type)) : [];
	const callback = applyCallback(core, state, body.type, data, uploads);
	core.interactions.acknowledge(state, callback);
	core.emit('callback', { interactionId: state.id, type: body.type, time: core.clock() });
	if (callback.message && (body.type === 4 || body.type === 7)) core.interactions.showVisible(state, callback.message);
	if (body.type === 8 || body.type === 9) core.interactions.endWithoutMessage(state, body.type);

	if (ctx.query.get('with_response') !== 'true') return { status: 204 };
	const message = callback.message;
	return {
		status: 200,
		body: {
			interaction: {
				id: state.id,
				type: state.type,
				...(message
					? {
							response_message_id: message.id,
							response_message_loading: (message.flags & MessageFlags.Loading) !== 0,
							response_message_ephemeral: (message.flags & MessageFlags.Ephemeral) !== 0,
						}
					: {}),
			},
			resource: { type: body.type, ...(message && body.type !== 6 ? { message } : {}) },
		},
	};
}

/** An update (7) edits the component's message, whose attachments its `attachments` may keep. */
function callbackTargetAttachments(core: EmulatorCore, state: InteractionState, type: number): Set<string> {
	const target = type === 7 && state.componentMessageId ? core.messages.find(state.componentMessageId) : undefined;
	return target ? attachmentIds(target) : new Set();
}

function applyCallback(
	core: EmulatorCore,
	state: InteractionState,
	type: number,
	data: Json | undefined,
	uploads: readonly AcceptedUpload[],
): InteractionCallback {
	const origin = {
		webhookId: core.world.application.id,
		interaction: {
			id: state.id,
			type: state.type,
			userId: state.userId,
			authorizingOwners: (state.payload.authorizing_integration_owners as Json) ?? {},
			...(state.commandName ? { name: state.commandName } : {}),
		},
	};
	switch (type) {
		case 4: {
			if (uploads.length === 0) requireContent(data);
			const message = core.messages.create(state.channelId, data ?? {}, { ...origin, uploads });
			state.original = { channelId: message.channel_id, messageId: message.id };
			return { type, ...(data ? { data } : {}), message };
		}
		case 5: {
			const ephemeral = Number(data?.flags ?? 0) & MessageFlags.Ephemeral;
			const message = core.messages.create(state.channelId, { content: '' }, { ...origin, systemFlags: ephemeral | MessageFlags.Loading });
			state.original = { channelId: message.channel_id, messageId: message.id };
			state.pending = true;
			return { type, ...(data ? { data } : {}), message };
		}
		case 6:
		case 7: {
			const target = state.componentMessageId ? core.messages.find(state.componentMessageId) : undefined;
			if (!target) throw DiscordErrors.unknownMessage();
			state.original = { channelId: target.channel_id, messageId: target.id };
			if (type === 6) {
				state.pending = true;
				return { type, message: target };
			}
			const message = core.messages.edit(target.channel_id, target.id, data ?? {}, 0, uploads);
			return { type, ...(data ? { data } : {}), ...(message ? { message } : {}) };
		}
		default:
			return { type, ...(data ? { data } : {}) };
	}
}

function requireOriginal(core: EmulatorCore, state: InteractionState): ApiMessage {
	const message = state.original ? core.messages.get(state.original.channelId, state.original.messageId) : undefined;
	if (!message) throw DiscordErrors.unknownMessage();
	return message;
}

function editOriginal(core: EmulatorCore, state: InteractionState, body: unknown, files: RouteContext['files'] = []): ApiMessage {
	validateBody('webhookEdit', body);
	const original = requireOriginal(core, state);
	const uploads = acceptUploads(files, body as Json, attachmentIds(original));
	const message = core.messages.edit(original.channel_id, original.id, body as Json, MessageFlags.Loading, uploads);
	if (!message) throw DiscordErrors.unknownMessage();
	if (state.pending) core.interactions.showVisible(state, message);
	return message;
}

function sendFollowUp(core: EmulatorCore, state: InteractionState, ctx: RouteContext): RouteResult {
	validateBody('webhookExecute', ctx.body);
	const body = ctx.body as Json;
	const uploads = acceptUploads(ctx.files, body);
	if (uploads.length === 0) requireContent(body);
	let message: ApiMessage | undefined;
	if (state.pending && state.callback?.type === 5) {
		// On Discord the first follow-up after "thinking…" replaces the deferred message.
		message = editOriginal(core, state, body, ctx.files);
	} else {
		message = core.messages.create(state.channelId, body, {
			uploads,
			webhookId: core.world.application.id,
			interaction: { id: state.id, type: state.type, userId: state.userId, authorizingOwners: (state.payload.authorizing_integration_owners as Json) ?? {} },
		});
	}
	core.interactions.addFollowUp(state, message);
	return ctx.query.get('wait') === 'true' ? ok(message) : { status: 204 };
}

function requireOwn(core: EmulatorCore, state: InteractionState, messageId: string | undefined): ApiMessage {
	const own = state.original?.messageId === messageId || state.followUps.some((m) => m.id === messageId);
	const message = own && messageId ? core.messages.find(messageId) : undefined;
	if (!message) throw DiscordErrors.unknownMessage();
	return message;
}

/** Discord refuses a message with nothing to show (50006). */
export function requireContent(body: Json | undefined): void {
	const has = (key: string) => {
		const value = body?.[key];
		return Array.isArray(value) ? value.length > 0 : typeof value === 'string' ? value.length > 0 : value !== undefined && value !== null;
	};
	if (!['content', 'embeds', 'components', 'attachments', 'poll', 'sticker_ids'].some(has)) throw DiscordErrors.cannotSendEmptyMessage();
}

function ok(message: ApiMessage | undefined): RouteResult {
	if (!message) throw new DiscordHttpError(404, { code: 10008, message: 'Unknown Message' });
	return { status: 200, body: message };
}
