import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordLimits } from '../../cards/limits.js';
import { silentLogger, type Logger } from '../../log.js';
import { CommandRegistry } from './commands.js';
import type { EmulatorCore } from './core.js';
import { FaultInjector } from './faults.js';
import { Gateway, type GatewayEvent, type ShardPair } from './gateway.js';
import { createRequestListener } from './http.js';
import {
	buildCommandData,
	buildInteractionPayload,
	findButton,
	requireChannelOptions,
	resolveTarget,
	type InjectAutocompleteInput,
	type InjectCommandInput,
	type InjectTarget,
} from './inject.js';
import { InteractionRegistry, InteractionType, type InteractionHandle } from './interactions.js';
import { MessageStore, type ApiMessage, type MessageEvent } from './messages.js';
import type { PermissionInput } from './permissions.js';
import { RateLimiter, type RateLimitOptions } from './ratelimit.js';
import { RequestRecorder, type RecordedRequest, type RequestFilter } from './recorder.js';
import { applicationRoutes } from './routes-app.js';
import { channelRoutes } from './routes-channels.js';
import { threadRoutes } from './routes-threads.js';
import { interactionRoutes } from './routes-interactions.js';
import { toApiChannel, toApiUser, toGuildCreate, type Json } from './shapes.js';
import { createSnowflakeGenerator, shardOfGuild } from './snowflake.js';
import {
	populateDefaultWorld,
	readWorldIdentity,
	World,
	type DefaultWorldIds,
	type EmuChannel,
	type EmuGuild,
	type EmuUser,
	type WorldIdentity,
} from './world.js';

export interface EmulatorOptions {
	/** TCP port on 127.0.0.1; 0 (default) picks a free one. */
	port?: number;
	/** The bot token the emulator accepts; a random one by default. */
	token?: string;
	/** Enforce Discord's rate limits (50 requests/s global, a per-channel message bucket); off by default. */
	rateLimit?: boolean | RateLimitOptions;
	/** The emulator's clock (ms since epoch) for snowflakes, timestamps, the ack window and token expiry. */
	clock?: () => number;
	/** Time to acknowledge an interaction; Discord's 3,000 ms by default. */
	ackWindowMs?: number;
	/** How long an interaction token works for follow-ups and edits; 15 minutes by default. */
	tokenLifetimeMs?: number;
	/** How long `enforce_nonce` remembers a nonce; Discord says "a few minutes", default 5. */
	nonceWindowMs?: number;
	/** HELLO's heartbeat interval; Discord's 41,250 ms by default. */
	heartbeatIntervalMs?: number;
	/** Rebuild the default world with these ids (an earlier run's `identity()`) instead of minting new ones. */
	identity?: WorldIdentity;
	/** The shard count Discord recommends (GET /gateway/bot `shards`); 1 by default. */
	shards?: number;
	/**
	 * The fewest shards an IDENTIFY may use: fewer close with 4011 Sharding required, as Discord does from 2,500
	 * servers a shard. More than required is accepted, as on Discord. 1 by default (no sharding required).
	 */
	requiredShards?: number;
	/** GET /gateway/bot `session_start_limit.max_concurrency`: identifies per 5 s; Discord's 1 by default. */
	maxConcurrency?: number;
	logger?: Logger;
}

export interface EmulatorEndpoints {
	/** Pass as discord.js `rest.api`: `http://127.0.0.1:PORT/api`. */
	apiUrl: string;
	gatewayUrl: string;
	token: string;
}

export interface ClickButtonInput extends Pick<InjectTarget, 'userId' | 'locale'> {
	/** The message carrying the button, or its id. */
	message: ApiMessage | string;
	customId?: string;
	/** Alternatively, the button's label. */
	label?: string;
}

export interface InjectInteractionInput extends InjectTarget {
	type: number;
	data: Json;
	message?: ApiMessage;
}

export interface EmulatorEvents {
	request: [RecordedRequest];
	message: [ApiMessage];
	messageUpdate: [ApiMessage];
	messageDelete: [ApiMessage];
	interaction: [Json];
	callback: [{ interactionId: string; type: number; time: number }];
	gateway: [GatewayEvent];
	/** A thread the bot made: a forum post (before its first message), or a thread started on a message. */
	thread: [Json];
}

/** A Discord API v10 (REST + gateway) on 127.0.0.1 that the real discord.js client can log in to. */
export class DiscordEmulator extends EventEmitter<EmulatorEvents> {
	readonly world: World;
	readonly ids: DefaultWorldIds;
	readonly token: string;
	readonly faults = new FaultInjector();
	readonly gateway: Gateway;
	readonly #core: EmulatorCore;
	readonly #recorder: RequestRecorder;
	readonly #options: EmulatorOptions;
	#server: Server | null = null;
	#port = 0;
	#shards: { recommended: number; required: number; maxConcurrency: number };

	constructor(options: EmulatorOptions = {}) {
		super();
		this.#options = options;
		this.#shards = { recommended: options.shards ?? 1, required: options.requiredShards ?? 1, maxConcurrency: options.maxConcurrency ?? 1 };
		const clock = options.clock ?? Date.now;
		const nextId = createSnowflakeGenerator(clock);
		const nowIso = () => new Date(clock()).toISOString();
		const logger = options.logger ?? silentLogger;
		this.world = new World(nextId, nowIso, options.identity ? { botId: options.identity.botId } : {});
		this.ids = populateDefaultWorld(this.world, options.identity);
		this.token = options.token ?? makeToken(this.world.bot.id);
		const ackWindowMs = options.ackWindowMs ?? DiscordLimits.interactionAckMs;
		this.#core = {
			world: this.world,
			messages: new MessageStore(
				this.world,
				nextId,
				nowIso,
				(event) => this.#onMessage(event),
				(channelId, attachmentId, filename) => `http://127.0.0.1:${this.#port}/attachments/${channelId}/${attachmentId}/${filename}`,
			),
			commands: new CommandRegistry(this.world.application.id, nextId),
			interactions: new InteractionRegistry({
				clock,
				ackWindowMs,
				tokenLifetimeMs: options.tokenLifetimeMs ?? DiscordLimits.interactionTokenMs,
				useTimers: options.clock === undefined,
			}),
			nextId,
			clock,
			gatewayUrl: () => this.gatewayUrl,
			gatewayShards: () => ({ recommended: this.#shards.recommended, maxConcurrency: this.#shards.maxConcurrency }),
			nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
			emit: (event, payload) => this.emit(event as 'callback', payload as EmulatorEvents['callback'][0]),
			dispatch: (event, payload, guildId) => {
				if (this.gateway.hasSession) this.gateway.dispatch(event, payload as Json, guildId);
			},
		};
		this.#recorder = new RequestRecorder((request) => this.emit('request', request));
		this.gateway = new Gateway({
			token: () => this.token,
			heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
			buildReady: (sessionId, shard) => this.#buildReady(sessionId, shard),
			buildGuildCreates: (shard) => this.#guildsOn(shard).map((guild) => toGuildCreate(this.world, guild)),
			requiredShards: () => this.#shards.required,
			notify: (event) => this.emit('gateway', event),
			logger,
		});
		const rateLimit = options.rateLimit === true ? {} : options.rateLimit || null;
		this.#listener = createRequestListener({
			routes: [...applicationRoutes(this.#core), ...channelRoutes(this.#core), ...threadRoutes(this.#core), ...interactionRoutes(this.#core)],
			token: () => this.token,
			clock,
			faults: this.faults,
			rateLimiter: rateLimit ? new RateLimiter(rateLimit, clock) : null,
			recorder: this.#recorder,
			logger,
			attachment: (attachmentId) => this.#core.messages.attachment(attachmentId),
		});
	}

	readonly #listener: ReturnType<typeof createRequestListener>;

	get apiUrl(): string {
		return `http://127.0.0.1:${this.#port}/api`;
	}

	get gatewayUrl(): string {
		return `ws://127.0.0.1:${this.#port}`;
	}

	/** The recommended and required shard counts (see EmulatorOptions.shards and requiredShards). */
	get shards(): { recommended: number; required: number } {
		return { recommended: this.#shards.recommended, required: this.#shards.required };
	}

	/** Changes them from now on, e.g. the guild count grew: the next GET /gateway/bot and IDENTIFY see the new ones. */
	setShards(input: { recommended?: number; required?: number }): void {
		this.#shards = {
			...this.#shards,
			...(input.recommended === undefined ? {} : { recommended: input.recommended }),
			...(input.required === undefined ? {} : { required: input.required }),
		};
	}

	/** The shard (of `shardCount`) that carries a guild's events; `(guild_id >> 22) % shardCount`. */
	shardOf(guildId: string, shardCount: number): number {
		return shardOfGuild(guildId, shardCount);
	}

	async start(): Promise<EmulatorEndpoints> {
		if (this.#server) return this.#endpoints();
		const server = createServer(this.#listener);
		server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.#options.port ?? 0, '127.0.0.1', () => resolve());
		});
		this.#server = server;
		this.#port = (server.address() as AddressInfo).port;
		return this.#endpoints();
	}

	/** Closes the gateway, every HTTP connection and pending waits, so the process (or vitest) can exit. */
	async stop(): Promise<void> {
		const server = this.#server;
		this.#server = null;
		this.#core.interactions.stop();
		await this.gateway.stop();
		if (!server) return;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	// ── Interactions ────────────────────────────────────────────────────────────

	/** Dispatches a chat-input command as `userId` in a guild channel (or DM). */
	injectCommand(input: InjectCommandInput): InteractionHandle {
		const target = resolveTarget(this.world, this.ids, input);
		const command = this.#core.commands.find(input.name, target.guildId);
		const { data } = buildCommandData(command, input, this.#core.nextId(), false);
		// Raw option arrays are for malformed-interaction tests: sent as given.
		if (!Array.isArray(input.options)) requireChannelOptions(this.world, target.guildId, data.options);
		return this.#dispatch(InteractionType.ApplicationCommand, data, target, { commandName: input.name, locale: input.locale });
	}

	/** Dispatches an autocomplete request for the focused option (default: the last one given). */
	injectAutocomplete(input: InjectAutocompleteInput): InteractionHandle {
		const target = resolveTarget(this.world, this.ids, input);
		const command = this.#core.commands.find(input.name, target.guildId);
		const { data, focusedType } = buildCommandData(command, input, this.#core.nextId(), true);
		return this.#dispatch(InteractionType.ApplicationCommandAutocomplete, data, target, {
			commandName: input.name,
			focusedType: focusedType ?? 3,
			locale: input.locale,
		});
	}

	/** Clicks a button on a message the bot sent; throws if the message has no such button. */
	clickButton(input: ClickButtonInput): InteractionHandle {
		const message = typeof input.message === 'string' ? this.#core.messages.find(input.message) : this.#core.messages.find(input.message.id);
		if (!message) throw new Error(`emulator: unknown message ${typeof input.message === 'string' ? input.message : input.message.id}`);
		const button = findButton(message, input);
		if (!button || typeof button.custom_id !== 'string') throw new Error(`emulator: message ${message.id} has no button ${input.customId ?? input.label}`);
		const target = resolveTarget(this.world, this.ids, { userId: input.userId, channelId: message.channel_id });
		const data = { custom_id: button.custom_id, component_type: 2, ...(typeof button.id === 'number' ? { id: button.id } : {}) };
		return this.#dispatch(InteractionType.MessageComponent, data, target, { message, locale: input.locale });
	}

	/** Dispatches any interaction type with hand-written `data` (for malformed-interaction tests). */
	injectInteraction(input: InjectInteractionInput): InteractionHandle {
		const target = resolveTarget(this.world, this.ids, input);
		return this.#dispatch(input.type, input.data, target, { message: input.message, locale: input.locale });
	}

	// ── Records ────────────────────────────────────────────────────────────────

	requests(filter?: RequestFilter): RecordedRequest[] {
		return this.#recorder.list(filter);
	}

	/** 4xx answers the bot earned (validation, permissions, unknown ids), not faults a test injected. */
	rejectedRequests(): RecordedRequest[] {
		return this.#recorder.rejected();
	}

	/** Messages the bot created (latest version of each), in one channel or all. */
	messages(channelId?: string): ApiMessage[] {
		return this.#core.messages.list(channelId);
	}

	findMessage(messageId: string): ApiMessage | undefined {
		return this.#core.messages.find(messageId);
	}

	/** The bytes of a file the bot uploaded, by attachment id (also served at the attachment's `url`). */
	attachmentData(attachmentId: string): Buffer | undefined {
		return this.#core.messages.attachment(attachmentId)?.data;
	}

	clearRecords(): void {
		this.#recorder.clear();
		this.#core.messages.clear();
	}

	/** Registered commands: global, or one guild's. */
	commands(guildId?: string): Json[] {
		return this.#core.commands.list(guildId);
	}

	// ── World setup ────────────────────────────────────────────────────────────

	addUser(input: { username: string; globalName?: string | null; guildId?: string | null; roleIds?: string[] }): EmuUser {
		const user = this.world.addUser(input);
		const guildId = input.guildId === undefined ? this.ids.guildId : input.guildId;
		if (guildId) this.world.addMember(guildId, user.id, input.roleIds ?? []);
		return user;
	}

	/**
	 * A new guild (the bot is a member); announced with GUILD_CREATE to its shard's session if the bot is connected.
	 * `id` picks its snowflake (and so its shard); members of the sandbox guild join it too.
	 */
	addGuild(input: { name: string; ownerId?: string; channels?: string[]; id?: string; members?: string[] }): EmuGuild {
		const guild = this.world.addGuild({ name: input.name, ownerId: input.ownerId ?? this.ids.ownerId, ...(input.id ? { id: input.id } : {}) });
		for (const userId of input.members ?? []) if (!guild.members.has(userId)) this.world.addMember(guild.id, userId);
		for (const name of input.channels ?? ['general']) this.world.addChannel({ guildId: guild.id, name });
		if (this.gateway.hasSession) this.gateway.dispatch('GUILD_CREATE', toGuildCreate(this.world, guild), guild.id);
		return guild;
	}

	/** A channel of the guild (a forum with `type: 15`, its `availableTags` and `flags`); announced with CHANNEL_CREATE. */
	addChannel(input: {
		guildId?: string;
		name: string;
		topic?: string;
		type?: number;
		availableTags?: readonly { name: string; moderated?: boolean }[];
		flags?: number;
	}): EmuChannel {
		const channel = this.world.addChannel({ ...input, guildId: input.guildId ?? this.ids.guildId });
		if (this.gateway.hasSession) this.gateway.dispatch('CHANNEL_CREATE', toApiChannel(this.world, channel), channel.guildId);
		return channel;
	}

	/** Deletes a guild channel; announced with CHANNEL_DELETE. Posting there answers 10003 Unknown Channel afterwards. */
	deleteChannel(channelId: string): void {
		const channel = this.world.requireChannel(channelId);
		const payload = toApiChannel(this.world, channel);
		this.world.deleteChannel(channelId);
		if (this.gateway.hasSession) this.gateway.dispatch('CHANNEL_DELETE', payload, channel.guildId);
	}

	/** Every id of the default world and the DM channels opened so far; pass it back as `identity` to rebuild this world. */
	identity(): WorldIdentity {
		return readWorldIdentity(this.world, this.ids);
	}

	/** Sets the bot's member overwrite on a channel, e.g. `{ deny: ['SendMessages'] }`; announced with CHANNEL_UPDATE. */
	setBotPermissions(channelId: string, overwrite: { allow?: PermissionInput; deny?: PermissionInput }): void {
		this.world.setMemberOverwrite(channelId, this.world.bot.id, overwrite);
		const channel = this.world.requireChannel(channelId);
		if (this.gateway.hasSession && channel.guildId) this.gateway.dispatch('CHANNEL_UPDATE', toApiChannel(this.world, channel), channel.guildId);
	}

	/** A user who closed their DMs: opening the DM works, sending answers 403 50007. */
	closeDms(userId: string, closed = true): void {
		this.world.requireUser(userId).dmsClosed = closed;
	}

	// ── Internals ──────────────────────────────────────────────────────────────

	#endpoints(): EmulatorEndpoints {
		return { apiUrl: this.apiUrl, gatewayUrl: this.gatewayUrl, token: this.token };
	}

	#dispatch(
		type: number,
		data: Json,
		target: ReturnType<typeof resolveTarget>,
		extra: { commandName?: string; focusedType?: number; message?: ApiMessage; locale?: string | undefined },
	): InteractionHandle {
		if (!this.gateway.hasSession) throw new Error('emulator: no bot session on the gateway (log the client in first)');
		// Sent to the session of the guild's shard (DMs: shard 0); with none there, Discord would have no one to send it to.
		if (!this.gateway.carries(target.guildId)) {
			throw new Error(
				`emulator: no bot session carries ${target.guildId === null ? 'DMs (shard 0)' : `guild ${target.guildId}`}; no ` +
					`shard of the bot would receive this interaction`,
			);
		}
		const id = this.#core.nextId();
		const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
		const payload = buildInteractionPayload(this.world, {
			id,
			token,
			type,
			data,
			target,
			...(extra.message ? { message: extra.message } : {}),
			...(extra.locale ? { locale: extra.locale } : {}),
		});
		const state = this.#core.interactions.create({
			id,
			token,
			type,
			payload,
			channelId: target.channelId,
			userId: target.userId,
			...(extra.commandName ? { commandName: extra.commandName } : {}),
			...(extra.focusedType === undefined ? {} : { focusedType: extra.focusedType }),
			...(extra.message ? { componentMessageId: extra.message.id } : {}),
		});
		this.gateway.dispatch('INTERACTION_CREATE', payload, target.guildId);
		this.emit('interaction', payload);
		return this.#core.interactions.handle(state);
	}

	#guildsOn([id, count]: ShardPair): EmuGuild[] {
		return [...this.world.guilds.values()].filter((guild) => shardOfGuild(guild.id, count) === id);
	}

	#buildReady(sessionId: string, shard: ShardPair): Json {
		return {
			v: 10,
			user: { ...toApiUser(this.world.bot), verified: true, mfa_enabled: false, email: null },
			guilds: this.#guildsOn(shard).map((guild) => ({ id: guild.id, unavailable: true })),
			session_id: sessionId,
			session_type: 'normal',
			resume_gateway_url: this.gatewayUrl,
			shard: [...shard],
			application: { id: this.world.application.id, flags: this.world.application.flags },
			private_channels: [],
			relationships: [],
			presences: [],
			guild_join_requests: [],
			geo_ordered_rtc_regions: ['local'],
			user_settings: {},
			auth: {},
			_trace: ['emulator'],
		};
	}

	#onMessage(event: MessageEvent): void {
		const name = event.kind === 'create' ? 'message' : event.kind === 'update' ? 'messageUpdate' : 'messageDelete';
		this.emit(name, event.message);
	}
}

export function createEmulator(options: EmulatorOptions = {}): DiscordEmulator {
	return new DiscordEmulator(options);
}

/** Shaped like a real bot token (base64 user id . timestamp . hmac) so nothing downstream chokes on it. */
function makeToken(botId: string): string {
	return `${Buffer.from(botId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(28).toString('base64url')}`;
}
