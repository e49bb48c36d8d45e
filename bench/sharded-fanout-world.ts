import { DigestDefaults } from '../src/digests/inputs.js';
import { subscriptionKey } from '../src/digests/subscriptions.js';
import type { Paper } from '../src/papers/paper.js';
import type { DiscordEmulator } from '../src/sandbox/emulator/index.js';
import type { Follow, Subscription } from '../src/store/records.js';
import type { Store } from '../src/store/store.js';
import { guildIdOnShard } from '../test/support/shard-ids.js';

/**
 * The sharded fan-out's world, built directly through the emulator's and the store's APIs (not 20,000 slash
 * commands): guilds spread evenly over the shards, each with two subscribed channels, and followers whose DM
 * channels the bot already knows from earlier days, so every request of the fan-out is one digest message.
 */

export interface FanoutWorld {
	/** Every channel that must receive exactly one digest: the subscribed guild channels, then the followers' DMs. */
	channelIds: string[];
	subscriptions: Subscription[];
	follows: Follow[];
}

export const CHANNELS_PER_GUILD = 2;

/** `newFollowers`: nobody's DM channel is known yet (their first digest), so each DM digest opens one first: two requests. */
export function buildWorld(emulator: DiscordEmulator, input: { guilds: number; followers: number; shardCount: number; newFollowers?: boolean }): FanoutWorld {
	const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
	const subscriptions: Subscription[] = [];
	for (let index = 0; index < input.guilds; index += 1) {
		const guild = emulator.addGuild({
			name: `Reading group ${index}`,
			id: guildIdOnShard(index % input.shardCount, input.shardCount, index),
			channels: Array.from({ length: CHANNELS_PER_GUILD }, (_, channel) => `papers-${channel}`),
		});
		for (const channelId of guild.channelIds) {
			subscriptions.push({
				guildId: guild.id,
				channelId,
				time: '00:00',
				timezone: 'UTC',
				topics: [],
				maxPapers: DigestDefaults.maxPapers,
				createdBy: emulator.ids.adminId,
				createdAt: yesterday,
			});
		}
	}
	const follows: Follow[] = [];
	const dmChannelIds: string[] = [];
	for (let index = 0; index < input.followers; index += 1) {
		const user = emulator.addUser({ username: `reader-${index}`, guildId: null });
		const dm = emulator.world.openDm(user.id);
		dmChannelIds.push(dm.id);
		follows.push({ userId: user.id, time: '00:00', timezone: 'UTC', topics: [], createdAt: yesterday, ...(input.newFollowers ? {} : { dmChannelId: dm.id }) });
	}
	return {
		channelIds: [...subscriptions.map((subscription) => subscription.channelId), ...dmChannelIds],
		subscriptions,
		follows,
	};
}

/**
 * Schedules every digest at `slot` (UTC `HH:MM`) in two batched writes: written once the bots are running, so
 * the fan-out starts at a minute both processes' digest passes reach at the same instant.
 */
export async function scheduleDigests(store: Store, world: FanoutWorld, slot: string): Promise<void> {
	await store.subscriptions.setMany(
		world.subscriptions.map((subscription) => [subscriptionKey(subscription.guildId, subscription.channelId), { ...subscription, time: slot }]),
	);
	await store.follows.setMany(world.follows.map((follow) => [follow.userId, { ...follow, time: slot }]));
}

/** Today's listing (UTC), in the store before the bots start, so each loads it into its index at start-up. */
export function todaysPapers(count: number, now = new Date()): Paper[] {
	const day = now.toISOString().slice(0, 10);
	const stem = `${day.slice(2, 4)}${day.slice(5, 7)}.${day.slice(8, 10)}`;
	return Array.from({ length: count }, (_, i) => ({
		id: `${stem}${String(i).padStart(3, '0')}`,
		arxivId: `${stem}${String(i).padStart(3, '0')}`,
		title: `Benchmark paper ${i} of ${day}: delivering digests across shards`,
		abstract: 'A synthetic abstract for the sharded fan-out benchmark.',
		authors: ['Bench Author'],
		listedOn: day,
		upvotes: count - i,
		source: 'hf-daily' as const,
	}));
}
