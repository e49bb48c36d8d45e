import { createDeferred, withTimeout, type Deferred } from './deferred.js';
import { DiscordErrors } from './errors.js';
import type { ApiMessage } from './messages.js';
import type { Json } from './shapes.js';

export { InteractionType } from 'discord-api-types/v10';

/** What the bot answered on the callback endpoint; `message` is the message that answer created or updated. */
export interface InteractionCallback {
	type: number;
	data?: Json;
	message?: ApiMessage;
}

export interface WaitOptions {
	/** Real milliseconds to wait before rejecting; default 10,000. */
	timeoutMs?: number;
}

/** A test's grip on one injected interaction. */
export interface InteractionHandle {
	readonly id: string;
	readonly token: string;
	/** The INTERACTION_CREATE payload as dispatched. */
	readonly payload: Json;
	readonly acknowledged: boolean;
	/** The first callback (type + data); rejects if the interaction expires unacknowledged or the callback was refused. */
	response(options?: WaitOptions): Promise<InteractionCallback>;
	/** The message the user finally sees: the reply, the updated message, or a deferred reply's first edit. */
	reply(options?: WaitOptions): Promise<ApiMessage>;
	/** The autocomplete choices the bot returned (callback type 8). */
	choices(options?: WaitOptions): Promise<Json[]>;
	/** Follow-up messages so far. */
	followUps(): ApiMessage[];
	/** Resolves with the next follow-up the bot sends. */
	nextFollowUp(options?: WaitOptions): Promise<ApiMessage>;
}

export interface InteractionState {
	id: string;
	token: string;
	type: number;
	payload: Json;
	createdAt: number;
	channelId: string;
	userId: string;
	commandName?: string;
	/** Type of the focused option, for validating autocomplete choices. */
	focusedType?: number;
	/** For component interactions: the message the component sits on (what types 6 and 7 edit). */
	componentMessageId?: string;
	acknowledged: boolean;
	expired: boolean;
	callback?: InteractionCallback;
	/** What `@original` points at once acknowledged. */
	original: { channelId: string; messageId: string } | null;
	/** A deferred answer (type 5 or 6) whose visible message has not arrived yet. */
	pending: boolean;
	followUps: ApiMessage[];
	response: Deferred<InteractionCallback>;
	visible: Deferred<ApiMessage>;
	followUpWaiters: Deferred<ApiMessage>[];
	timer?: NodeJS.Timeout;
}

const DEFAULT_WAIT_MS = 10_000;

/** Live interactions and the timing rules Discord applies to them (3 s to acknowledge, 15 min token). */
export class InteractionRegistry {
	readonly #byId = new Map<string, InteractionState>();
	readonly #byToken = new Map<string, InteractionState>();

	constructor(private readonly options: { clock: () => number; ackWindowMs: number; tokenLifetimeMs: number; useTimers: boolean }) {}

	create(
		input: Omit<InteractionState, 'createdAt' | 'acknowledged' | 'expired' | 'original' | 'pending' | 'followUps' | 'response' | 'visible' | 'followUpWaiters'>,
	): InteractionState {
		const state: InteractionState = {
			...input,
			createdAt: this.options.clock(),
			acknowledged: false,
			expired: false,
			original: null,
			pending: false,
			followUps: [],
			response: createDeferred(),
			visible: createDeferred(),
			followUpWaiters: [],
		};
		this.#forgetDead(state.createdAt);
		this.#byId.set(state.id, state);
		this.#byToken.set(state.token, state);
		// With the real clock a timer rejects waiters on time; a test clock is checked when the bot calls back.
		if (this.options.useTimers) {
			state.timer = setTimeout(() => this.#checkAckWindow(state), this.options.ackWindowMs + 1);
			state.timer.unref();
		}
		return state;
	}

	handle(state: InteractionState): InteractionHandle {
		const wait = <T>(promise: Promise<T>, what: string, options?: WaitOptions) =>
			withTimeout(promise, options?.timeoutMs ?? DEFAULT_WAIT_MS, `emulator: timed out waiting for ${what} of interaction ${state.id}`);
		return {
			id: state.id,
			token: state.token,
			payload: state.payload,
			get acknowledged() {
				return state.acknowledged;
			},
			response: (options) => wait(state.response.promise, 'the callback', options),
			reply: (options) => wait(state.visible.promise, 'the visible reply', options),
			choices: async (options) => {
				const callback = await wait(state.response.promise, 'the autocomplete result', options);
				if (callback.type !== 8) throw new Error(`emulator: interaction ${state.id} was answered with callback type ${callback.type}, not 8`);
				return (callback.data?.choices as Json[] | undefined) ?? [];
			},
			followUps: () => [...state.followUps],
			nextFollowUp: (options) => {
				const deferred = createDeferred<ApiMessage>();
				state.followUpWaiters.push(deferred);
				return wait(deferred.promise, 'a follow-up', options);
			},
		};
	}

	/** The interaction behind a callback URL; 10062 when unknown, mismatched or past the ack window. */
	forCallback(id: string, token: string): InteractionState {
		const state = this.#byId.get(id);
		if (!state || state.token !== token) throw DiscordErrors.unknownInteraction();
		this.#checkAckWindow(state);
		if (state.expired) throw DiscordErrors.unknownInteraction();
		if (state.acknowledged) throw DiscordErrors.alreadyAcknowledged();
		return state;
	}

	/** The interaction behind a webhook token; only usable after acknowledgement and within 15 minutes. */
	forWebhook(applicationId: string, expectedApplicationId: string, token: string): InteractionState {
		const state = this.#byToken.get(token);
		if (!state || applicationId !== expectedApplicationId) throw DiscordErrors.unknownWebhook();
		if (this.options.clock() - state.createdAt > this.options.tokenLifetimeMs) throw DiscordErrors.unknownInteraction();
		if (!state.acknowledged) throw DiscordErrors.unknownWebhook();
		return state;
	}

	acknowledge(state: InteractionState, callback: InteractionCallback): void {
		state.acknowledged = true;
		state.callback = callback;
		if (state.timer) clearTimeout(state.timer);
		state.response.resolve(callback);
	}

	/** The answer the user can now see (a reply, an update, or the first edit of a deferred answer). */
	showVisible(state: InteractionState, message: ApiMessage): void {
		state.pending = false;
		state.visible.resolve(message);
	}

	addFollowUp(state: InteractionState, message: ApiMessage): void {
		state.followUps.push(message);
		for (const waiter of state.followUpWaiters.splice(0)) waiter.resolve(message);
	}

	/** Callback answers that end the interaction without a message (autocomplete, modal) release reply() waiters. */
	endWithoutMessage(state: InteractionState, type: number): void {
		state.visible.reject(new Error(`emulator: interaction ${state.id} was answered with callback type ${type}, which shows no message`));
	}

	stop(): void {
		for (const state of this.#byId.values()) {
			if (state.timer) clearTimeout(state.timer);
			const stopped = new Error('emulator: stopped');
			state.response.reject(stopped);
			state.visible.reject(stopped);
			for (const waiter of state.followUpWaiters.splice(0)) waiter.reject(stopped);
		}
		this.#byId.clear();
		this.#byToken.clear();
	}

	/** Tokens past their lifetime can never be used again; dropping them keeps a long sandbox session small. */
	#forgetDead(now: number): void {
		for (const state of this.#byId.values()) {
			if (now - state.createdAt <= this.options.tokenLifetimeMs) break;
			this.#byId.delete(state.id);
			this.#byToken.delete(state.token);
		}
	}

	#checkAckWindow(state: InteractionState): void {
		if (state.acknowledged || state.expired) return;
		if (this.options.clock() - state.createdAt < this.options.ackWindowMs) return;
		state.expired = true;
		const error = new Error(`emulator: interaction ${state.id} was not acknowledged within ${this.options.ackWindowMs} ms (10062 Unknown interaction)`);
		state.response.reject(error);
		state.visible.reject(error);
	}
}
