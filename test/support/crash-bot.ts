/**
 * The production bot (startBot, as src/main.ts runs it) in a process of its own, for the crash suite: its
 * clock starts at CRASH_START and runs at real speed, and CRASH_POINT (`<point>:<n>`) makes the process
 * SIGKILL itself at the n-th occurrence of that point of a fan-out — a real process death, nothing drained.
 *
 * Points: before-pending / after-pending (the promise written before a send), in-flight (a send issued, its
 * answer not awaited), after-accepted (Discord answered, nothing recorded yet), after-record (the delivery
 * recorded, the subscription not yet updated).
 */
import type { DigestSender } from '../../src/digests/deliver.js';
import { loadConfig } from '../../src/config.js';
import { startBot } from '../../src/discord/bot.js';
import { createLogger } from '../../src/log.js';
import type { DeliveryRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { CRASH_POINTS, type CrashPoint } from './crash-points.js';

const [pointName, countText] = (process.env.CRASH_POINT ?? '').split(':');
const point = CRASH_POINTS.find((name) => name === pointName);
const at = Number(countText ?? 0);
const seen: Record<string, number> = {};

function reached(name: CrashPoint): boolean {
	if (name !== point) return false;
	seen[name] = (seen[name] ?? 0) + 1;
	return seen[name] === at;
}

function die(): never {
	process.kill(process.pid, 'SIGKILL');
	throw new Error('unreachable: SIGKILL');
}

function instrumentStore(store: Store): void {
	const deliveries = store.deliveries;
	const update = deliveries.update.bind(deliveries);
	deliveries.update = async (key, change) => {
		let kind: 'pending' | 'record' | undefined;
		const result = await update(key, (current) => {
			const next = change(current);
			if (typeof next === 'object' && next !== null) kind = classifyWrite(current, next);
			if (kind === 'pending' && reached('before-pending')) die();
			return next;
		});
		if (kind === 'pending' && reached('after-pending')) die();
		if (kind === 'record' && reached('after-record')) die();
		return result;
	};
}

function classifyWrite(current: DeliveryRecord | undefined, next: DeliveryRecord): 'pending' | 'record' | undefined {
	if (next.pending && !next.pending.failedAt && next.pending !== current?.pending) return 'pending';
	if (next.lastOutcome && next.lastOutcome !== current?.lastOutcome) return 'record';
	return undefined;
}

function instrumentSender(sender: DigestSender): DigestSender {
	return {
		openDm: (userId) => sender.openDm(userId),
		findDelivery: (query) => sender.findDelivery(query),
		async sendToChannel(channelId, payload, nonce) {
			const sending = sender.sendToChannel(channelId, payload, nonce);
			// The request is on its way (or about to be): die before its answer can be recorded.
			if (reached('in-flight')) setTimeout(die, 2);
			const answer = await sending;
			if (reached('after-accepted')) die();
			return answer;
		},
	};
}

const started = Date.now();
const start = Date.parse(process.env.CRASH_START ?? '');
if (Number.isNaN(start)) throw new Error('CRASH_START must be an ISO instant');
const config = loadConfig();
const token = config.discordToken;
if (!token) throw new Error('DISCORD_TOKEN is required');
const logger = createLogger({ level: 'info', secrets: [token] });
const leaseTtlMs = Number(process.env.CRASH_LEASE_TTL_MS ?? 3000);
const bot = await startBot({
	config,
	apiUrl: config.discordApiUrl,
	token,
	logger,
	clock: () => new Date(start + (Date.now() - started)),
	digestConcurrency: Number(process.env.CRASH_CONCURRENCY ?? 4),
	onStoreOpened: point ? instrumentStore : undefined,
	wrapDigestSender: point ? instrumentSender : undefined,
	lease: { ttlMs: leaseTtlMs, renewEveryMs: Math.floor(leaseTtlMs / 3), pollEveryMs: 200 },
});
process.once('SIGTERM', () => {
	bot.stop().then(
		() => process.exit(0),
		() => process.exit(1),
	);
});
