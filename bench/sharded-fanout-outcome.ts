import type { ApiMessage, DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { CHANNELS_PER_GUILD, type FanoutWorld } from './sharded-fanout-world.js';

/** What the sharded fan-out's emulator received: digests per channel, requests, 429s, and when the last digest came. */

/** No new digest for this long (two digest passes and more) and the fan-out is taken as over, whatever is missing. */
const STALL_MS = 150_000;
const PROGRESS_EVERY_MS = 30_000;

export interface DigestTracker {
	/** Resolves once every channel has its digest, no new one came for STALL_MS, or at `deadline`. */
	settled(deadline: number): Promise<void>;
	lastAt(): number | undefined;
}

/** Follows the digests as the emulator stores them: how many channels have theirs, and when the last one came. */
export function trackDigests(emu: DiscordEmulator, world: FanoutWorld, log: (line: string) => void): DigestTracker {
	const expected = new Set(world.channelIds);
	const reached = new Set<string>();
	let lastAt: number | undefined;
	const onMessage = (message: ApiMessage) => {
		if (message.webhook_id || !expected.has(message.channel_id)) return;
		reached.add(message.channel_id);
		lastAt = Date.now();
	};
	emu.on('message', onMessage);
	return {
		lastAt: () => lastAt,
		async settled(deadline) {
			let nextProgress = Date.now() + PROGRESS_EVERY_MS;
			while (reached.size < expected.size && Date.now() < deadline && (lastAt === undefined || Date.now() - lastAt < STALL_MS)) {
				await sleepUntil(Date.now() + 250);
				if (Date.now() >= nextProgress) {
					nextProgress += PROGRESS_EVERY_MS;
					const limited = emu.requests({ status: 429 }).length;
					log(`${reached.size} / ${expected.size} digests delivered, ${limited} × 429`);
				}
			}
			emu.off('message', onMessage);
		},
	};
}

/** From what the emulator received: time from the slot to the last digest against the floor its requests impose. */
export function countOutcome(emu: DiscordEmulator, world: FanoutWorld, slotAt: number, lastAt: number, limitPerSecond: number) {
	const perChannel = new Map<string, number>(world.channelIds.map((id) => [id, 0]));
	let unexpected = 0;
	for (const message of emu.messages()) {
		if (message.webhook_id) continue;
		const count = perChannel.get(message.channel_id);
		if (count === undefined) unexpected += 1;
		else perChannel.set(message.channel_id, count + 1);
	}
	const counts = [...perChannel.values()];
	const during = emu.requests().filter((request) => request.time >= slotAt);
	const accepted = during.filter((request) => request.status !== 429);
	const ms = lastAt - slotAt;
	const floorMs = Math.round((accepted.length / limitPerSecond) * 1000);
	const digests = counts.reduce((sum, count) => sum + Math.min(count, 1), 0);
	return {
		expectedDigests: world.channelIds.length,
		channelDigests: world.subscriptions.length,
		dmDigests: world.follows.length,
		requests: accepted.length,
		requestsByRoute: countBy(accepted, (request) => `${request.method} ${request.route}`),
		messages: counts.reduce((sum, count) => sum + count, 0),
		seconds: Math.round(ms / 100) / 10,
		firstRequestAfterMs: during[0] ? during[0].time - slotAt : undefined,
		floorS: Math.round(floorMs / 100) / 10,
		ratio: Math.round((ms / Math.max(1, floorMs)) * 100) / 100,
		answered429: emu.requests({ status: 429 }).length,
		// When they came, from the slot: a cluster names the second Discord saw too much in.
		limitedAtMs: emu
			.requests({ status: 429 })
			.slice(0, 20)
			.map((request) => request.time - slotAt),
		duplicates: counts.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
		lost: counts.filter((count) => count === 0).length,
		delivered: digests,
		unexpectedMessages: unexpected,
		rejected: emu.rejectedRequests().length,
		rejectedBy: countBy(emu.rejectedRequests(), (request) => `${request.status} ${request.error?.code ?? ''} ${request.error?.message ?? ''}`.trim()),
		channelsPerGuild: CHANNELS_PER_GUILD,
	};
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
	return counts;
}

function sleepUntil(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));
}

export interface Stall {
	/** When the harness's event loop came back, as a time on the Date.now() clock. */
	at: number;
	ms: number;
}

/**
 * The harness's own event-loop stalls (the emulator runs in it): while it is stalled, requests queue in its sockets
 * and are counted together when it comes back, so a 429 at the same moment is the emulator's, not the proxy's.
 */
export function watchStalls(thresholdMs: number, everyMs = 20): { stop(): Stall[] } {
	const stalls: Stall[] = [];
	let expected = Date.now() + everyMs;
	const timer = setInterval(() => {
		const now = Date.now();
		const late = now - expected;
		if (late >= thresholdMs) stalls.push({ at: now, ms: late });
		expected = now + everyMs;
	}, everyMs);
	return {
		stop() {
			clearInterval(timer);
			return stalls;
		},
	};
}
