import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../log.js';
import type { Json } from './shapes.js';
import { shardOfGuild } from './snowflake.js';

/** Discord's gateway opcodes and close codes, from discord-api-types (the names discord.js itself uses). */
export const GatewayOp = GatewayOpcodes;
export const GatewayClose = GatewayCloseCodes;

/** `[shard_id, num_shards]`, as IDENTIFY and READY carry it. */
export type ShardPair = [number, number];

/** How much of a session's history a resume can replay. */
const REPLAY_BUFFER = 1000;

interface Session {
	id: string;
	seq: number;
	events: { s: number; t: string; d: unknown }[];
	socket: WebSocket | null;
	shard: ShardPair;
}

export interface GatewaySessionInfo {
	sessionId: string;
	shard: ShardPair;
	connected: boolean;
}

export type GatewayEvent =
	| { type: 'identify'; sessionId: string; shard: ShardPair }
	/** An IDENTIFY refused for its shard: 4010 (invalid shard) or 4011 (sharding required: too few shards). */
	| { type: 'identifyRejected'; code: number; shard: unknown }
	| { type: 'resume'; sessionId: string; replayed: number; shard: ShardPair }
	| { type: 'resumeRejected'; sessionId: string }
	| { type: 'close'; sessionId: string | null; code: number };

export interface GatewayDeps {
	token: () => string;
	heartbeatIntervalMs: number;
	/** The READY `d` for a new session on `shard`. */
	buildReady: (sessionId: string, shard: ShardPair) => Json;
	/** GUILD_CREATE payloads, one per guild on `shard`, sent right after READY. */
	buildGuildCreates: (shard: ShardPair) => Json[];
	/** The fewest shards an IDENTIFY may ask for; fewer close with 4011, as Discord does past 2,500 servers a shard. */
	requiredShards: () => number;
	notify: (event: GatewayEvent) => void;
	logger: Logger;
}

/**
 * Discord's gateway for one bot: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, shards, and faults on
 * demand. Each shard (`[i, n]` from IDENTIFY) has its own current session; a guild's events go to the session of
 * its shard, `(guild_id >> 22) % n`, and events without a guild (DMs) to shard 0, as on Discord.
 */
export class Gateway {
	readonly #wss = new WebSocketServer({ noServer: true });
	readonly #sessions = new Map<string, Session>();
	/** The current session of each shard, keyed `i/n`. */
	readonly #current = new Map<string, Session>();

	constructor(private readonly deps: GatewayDeps) {
		this.#wss.on('connection', (socket, req) => this.#onConnection(socket, req));
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req));
	}

	/** True while the bot has a session and every shard's session has an open socket. */
	get connected(): boolean {
		return this.#current.size > 0 && [...this.#current.values()].every((session) => session.socket?.readyState === 1);
	}

	/** True when the bot has a session (open or waiting to resume); dispatches to a detached session are replayed on resume. */
	get hasSession(): boolean {
		return this.#current.size > 0;
	}

	/** The session of the lowest shard (the only one when unsharded). */
	get sessionId(): string | null {
		return this.#ordered()[0]?.id ?? null;
	}

	/** Every shard's current session, lowest shard first. */
	sessions(): GatewaySessionInfo[] {
		return this.#ordered().map((session) => ({ sessionId: session.id, shard: [...session.shard], connected: session.socket?.readyState === 1 }));
	}

	/**
	 * Sends an event to the sessions that carry `guildId` (null: shard 0, where Discord sends DMs); returns how many.
	 * Throws only when the bot has no session at all.
	 */
	dispatch(t: string, d: unknown, guildId: string | null = null): number {
		if (this.#current.size === 0) throw new Error('emulator: no bot session on the gateway (log the client in first)');
		const targets = this.#carrying(guildId);
		for (const session of targets) this.#dispatchTo(session, t, d);
		return targets.length;
	}

	/** True when some session (open or resumable) is on the shard of `guildId` (null: DMs, shard 0). */
	carries(guildId: string | null): boolean {
		return this.#carrying(guildId).length > 0;
	}

	/** Kills the socket without a close frame (clients see 1006) and keeps the session resumable; every shard's, or one's. */
	drop(shard?: number): void {
		for (const session of this.#targets(shard)) session.socket?.terminate();
	}

	/** Op 7: the client should reconnect and resume. */
	requestReconnect(shard?: number): void {
		for (const session of this.#targets(shard)) this.#send(session.socket, { op: GatewayOp.Reconnect, d: null });
	}

	/** Op 9; when not resumable the session is forgotten and the client must identify again. */
	invalidateSession(resumable = false, shard?: number): void {
		for (const session of this.#targets(shard)) {
			if (!resumable) this.#forget(session);
			this.#send(session.socket, { op: GatewayOp.InvalidSession, d: resumable });
		}
	}

	/** Closes the socket with a gateway close code (4000 unknown error, 4009 session timed out, …). */
	close(code: number = GatewayClose.UnknownError, reason = '', shard?: number): void {
		for (const session of this.#targets(shard)) session.socket?.close(code, reason);
	}

	async stop(): Promise<void> {
		for (const client of this.#wss.clients) client.terminate();
		this.#sessions.clear();
		this.#current.clear();
		await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
	}

	#ordered(): Session[] {
		return [...this.#current.values()].sort((a, b) => a.shard[0] - b.shard[0] || a.shard[1] - b.shard[1]);
	}

	#carrying(guildId: string | null): Session[] {
		return [...this.#current.values()].filter(({ shard: [id, count] }) => (guildId === null ? 0 : shardOfGuild(guildId, count)) === id);
	}

	#targets(shard: number | undefined): Session[] {
		return this.#ordered().filter((session) => shard === undefined || session.shard[0] === shard);
	}

	#onConnection(socket: WebSocket, req: IncomingMessage): void {
		const params = new URL(req.url ?? '/', 'ws://127.0.0.1').searchParams;
		if ((params.get('v') ?? '10') !== '10') {
			socket.close(GatewayClose.InvalidAPIVersion, 'Invalid API version');
			return;
		}
		if ((params.get('encoding') ?? 'json') !== 'json') {
			socket.close(GatewayClose.DecodeError, 'Only JSON encoding is supported');
			return;
		}

		let session: Session | null = null;
		this.#send(socket, { op: GatewayOp.Hello, d: { heartbeat_interval: this.deps.heartbeatIntervalMs, _trace: ['emulator'] } });
		socket.on('message', (raw) => {
			const payload = parsePayload(raw);
			if (!payload) return socket.close(GatewayClose.DecodeError, 'Error while decoding payload.');
			switch (payload.op) {
				case GatewayOp.Heartbeat:
					return this.#send(socket, { op: GatewayOp.HeartbeatAck });
				case GatewayOp.Identify:
					if (session) return socket.close(GatewayClose.AlreadyAuthenticated, 'Already authenticated.');
					session = this.#identify(socket, payload.d);
					return;
				case GatewayOp.Resume:
					if (session) return socket.close(GatewayClose.AlreadyAuthenticated, 'Already authenticated.');
					session = this.#resume(socket, payload.d);
					return;
				case GatewayOp.PresenceUpdate:
				case GatewayOp.VoiceStateUpdate:
				case GatewayOp.RequestGuildMembers:
					if (!session) socket.close(GatewayClose.NotAuthenticated, 'Not authenticated.');
					return;
				default:
					return socket.close(GatewayClose.UnknownOpcode, 'Unknown opcode.');
			}
		});
		socket.on('close', (code) => {
			const current = session;
			if (current?.socket === socket) current.socket = null;
			// A clean close (1000/1001) ends the session on Discord; anything else leaves it resumable.
			if (current && (code === 1000 || code === 1001)) this.#forget(current);
			this.deps.notify({ type: 'close', sessionId: current?.id ?? null, code });
		});
		socket.on('error', (error) => this.deps.logger.debug('emulator gateway socket error', { error }));
	}

	#identify(socket: WebSocket, d: unknown): Session | null {
		const data = d as { token?: unknown; shard?: unknown } | null;
		if (!this.#tokenMatches(data?.token)) {
			socket.close(GatewayClose.AuthenticationFailed, 'Authentication failed.');
			return null;
		}
		const shard = readShard(data?.shard);
		const refusal = !shard
			? { code: GatewayClose.InvalidShard, reason: 'Invalid shard.' }
			: shard[1] < this.deps.requiredShards()
				? { code: GatewayClose.ShardingRequired, reason: 'Sharding required.' }
				: null;
		if (refusal || !shard) {
			const { code, reason } = refusal ?? { code: GatewayClose.InvalidShard, reason: 'Invalid shard.' };
			// Notified before the close: a test may change the emulator (its recommended count) before the bot reacts.
			this.deps.notify({ type: 'identifyRejected', code, shard: data?.shard });
			socket.close(code, reason);
			return null;
		}
		const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, events: [], socket, shard };
		this.#sessions.set(session.id, session);
		this.#current.set(shardKey(shard), session);
		this.#dispatchTo(session, 'READY', this.deps.buildReady(session.id, shard));
		for (const guild of this.deps.buildGuildCreates(shard)) this.#dispatchTo(session, 'GUILD_CREATE', guild);
		this.deps.notify({ type: 'identify', sessionId: session.id, shard: [...shard] });
		return session;
	}

	#resume(socket: WebSocket, d: unknown): Session | null {
		const data = (d ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
		if (!this.#tokenMatches(data.token)) {
			socket.close(GatewayClose.AuthenticationFailed, 'Authentication failed.');
			return null;
		}
		const session = typeof data.session_id === 'string' ? this.#sessions.get(data.session_id) : undefined;
		const seq = typeof data.seq === 'number' ? data.seq : 0;
		const oldest = session?.events[0]?.s ?? 1;
		if (!session || seq < oldest - 1) {
			this.deps.notify({ type: 'resumeRejected', sessionId: String(data.session_id) });
			this.#send(socket, { op: GatewayOp.InvalidSession, d: false });
			return null;
		}
		if (session.socket && session.socket !== socket) session.socket.terminate();
		session.socket = socket;
		this.#current.set(shardKey(session.shard), session);
		const missed = session.events.filter((event) => event.s > seq);
		for (const event of missed) this.#send(socket, { op: GatewayOp.Dispatch, ...event });
		this.#dispatchTo(session, 'RESUMED', { _trace: ['emulator'] });
		this.deps.notify({ type: 'resume', sessionId: session.id, replayed: missed.length, shard: [...session.shard] });
		return session;
	}

	#dispatchTo(session: Session, t: string, d: unknown): void {
		session.seq += 1;
		const event = { s: session.seq, t, d };
		session.events.push(event);
		if (session.events.length > REPLAY_BUFFER) session.events.shift();
		this.#send(session.socket, { op: GatewayOp.Dispatch, ...event });
	}

	#forget(session: Session): void {
		this.#sessions.delete(session.id);
		const key = shardKey(session.shard);
		if (this.#current.get(key) === session) this.#current.delete(key);
	}

	#tokenMatches(token: unknown): boolean {
		if (typeof token !== 'string') return false;
		return token.replace(/^Bot\s+/i, '') === this.deps.token();
	}

	#send(socket: WebSocket | null | undefined, payload: Json): void {
		if (socket?.readyState === 1) socket.send(JSON.stringify(payload));
	}
}

/** IDENTIFY's optional `shard`: absent means `[0, 1]`; anything but `0 <= i < n` is invalid (4010). */
function readShard(value: unknown): ShardPair | null {
	if (value === undefined || value === null) return [0, 1];
	if (!Array.isArray(value) || value.length !== 2) return null;
	const [id, count] = value as unknown[];
	if (!Number.isInteger(id) || !Number.isInteger(count)) return null;
	const pair: ShardPair = [id as number, count as number];
	return pair[1] >= 1 && pair[0] >= 0 && pair[0] < pair[1] ? pair : null;
}

function shardKey([id, count]: ShardPair): string {
	return `${id}/${count}`;
}

function parsePayload(raw: RawData): { op: number; d?: unknown } | null {
	try {
		const payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
		return typeof payload.op === 'number' ? (payload as { op: number; d?: unknown }) : null;
	} catch {
		return null;
	}
}
