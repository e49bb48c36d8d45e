import { MessageFlags } from 'discord-api-types/v10';
import { toApiUser, type Json } from './shapes.js';
import type { AcceptedUpload } from './uploads.js';
import type { World } from './world.js';

/** A message as Discord's API returns it (id, channel_id, author, content, embeds, components, flags, …). */
export type ApiMessage = Json & {
	id: string;
	channel_id: string;
	content: string;
	embeds: Json[];
	components: Json[];
	flags: number;
	timestamp: string;
	edited_timestamp: string | null;
};

export { MessageFlags } from 'discord-api-types/v10';

/** Flags a sender may set; Discord ignores the rest. */
const SETTABLE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

export interface MessageOrigin {
	/** Set for interaction responses and follow-ups (the application's webhook). */
	webhookId?: string;
	interaction?: { id: string; type: number; name?: string; userId: string; authorizingOwners: Json };
	nonce?: string | number | null;
	/** Extra flags the emulator sets itself (LOADING for a deferred reply). */
	systemFlags?: number;
	/** Files uploaded with the message, already checked (src/sandbox/emulator/uploads.ts). */
	uploads?: readonly AcceptedUpload[];
	/** A forum post's first message takes its thread's id, as on Discord. */
	id?: string;
}

/** A stored upload: what GET on its url answers. */
export interface StoredAttachment {
	data: Buffer;
	contentType: string | undefined;
}

export type MessageEvent = { kind: 'create' | 'update' | 'delete'; message: ApiMessage };

/** Every message the bot created, per channel, in order; edits replace the stored version. */
export class MessageStore {
	readonly #byChannel = new Map<string, Map<string, ApiMessage>>();
	readonly #files = new Map<string, StoredAttachment>();

	constructor(
		private readonly world: World,
		private readonly nextId: () => string,
		private readonly now: () => string,
		private readonly notify: (event: MessageEvent) => void,
		/** Where an attachment is served (the emulator's own CDN path). */
		private readonly fileUrl: (channelId: string, attachmentId: string, filename: string) => string = (channelId, attachmentId, filename) =>
			`/attachments/${channelId}/${attachmentId}/${filename}`,
	) {}

	create(channelId: string, payload: Json, origin: MessageOrigin = {}): ApiMessage {
		const channel = this.world.channels.get(channelId);
		const id = origin.id ?? this.nextId();
		const message: ApiMessage = {
			id,
			// 20 = CHAT_INPUT_COMMAND (a slash command's reply); component responses are plain DEFAULT messages.
			type: origin.interaction?.type === 2 ? 20 : 0,
			channel_id: channelId,
			...(channel?.guildId ? { guild_id: channel.guildId } : {}),
			author: toApiUser(this.world.bot),
			content: typeof payload.content === 'string' ? payload.content : '',
			timestamp: this.now(),
			edited_timestamp: null,
			tts: payload.tts === true,
			mention_everyone: false,
			mentions: [],
			mention_roles: [],
			mention_channels: [],
			attachments: this.#store(channelId, origin.uploads ?? []),
			embeds: normalizeEmbeds(payload.embeds),
			components: normalizeComponents(payload.components),
			reactions: [],
			pinned: false,
			flags: (Number(payload.flags ?? 0) & SETTABLE_FLAGS) | (origin.systemFlags ?? 0),
			...(origin.nonce === undefined || origin.nonce === null ? {} : { nonce: origin.nonce }),
			...(origin.webhookId ? { webhook_id: origin.webhookId, application_id: origin.webhookId } : {}),
			...(origin.interaction ? interactionFields(this.world, origin.interaction) : {}),
		};
		if (channel) channel.lastMessageId = id;
		if (channel?.thread) channel.thread.messageCount += 1;
		this.#channel(channelId).set(id, message);
		this.notify({ kind: 'create', message });
		return message;
	}

	/** Applies Discord's PATCH semantics: fields present in the body replace, absent ones stay. */
	edit(channelId: string, messageId: string, payload: Json, clearFlags = 0, uploads: readonly AcceptedUpload[] = []): ApiMessage | undefined {
		const current = this.get(channelId, messageId);
		if (!current) return undefined;
		const next: ApiMessage = { ...current, edited_timestamp: this.now(), flags: current.flags & ~clearFlags };
		if ('content' in payload) next.content = typeof payload.content === 'string' ? payload.content : '';
		if ('embeds' in payload) next.embeds = normalizeEmbeds(payload.embeds);
		if ('components' in payload) next.components = normalizeComponents(payload.components);
		if ('attachments' in payload || uploads.length > 0) next.attachments = this.#keptAttachments(current, payload, uploads);
		if (typeof payload.flags === 'number') {
			// Only SUPPRESS_EMBEDS (and the V2 switch) can change on edit; ephemerality is fixed at creation.
			const mutable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
			next.flags = (next.flags & ~mutable) | (payload.flags & mutable);
		}
		this.#channel(channelId).set(messageId, next);
		this.notify({ kind: 'update', message: next });
		return next;
	}

	/** A thread was started on the message: Discord sets HAS_THREAD and shows the thread on it. */
	markThread(channelId: string, messageId: string, thread: Json): ApiMessage | undefined {
		const current = this.get(channelId, messageId);
		if (!current) return undefined;
		const next: ApiMessage = { ...current, flags: current.flags | MessageFlags.HasThread, thread };
		this.#channel(channelId).set(messageId, next);
		this.notify({ kind: 'update', message: next });
		return next;
	}

	delete(channelId: string, messageId: string): boolean {
		const message = this.get(channelId, messageId);
		if (!message) return false;
		this.#channel(channelId).delete(messageId);
		this.notify({ kind: 'delete', message });
		return true;
	}

	get(channelId: string, messageId: string): ApiMessage | undefined {
		return this.#byChannel.get(channelId)?.get(messageId);
	}

	find(messageId: string): ApiMessage | undefined {
		for (const messages of this.#byChannel.values()) {
			const message = messages.get(messageId);
			if (message) return message;
		}
		return undefined;
	}

	/** Latest versions, oldest first; all channels when `channelId` is omitted. */
	list(channelId?: string): ApiMessage[] {
		if (channelId !== undefined) return [...(this.#byChannel.get(channelId)?.values() ?? [])];
		return [...this.#byChannel.values()].flatMap((messages) => [...messages.values()]).sort((a, b) => compareIds(a.id, b.id));
	}

	/** An uploaded file's bytes by attachment id. */
	attachment(attachmentId: string): StoredAttachment | undefined {
		return this.#files.get(attachmentId);
	}

	clear(): void {
		this.#byChannel.clear();
		this.#files.clear();
	}

	#store(channelId: string, uploads: readonly AcceptedUpload[]): Json[] {
		return uploads.map((upload) => {
			const id = this.nextId();
			this.#files.set(id, { data: upload.data, contentType: upload.contentType });
			const url = this.fileUrl(channelId, id, upload.filename);
			return {
				id,
				filename: upload.filename,
				size: upload.data.length,
				url,
				proxy_url: url,
				...(upload.contentType ? { content_type: upload.contentType } : {}),
				...(upload.description === undefined ? {} : { description: upload.description }),
				...(upload.title === undefined ? {} : { title: upload.title }),
			};
		});
	}

	/** An edit's `attachments` lists the existing ones to keep (absent: keep all); new uploads are added after them. */
	#keptAttachments(current: ApiMessage, payload: Json, uploads: readonly AcceptedUpload[]): Json[] {
		const existing = Array.isArray(current.attachments) ? (current.attachments as Json[]) : [];
		const listed = Array.isArray(payload.attachments) ? new Set((payload.attachments as Json[]).map((attachment) => String(attachment.id))) : undefined;
		const kept = listed ? existing.filter((attachment) => listed.has(String(attachment.id))) : existing;
		return [...kept, ...this.#store(current.channel_id, uploads)];
	}

	#channel(channelId: string): Map<string, ApiMessage> {
		let messages = this.#byChannel.get(channelId);
		if (!messages) this.#byChannel.set(channelId, (messages = new Map()));
		return messages;
	}
}

function interactionFields(world: World, interaction: NonNullable<MessageOrigin['interaction']>): Json {
	const user = toApiUser(world.requireUser(interaction.userId));
	return {
		interaction_metadata: {
			id: interaction.id,
			type: interaction.type,
			user,
			authorizing_integration_owners: interaction.authorizingOwners,
			...(interaction.name ? { name: interaction.name, command_type: 1 } : {}),
		},
		...(interaction.name ? { interaction: { id: interaction.id, type: interaction.type, name: interaction.name, user } } : {}),
	};
}

function normalizeEmbeds(embeds: unknown): Json[] {
	if (!Array.isArray(embeds)) return [];
	return embeds.map((embed: Json) => ({
		type: 'rich',
		...embed,
		...(Array.isArray(embed.fields) ? { fields: embed.fields.map((field: Json) => ({ inline: false, ...field })) } : {}),
	}));
}

/** Discord numbers every component in a message (depth-first from 1) and echoes them back. */
function normalizeComponents(components: unknown): Json[] {
	if (!Array.isArray(components)) return [];
	let next = 1;
	const visit = (component: Json): Json => {
		const id = typeof component.id === 'number' ? component.id : next;
		next = Math.max(next, id) + 1;
		const copy: Json = { ...component, id };
		if (Array.isArray(component.components)) copy.components = component.components.map(visit);
		return copy;
	};
	return components.map(visit);
}

function compareIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
