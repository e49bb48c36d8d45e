import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createEmulator, GatewayClose, shardOfGuild, type DiscordEmulator, type GatewayEvent } from '../src/sandbox/emulator/index.js';
import { guildIdOnShard } from './support/shard-ids.js';

/** The emulator's shards: GET /gateway/bot's recommendation, IDENTIFY's `shard` checked, events routed per shard. */

const running: { emu: DiscordEmulator; sockets: WebSocket[]; clients: Client[] }[] = [];
afterEach(async () => {
	for (const { emu, sockets, clients } of running.splice(0)) {
		for (const socket of sockets) socket.terminate();
		for (const client of clients) await client.destroy();
		await emu.stop();
	}
});

async function startEmulator(options: Parameters<typeof createEmulator>[0] = {}) {
	const emu = createEmulator(options);
	const started = await emu.start();
	const entry = { emu, sockets: [] as WebSocket[], clients: [] as Client[] };
	running.push(entry);
	return { emu, ...started, entry };
}

interface RawSession {
	dispatches: { t: string; d: Record<string, unknown> }[];
	closed: Promise<number>;
}

/** A bare socket that identifies with `shard` (or none) and records every dispatch. */
async function identify(entry: { sockets: WebSocket[] }, gatewayUrl: string, token: string, shard?: unknown): Promise<RawSession> {
	const socket = new WebSocket(`${gatewayUrl}/?v=10&encoding=json`);
	entry.sockets.push(socket);
	const dispatches: RawSession['dispatches'] = [];
	socket.on('message', (raw) => {
		const payload = JSON.parse(raw.toString()) as { op: number; t: string; d: Record<string, unknown> };
		if (payload.op === 0) dispatches.push({ t: payload.t, d: payload.d });
	});
	const closed = once(socket, 'close').then(([code]) => code as number);
	await once(socket, 'open');
	socket.send(JSON.stringify({ op: 2, d: { token, intents: 1, properties: {}, ...(shard === undefined ? {} : { shard }) } }));
	return { dispatches, closed };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('DiscordEmulator shards', () => {
	it('recommends its shard count and identify concurrency in GET /gateway/bot', async () => {
		const { apiUrl, token } = await startEmulator({ shards: 3, maxConcurrency: 16 });
		const body = (await (await fetch(`${apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${token}` } })).json()) as {
			shards: number;
			session_start_limit: { max_concurrency: number };
		};
		expect(body.shards).toBe(3);
		expect(body.session_start_limit.max_concurrency).toBe(16);
	});

	it('closes an IDENTIFY with an impossible shard with 4010 and one with too few shards with 4011', async () => {
		const { emu, gatewayUrl, token, entry } = await startEmulator({ shards: 3, requiredShards: 3 });
		const rejected: GatewayEvent[] = [];
		emu.on('gateway', (event) => event.type === 'identifyRejected' && rejected.push(event));
		expect(await (await identify(entry, gatewayUrl, token, [3, 3])).closed).toBe(GatewayClose.InvalidShard);
		expect(await (await identify(entry, gatewayUrl, token, [0, 0])).closed).toBe(GatewayClose.InvalidShard);
		expect(await (await identify(entry, gatewayUrl, token, 'zero')).closed).toBe(GatewayClose.InvalidShard);
		expect(await (await identify(entry, gatewayUrl, token, [0, 1])).closed).toBe(GatewayClose.ShardingRequired);
		expect(await (await identify(entry, gatewayUrl, token)).closed).toBe(GatewayClose.ShardingRequired);
		expect(rejected.map((event) => (event.type === 'identifyRejected' ? event.code : 0))).toEqual([4010, 4010, 4010, 4011, 4011]);
		expect(emu.gateway.hasSession).toBe(false);
		// More shards than required is fine, as on Discord.
		await identify(entry, gatewayUrl, token, [0, 4]);
		await settle();
		expect(emu.gateway.sessions().map((session) => session.shard)).toEqual([[0, 4]]);
	});

	it('sends READY and GUILD_CREATE on each shard only for the guilds on it', async () => {
		const { emu, gatewayUrl, token, entry } = await startEmulator({ shards: 3 });
		const guilds = [0, 1, 2].map((shard) => emu.addGuild({ name: `Shard ${shard}`, id: guildIdOnShard(shard, 3) }));
		const sessions = await Promise.all([0, 1, 2].map((shard) => identify(entry, gatewayUrl, token, [shard, 3])));
		await settle();
		for (const [shard, session] of sessions.entries()) {
			const ready = session.dispatches.find((event) => event.t === 'READY')?.d;
			const expected = [...emu.world.guilds.keys()].filter((id) => shardOfGuild(id, 3) === shard).sort();
			expect(ready?.shard).toEqual([shard, 3]);
			expect(((ready?.guilds ?? []) as { id: string }[]).map((guild) => guild.id).sort()).toEqual(expected);
			const created = session.dispatches.filter((event) => event.t === 'GUILD_CREATE').map((event) => event.d.id as string);
			expect(created.sort()).toEqual(expected);
			expect(created).toContain(guilds[shard]?.id);
		}
		// Later events go to the guild's shard too.
		const late = emu.addGuild({ name: 'Late', id: guildIdOnShard(1, 3, 1) });
		await settle();
		expect(sessions.map((session) => session.dispatches.filter((event) => event.t === 'GUILD_CREATE' && event.d.id === late.id).length)).toEqual([0, 1, 0]);
	});

	it('dispatches an interaction to the session of its guild, DMs to shard 0, and refuses one no session carries', async () => {
		const { emu, gatewayUrl, token, entry } = await startEmulator({ shards: 3 });
		const onShard2 = emu.addGuild({ name: 'Two', id: guildIdOnShard(2, 3), members: [emu.ids.userId] });
		const sessions = await Promise.all([0, 2].map((shard) => identify(entry, gatewayUrl, token, [shard, 3])));
		await settle();
		emu.injectCommand({ name: 'paper', guildId: onShard2.id });
		emu.injectCommand({ name: 'paper', dm: true });
		await settle();
		const interactions = sessions.map((session) =>
			session.dispatches.filter((event) => event.t === 'INTERACTION_CREATE').map((event) => event.d.guild_id ?? 'dm'),
		);
		expect(interactions).toEqual([['dm'], [onShard2.id]]);
		const onShard1 = emu.addGuild({ name: 'One', id: guildIdOnShard(1, 3), members: [emu.ids.userId] });
		expect(() => emu.injectCommand({ name: 'paper', guildId: onShard1.id })).toThrow(/no bot session carries guild/);
	});

	it('lets a sharded discord.js client log in, one session per shard, each guild cached on its own shard', async () => {
		const { emu, apiUrl, token, entry } = await startEmulator({ shards: 3, requiredShards: 3, maxConcurrency: 16 });
		const guilds = [0, 1, 2].map((shard) => emu.addGuild({ name: `Shard ${shard}`, id: guildIdOnShard(shard, 3), members: [emu.ids.userId] }));
		const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl }, shards: [0, 1, 2], shardCount: 3 });
		entry.clients.push(client);
		const seen: Interaction[] = [];
		client.on(Events.InteractionCreate, (interaction) => {
			seen.push(interaction);
			if (interaction.isChatInputCommand()) void interaction.reply({ content: `shard ${interaction.guild?.shardId}` });
		});
		const ready = once(client, Events.ClientReady);
		await client.login(token);
		await ready;
		expect(emu.gateway.sessions().map((session) => session.shard)).toEqual([
			[0, 3],
			[1, 3],
			[2, 3],
		]);
		for (const guild of guilds) expect(client.guilds.cache.get(guild.id)?.shardId).toBe(emu.shardOf(guild.id, 3));
		const reply = await emu.injectCommand({ name: 'paper', guildId: guilds[2]?.id }).reply();
		expect(reply.content).toBe('shard 2');
		expect(seen).toHaveLength(1);
	});
});
