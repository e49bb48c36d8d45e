import type { CommandRegistry } from './commands.js';
import type { InteractionRegistry } from './interactions.js';
import type { MessageStore } from './messages.js';
import type { World } from './world.js';

/** What route handlers share: the world, its messages, commands and live interactions. */
export interface EmulatorCore {
	world: World;
	messages: MessageStore;
	commands: CommandRegistry;
	interactions: InteractionRegistry;
	nextId: () => string;
	clock: () => number;
	gatewayUrl: () => string;
	/** What GET /gateway/bot answers about shards: the recommended count and identifies allowed per 5 s. */
	gatewayShards: () => { recommended: number; maxConcurrency: number };
	/** How long a channel message nonce is remembered for `enforce_nonce`. */
	nonceWindowMs: number;
	emit: (event: string, payload: unknown) => void;
	/** Sends a gateway event to the session carrying `guildId` (THREAD_CREATE after a route made a thread), if one is connected. */
	dispatch: (event: string, payload: unknown, guildId: string | null) => void;
}
