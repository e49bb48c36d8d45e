import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createEmulator, type DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { realCorpusPath } from './corpus.js';

/**
 * Everything bench/event-loop.ts needs outside the bot, on a thread of its own so none of it runs on the bot's
 * event loop: the Discord emulator (its world of channels and followers), a live Hugging Face source serving
 * new papers page by page, and the `/digest subscribe` traffic, timed here from dispatch to callback.
 */

export type WorldRequest =
	| { type: 'setup'; channels: number; followers: number; paced: boolean; days: string[]; papersPerDay: number; pageDelayMs: number }
	| { type: 'open-source' }
	| { type: 'subscribe'; perSecond: number; seconds: number; topics: string[] }
	| { type: 'count' }
	| { type: 'stop' };

export type WorldReply =
	| {
			type: 'ready';
			apiUrl: string;
			token: string;
			guildId: string;
			adminId: string;
			/** The subscribed channels, CHANNELS_PER_GUILD to a guild. */
			channels: Array<{ guildId: string; channelId: string }>;
			followers: Array<{ userId: string; dmChannelId: string }>;
			hfBaseUrl: string;
	  }
	| {
			type: 'subscribed';
			sent: number;
			answered: number;
			failed: number;
			latenciesMs: number[];
			/** Per answered interaction: its id and when it was dispatched, as epoch milliseconds (comparable across threads). */
			dispatched: Array<{ id: string; at: number }>;
	  }
	| { type: 'counted'; digests: number; rejected: number; hfPages: number }
	| { type: 'stopped' };

const port = parentPort;
if (!port) throw new Error('bench/event-loop-world.ts runs as a worker thread of bench/event-loop.ts');

let emulator: DiscordEmulator | undefined;
let source: Server | undefined;
let sourceOpen = false;
let hfPages = 0;
let channelIds: string[] = [];
let followerDms: string[] = [];
let adminId = '';
const HF_PAGE = 100;
const CHANNELS_PER_GUILD = 25;

port.on('message', (request: WorldRequest) => {
	handle(request).then(
		(reply) => port.postMessage(reply),
		(error: unknown) => {
			throw error;
		},
	);
});

async function handle(request: WorldRequest): Promise<WorldReply> {
	switch (request.type) {
		case 'setup':
			return setUp(request);
		case 'open-source':
			sourceOpen = true;
			return counted();
		case 'subscribe':
			return subscribe(request.perSecond, request.seconds, request.topics);
		case 'count':
			return counted();
		case 'stop':
			await emulator?.stop();
			await new Promise((resolve) => source?.close(resolve) ?? resolve(undefined));
			return { type: 'stopped' };
	}
}

async function setUp(request: Extract<WorldRequest, { type: 'setup' }>): Promise<WorldReply> {
	emulator = createEmulator({ rateLimit: request.paced });
	const { apiUrl, token } = await emulator.start();
	const emu = emulator;
	adminId = emu.ids.adminId;
	// Servers of CHANNELS_PER_GUILD subscribed channels each, owned by the admin who subscribes: well inside a
	// server's 50 digests, as real servers are (one server holding every channel would be no server at all).
	const channels: Array<{ guildId: string; channelId: string }> = [];
	for (let guildIndex = 0; channels.length < request.channels; guildIndex += 1) {
		const count = Math.min(CHANNELS_PER_GUILD, request.channels - channels.length);
		const names = Array.from({ length: count }, (_, index) => `papers-${index}`);
		const guild = emu.addGuild({ name: `Reading group ${guildIndex}`, ownerId: adminId, channels: names });
		for (const channelId of guild.channelIds) channels.push({ guildId: guild.id, channelId });
	}
	channelIds = channels.map((channel) => channel.channelId);
	// Followers share no server with the bot: a DM digest needs none.
	const followers = Array.from({ length: request.followers }, (_, index) => {
		const userId = emu.addUser({ username: `reader-${index}`, guildId: null }).id;
		return { userId, dmChannelId: emu.world.openDm(userId).id };
	});
	followerDms = followers.map((follower) => follower.dmChannelId);
	const hfBaseUrl = await startSource(request.days, request.papersPerDay, request.pageDelayMs);
	return { type: 'ready', apiUrl, token, guildId: emu.ids.guildId, adminId, channels, followers, hfBaseUrl };
}

/**
 * GET /api/daily_papers?date&limit&p, as Hugging Face answers it: real entries from ../shared, given new arXiv ids
 * and titles so each is a new paper. Empty until the bench opens the source; each page waits `pageDelayMs`, as a
 * remote API does, so an ingest spreads over the run instead of landing at once.
 */
async function startSource(days: readonly string[], papersPerDay: number, pageDelayMs: number): Promise<string> {
	const templates = gunzipSync(readFileSync(realCorpusPath))
		.toString('utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.slice(0, papersPerDay * days.length)
		.map((line) => JSON.parse(line) as Record<string, unknown> & { paper: Record<string, unknown> });
	const byDay = new Map(
		days.map((day, dayIndex) => [day, Array.from({ length: papersPerDay }, (_, index) => liveEntry(templates, dayIndex * papersPerDay + index, day))]),
	);
	source = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const entries = sourceOpen ? (byDay.get(url.searchParams.get('date') ?? '') ?? []) : [];
		const page = Number(url.searchParams.get('p') ?? 0);
		const limit = Number(url.searchParams.get('limit') ?? HF_PAGE);
		hfPages += 1;
		setTimeout(() => {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify(entries.slice(page * limit, (page + 1) * limit)));
		}, pageDelayMs);
	});
	const server = source;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function liveEntry(templates: ReadonlyArray<Record<string, unknown> & { paper: Record<string, unknown> }>, index: number, day: string): unknown {
	const template = templates[index % templates.length] as (typeof templates)[number];
	const title = `${String(template.paper.title)} (live ${index})`;
	const at = `${day}T06:00:00.000Z`;
	return {
		...template,
		title,
		publishedAt: at,
		paper: { ...template.paper, id: `2609.${String(10_000 + index).padStart(5, '0')}`, title, publishedAt: at, submittedOnDailyAt: at },
	};
}

/** `/digest subscribe` as the admin in the subscribed channels, round-robin, `perSecond` of them for `seconds`. */
async function subscribe(perSecond: number, seconds: number, topics: readonly string[]): Promise<WorldReply> {
	const emu = emulator;
	if (!emu) throw new Error('subscribe before setup');
	const dispatchedAt = new Map<string, number>();
	const latenciesMs: number[] = [];
	const dispatched: Array<{ id: string; at: number }> = [];
	const onInteraction = (payload: { id?: unknown }) => dispatchedAt.set(String(payload.id), performance.now());
	const onCallback = ({ interactionId }: { interactionId: string }) => {
		const start = dispatchedAt.get(interactionId);
		if (start === undefined) return;
		latenciesMs.push(performance.now() - start);
		dispatched.push({ id: interactionId, at: performance.timeOrigin + start });
	};
	emu.on('interaction', onInteraction);
	emu.on('callback', onCallback);
	const total = Math.round(perSecond * seconds);
	let sent = 0;
	let failed = 0;
	const answers: Promise<unknown>[] = [];
	const started = performance.now();
	await new Promise<void>((resolve) => {
		const timer = setInterval(() => {
			// As many as the elapsed time calls for: a late timer catches up instead of lowering the rate.
			const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond));
			for (; sent < due; sent += 1) {
				const channelId = channelIds[sent % channelIds.length] as string;
				const handle = emu.injectCommand({
					name: 'digest',
					subcommand: 'subscribe',
					userId: adminId,
					channelId,
					options: { time: '09:00', topics: topics[sent % topics.length] as string },
				});
				answers.push(handle.response().catch(() => (failed += 1)));
			}
			if (sent >= total) {
				clearInterval(timer);
				resolve();
			}
		}, 5);
	});
	await Promise.all(answers);
	emu.off('interaction', onInteraction);
	emu.off('callback', onCallback);
	return { type: 'subscribed', sent, answered: latenciesMs.length, failed, latenciesMs, dispatched };
}

function counted(): WorldReply {
	const emu = emulator;
	const targets = [...channelIds, ...followerDms];
	const digests = emu ? targets.reduce((sum, channelId) => sum + emu.messages(channelId).filter((message) => !message.webhook_id).length, 0) : 0;
	return { type: 'counted', digests, rejected: emu?.rejectedRequests().length ?? 0, hfPages };
}
