/**
 * A local Discord API v10 emulator (REST + gateway on 127.0.0.1) that the real discord.js client logs in to.
 *
 *   const emu = createEmulator();
 *   const { apiUrl, token } = await emu.start();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
 *   await client.login(token);
 *   const reply = await emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query: 'difusion' } }).reply();
 *   await client.destroy();
 *   await emu.stop();
 *
 * Shards: `createEmulator({ shards: 3, requiredShards: 3 })` recommends 3 in GET /gateway/bot, closes an IDENTIFY
 * with fewer with 4011, and sends each guild's events (and interactions) to the session of its shard.
 */
export { createEmulator, DiscordEmulator } from './emulator.js';
export type { ClickButtonInput, EmulatorEndpoints, EmulatorEvents, EmulatorOptions, InjectInteractionInput } from './emulator.js';
export type { InjectAutocompleteInput, InjectCommandInput, InjectOptions, InjectTarget, OptionValue } from './inject.js';
export type { InteractionCallback, InteractionHandle, WaitOptions } from './interactions.js';
export { InteractionType } from './interactions.js';
export type { ApiMessage } from './messages.js';
export { MessageFlags } from './messages.js';
export type { RecordedRequest, RequestFilter } from './recorder.js';
export type { LatencyFault, RateLimitFault, RouteMatcher, ServerErrorFault } from './faults.js';
export { DEFAULT_RATE_LIMITS, type RateLimitOptions } from './ratelimit.js';
export { GatewayClose, type GatewayEvent, type GatewaySessionInfo, type ShardPair } from './gateway.js';
export { Permission, type PermissionName, type PermissionInput } from './permissions.js';
export type { DefaultWorldIds, EmuChannel, EmuGuild, EmuUser, WorldIdentity } from './world.js';
export { collectErrors, validateBody, type BodyKind } from './validation.js';
export { readSnowflakeTime, shardOfGuild } from './snowflake.js';
