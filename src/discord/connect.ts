import { DiscordAPIError, Events, Routes, type Client, type REST, type RESTGetAPIGatewayBotResult } from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createDiscordClient } from './client.js';
import { createRest } from './deploy.js';
import { planShards, shardLogFields, SHARDING_REQUIRED_CLOSE, ShardingRequiredError, type ShardPlan } from './shards.js';

export interface ConnectOptions {
	/** The bot's REST base (DISCORD_API_URL or the emulator's): GET /gateway/bot is asked there, not at discord.com. */
	apiUrl: string;
	token: string;
	config: Pick<Config, 'shardCount' | 'shardIds'>;
	logger: Logger;
	/** Attaches the bot's listeners to a client before it logs in (a reconnect with more shards makes a new one). */
	setup: (client: Client) => void;
	/**
	 * Runs with each plan before its client logs in (again after a re-plan on 4011): the bot takes the plan's shard
	 * leases here, standing by while another process runs one of its shards.
	 */
	prepare?: (plan: ShardPlan) => Promise<void>;
}

export interface GatewayConnection {
	client: Client<true>;
	plan: ShardPlan;
	/** Asks GET /gateway/bot again (after a later 4011, for the count Discord now recommends). */
	fetchRecommended: () => Promise<number | undefined>;
}

/** Re-plans on 4011 at most this many times in one start-up: Discord's recommendation only grows so fast. */
const MAX_RESHARDS = 3;

/**
 * Plans the shards (SHARD_COUNT/SHARDS, else GET /gateway/bot `shards`), logs them, and logs a client in with
 * them. On 4011 Sharding required it logs why and what to do; with SHARD_COUNT unset and a higher count now
 * recommended it reconnects with that count, otherwise it throws ShardingRequiredError (no new client).
 */
export async function connectGateway(options: ConnectOptions): Promise<GatewayConnection> {
	const { logger } = options;
	const rest = createRest(options.apiUrl, options.token);
	// After a 4011 the advice still goes out when this fails; it just cannot name Discord's count.
	const fetchRecommended = async () => {
		try {
			return await fetchRecommendedShards(rest);
		} catch (error) {
			logger.warn('could not ask Discord for its recommended shard count', { error });
			return undefined;
		}
	};
	let plan = planShards(options.config, await fetchRecommendedShards(rest));
	for (let attempt = 1; ; attempt += 1) {
		logger.info('gateway shards', shardLogFields(plan));
		await options.prepare?.(plan);
		const client = createDiscordClient(options.apiUrl, { shards: [...plan.ids], shardCount: plan.count });
		options.setup(client);
		const ready = await logIn(client, options.token);
		if (ready) return { client: ready, plan, fetchRecommended };
		const error = new ShardingRequiredError(plan, await fetchRecommended());
		logger.error(error.message, { ...shardLogFields(plan), recommendedNow: error.recommended, code: SHARDING_REQUIRED_CLOSE });
		if (error.retryWith === undefined || attempt > MAX_RESHARDS) throw error;
		plan = planShards(options.config, error.retryWith);
	}
}

/** The ready client, or undefined when a shard was closed with 4011 (the client is destroyed then). */
async function logIn(client: Client, token: string): Promise<Client<true> | undefined> {
	let shardingRequired = false;
	const onDisconnect = (event: { code: number }) => {
		if (event.code === SHARDING_REQUIRED_CLOSE) shardingRequired = true;
	};
	client.on(Events.ShardDisconnect, onDisconnect);
	const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
	try {
		await client.login(token);
		return await ready;
	} catch (error) {
		// @discordjs/ws rejects the login with "Sharding is required"; the close event may come before or after it.
		if (shardingRequired || (error instanceof Error && /sharding is required/i.test(error.message))) {
			await client.destroy();
			return undefined;
		}
		throw error;
	} finally {
		client.off(Events.ShardDisconnect, onDisconnect);
	}
}

/**
 * After start-up a shard that has to identify again (a session Discord invalidated) can meet 4011 too; discord.js
 * then leaves that shard closed. Logs what to do and hands the error over; the other shards keep running.
 */
export function watchShardingRequired(connection: GatewayConnection, logger: Logger, onError: (error: ShardingRequiredError) => void): void {
	let reported = false;
	connection.client.on(Events.ShardDisconnect, (event, shardId) => {
		if (event.code !== SHARDING_REQUIRED_CLOSE || reported) return;
		reported = true;
		void connection.fetchRecommended().then((recommended) => {
			const error = new ShardingRequiredError(connection.plan, recommended);
			logger.error(error.message, { ...shardLogFields(connection.plan), shardId, recommendedNow: recommended, code: SHARDING_REQUIRED_CLOSE });
			onError(error);
		});
	});
}

/** GET /gateway/bot `shards`: how many shards Discord recommends for this bot's servers now. */
export async function fetchRecommendedShards(rest: REST): Promise<number> {
	const info = (await rest.get(Routes.gatewayBot()).catch((error: unknown) => {
		// What discord.js's own login would say, instead of a bare "401: Unauthorized".
		if (error instanceof DiscordAPIError && error.status === 401) throw new Error('Discord refused the token (401 on GET /gateway/bot): check DISCORD_TOKEN');
		throw error;
	})) as RESTGetAPIGatewayBotResult;
	if (!Number.isInteger(info.shards) || info.shards < 1) throw new Error(`GET /gateway/bot answered shards=${String(info.shards)}, not a whole number from 1`);
	return info.shards;
}
