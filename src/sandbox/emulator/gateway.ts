import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../log.js';
import type { Json } from './shapes.js';

export const GatewayOp = Object.freeze({
	Dispatch: 0,
	Heartbeat: 1,
	Identify: 2,
	PresenceUpdate: 3,
	VoiceStateUpdate: 4,
	Resume: 6,
	Reconnect: 7,
	RequestGuildMembers: 8,
	InvalidSession: 9,
	Hello: 10,
	HeartbeatAck: 11,
});

export const GatewayClose = Object.freeze({
	UnknownError: 4000,
	UnknownOpcode: 4001,
	DecodeError: 4002,
	NotAuthenticated: 4003,
	AuthenticationFailed: 4004,
	AlreadyAuthenticated: 4005,
	InvalidSeq: 4007,
	SessionTimedOut: 4009,
	InvalidApiVersion: 4012,
});

/** How much of a session's history a resume can replay. */
const REPLAY_BUFFER = 1000;

interface Session {
	id: string;
	seq: number;
	events: { s: number; t: string; d: unknown }[];
	socket: WebSocket | null;
}

export type GatewayEvent =
	| { type: 'identify'; sessionId: string }
	| { type: 'resume'; sessionId: string; replayed: number }
	| { type: 'resumeRejected'; sessionId: string }
	| { type: 'close'; sessionId: string | null; code: number };

export interface GatewayDeps {
	token: () => string;
	heartbeatIntervalMs: number;
	/** The READY `d` for a new session. */
	buildReady: (sessionId: string) => Json;
	/** GUILD_CREATE payloads, one per guild, sent right after READY. */
	buildGuildCreates: () => Json[];
	notify: (event: GatewayEvent) => void;
	logger: Logger;
}

/** Discord's gateway for one bot: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, and faults on demand. */
export class Gateway {
	readonly #wss = new WebSocketServer({ noServer: true });
	readonly #sessions = new Map<string, Session>();
	#current: Session | null = null;

	constructor(private readonly deps: GatewayDeps) {
		this.#wss.on('connection', (socket, req) => this.#onConnection(socket, req));
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req));
	}

	/** True while the bot's session has an open socket. */
	get connected(): boolean {
		return this.#current?.socket?.readyState === 1;
	}

	/** True when the bot has a session (open or waiting to resume); dispatches to a detached session are replayed on resume. */
	get hasSession(): boolean {
		return this.#current !== null;
	}

	get sessionId(): string | null {
		return this.#current?.id ?? null;
	}

	dispatch(t: string, d: unknown): void {
		const session = this.#current;
		if (!session) throw new Error('emulator: no bot session on the gateway (log the client in first)');
		this.#dispatchTo(session, t, d);
	}

	/** Kills the socket without a close frame (clients see 1006) and keeps the session resumable. */
	drop(): void {
		this.#current?.socket?.terminate();
	}

	/** Op 7: the client should reconnect and resume. */
	requestReconnect(): void {
		this.#send(this.#current?.socket, { op: GatewayOp.Reconnect, d: null });
	}

	/** Op 9; when not resumable the session is forgotten and the client must identify again. */
	invalidateSession(resumable = false): void {
		const session = this.#current;
		if (!session) return;
		if (!resumable) this.#forget(session);
		this.#send(session.socket, { op: GatewayOp.InvalidSession, d: resumable });
	}

	/** Closes the socket with a gateway close code (4000 unknown error, 4009 session timed out, …). */
	close(code: number = GatewayClose.UnknownError, reason = ''): void {
		this.#current?.socket?.close(code, reason);
	}

	async stop(): Promise<void> {
		for (const client of this.#wss.clients) client.terminate();
		this.#sessions.clear();
		this.#current = null;
		await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
	}

	#onConnection(socket: WebSocket, req: IncomingMessage): void {
		const params = new URL(req.url ?? '/', 'ws://127.0.0.1').searchParams;
		if ((params.get('v') ?? '10') !== '10') return socket.close(GatewayClose.InvalidApiVersion, 'Invalid API version');
		if ((params.get('encoding') ?? 'json') !== 'json') return socket.close(GatewayClose.DecodeError, 'Only JSON encoding is supported');

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
		const data = d as { token?: unknown } | null;
		if (!this.#tokenMatches(data?.token)) {
			socket.close(GatewayClose.AuthenticationFailed, 'Authentication failed.');
			return null;
		}
		const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, events: [], socket };
		this.#sessions.set(session.id, session);
		this.#current = session;
		this.#dispatchTo(session, 'READY', this.deps.buildReady(session.id));
		for (const guild of this.deps.buildGuildCreates()) this.#dispatchTo(session, 'GUILD_CREATE', guild);
		this.deps.notify({ type: 'identify', sessionId: session.id });
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
		this.#current = session;
		const missed = session.events.filter((event) => event.s > seq);
		for (const event of missed) this.#send(socket, { op: GatewayOp.Dispatch, ...event });
		this.#dispatchTo(session, 'RESUMED', { _trace: ['emulator'] });
		this.deps.notify({ type: 'resume', sessionId: session.id, replayed: missed.length });
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
		if (this.#current === session) this.#current = null;
	}

	#tokenMatches(token: unknown): boolean {
		if (typeof token !== 'string') return false;
		return token.replace(/^Bot\s+/i, '') === this.deps.token();
	}

	#send(socket: WebSocket | null | undefined, payload: Json): void {
		if (socket?.readyState === 1) socket.send(JSON.stringify(payload));
	}
}

function parsePayload(raw: RawData): { op: number; d?: unknown } | null {
	try {
		const payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
		return typeof payload.op === 'number' ? (payload as { op: number; d?: unknown }) : null;
	} catch {
		return null;
	}
}
