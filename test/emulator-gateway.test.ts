import { once } from 'node:events';
import { ButtonStyle, ChannelType, type Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GatewayClose, type DiscordEmulator, type GatewayEvent } from '../src/sandbox/emulator/index.js';
import { useEmulators } from './support/emulator-client.js';

const { startBot, trackEmulator } = useEmulators();

function nextGatewayEvent(emu: DiscordEmulator, type: GatewayEvent['type']): Promise<GatewayEvent> {
	return new Promise((resolve) => {
		const listener = (event: GatewayEvent) => {
			if (event.type !== type) return;
			emu.off('gateway', listener);
			resolve(event);
		};
		emu.on('gateway', listener);
	});
}

const echo = async (interaction: Interaction) => {
	if (interaction.isChatInputCommand()) await interaction.reply({ content: `echo ${interaction.options.getString('query') ?? ''}` });
};

describe('DiscordEmulator gateway', () => {
	it('lets the real discord.js client log in and caches the sandbox guild', async () => {
		const { emu, client } = await startBot();
		expect(client.user?.id).toBe(emu.ids.botId);
		expect(client.application?.id).toBe(emu.ids.applicationId);
		const guild = client.guilds.cache.get(emu.ids.guildId);
		expect(guild?.name).toBe('Paperboy Sandbox');
		expect(guild?.available).toBe(true);
		expect(guild?.roles.everyone.id).toBe(emu.ids.guildId);
		expect(guild?.members.me?.id).toBe(emu.ids.botId);
		const papers = client.channels.cache.get(emu.ids.channelId);
		expect(papers?.type).toBe(ChannelType.GuildText);
		expect(papers && 'name' in papers ? papers.name : undefined).toBe('papers');
		expect(guild?.members.me?.permissionsIn(emu.ids.channelId).has('SendMessages')).toBe(true);
	});

	it('answers GET /gateway/bot with the url, one shard and all four session_start_limit fields', async () => {
		const emu = trackEmulator();
		const { apiUrl, gatewayUrl, token } = await emu.start();
		const response = await fetch(`${apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${token}` } });
		const body = (await response.json()) as { url: string; shards: number; session_start_limit: Record<string, number> };
		expect(body.url).toBe(gatewayUrl);
		expect(body.shards).toBe(1);
		expect(Object.keys(body.session_start_limit).sort()).toEqual(['max_concurrency', 'remaining', 'reset_after', 'total']);
		expect((await fetch(`${apiUrl}/v10/gateway/bot`)).status).toBe(401);
	});

	it('closes with 4004 when IDENTIFY carries a wrong token, and ACKs heartbeats', async () => {
		const emu = trackEmulator();
		const { gatewayUrl } = await emu.start();
		const socket = new WebSocket(`${gatewayUrl}/?v=10&encoding=json`);
		const received: { op: number }[] = [];
		socket.on('message', (raw) => received.push(JSON.parse(raw.toString()) as { op: number }));
		await once(socket, 'open');
		socket.send(JSON.stringify({ op: 1, d: null }));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(received.map((p) => p.op)).toEqual([10, 11]);
		socket.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } }));
		const [code] = (await once(socket, 'close')) as [number];
		expect(code).toBe(GatewayClose.AuthenticationFailed);
	});

	it('dispatches a chat-input interaction that discord.js parses as a ChatInputCommandInteraction', async () => {
		let seen: Interaction | undefined;
		const { emu } = await startBot({}, async (interaction) => {
			seen = interaction;
			await echo(interaction);
		});
		const handle = emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query: 'difusion' } });
		expect((await handle.reply()).content).toBe('echo difusion');
		expect(seen?.isChatInputCommand()).toBe(true);
		if (!seen?.isChatInputCommand()) return;
		expect(seen.options.getSubcommand()).toBe('search');
		expect(seen.guildId).toBe(emu.ids.guildId);
		expect(seen.channelId).toBe(emu.ids.channelId);
		expect(seen.user.id).toBe(emu.ids.userId);
		expect(seen.memberPermissions?.has('ManageGuild')).toBe(false);
		expect(seen.appPermissions.has('SendMessages')).toBe(true);
		expect(handle.payload).toMatchObject({
			version: 1,
			entitlements: [],
			context: 0,
			attachment_size_limit: expect.any(Number),
			guild: { id: emu.ids.guildId },
		});
	});

	it('gives the admin user Manage Server and DM interactions a user instead of a member', async () => {
		const seen: Interaction[] = [];
		const { emu } = await startBot({}, async (interaction) => {
			seen.push(interaction);
			await echo(interaction);
		});
		await emu.injectCommand({ name: 'digest', userId: emu.ids.adminId }).reply();
		await emu.injectCommand({ name: 'paper', dm: true }).reply();
		expect(seen[0]?.memberPermissions?.has('ManageGuild')).toBe(true);
		expect(seen[1]?.guildId).toBeNull();
		expect(seen[1]?.user.id).toBe(emu.ids.userId);
		// discord.js only caches DM channels with Partials.Channel, exactly as against Discord.
		expect(seen[1]?.channelId).toBe(emu.world.openDm(emu.ids.userId).id);
	});

	it('sends a button interaction with the message it was clicked on', async () => {
		let clickedMessageId: string | undefined;
		const { emu } = await startBot({}, async (interaction) => {
			if (interaction.isChatInputCommand()) {
				await interaction.reply({
					content: 'pick',
					components: [{ type: 1, components: [{ type: 2, style: ButtonStyle.Primary, custom_id: 'paper:next:1', label: 'Next' }] }],
				});
			} else if (interaction.isButton()) {
				clickedMessageId = interaction.message.id;
				await interaction.update({ content: `clicked ${interaction.customId}`, components: [] });
			}
		});
		const reply = await emu.injectCommand({ name: 'paper' }).reply();
		const updated = await emu.clickButton({ message: reply, label: 'Next' }).reply();
		expect(clickedMessageId).toBe(reply.id);
		expect(updated).toMatchObject({ id: reply.id, content: 'clicked paper:next:1', components: [] });
	});

	it('resumes after an abnormal drop and replays the interaction dispatched while disconnected', async () => {
		const { emu } = await startBot({}, echo);
		const resumed = nextGatewayEvent(emu, 'resume');
		emu.gateway.drop();
		const handle = emu.injectCommand({ name: 'paper', options: { query: 'missed' } });
		expect(await resumed).toMatchObject({ replayed: 1 });
		expect((await handle.reply()).content).toBe('echo missed');
	});

	it('makes discord.js reconnect and resume on op 7, after which interactions still work', async () => {
		const { emu } = await startBot({}, echo);
		const resumed = nextGatewayEvent(emu, 'resume');
		emu.gateway.requestReconnect();
		await resumed;
		expect((await emu.injectCommand({ name: 'paper', options: { query: 'after' } }).reply()).content).toBe('echo after');
	});

	it('makes discord.js identify again after a non-resumable invalid session', async () => {
		const { emu } = await startBot({}, echo);
		const first = emu.gateway.sessionId;
		const identified = nextGatewayEvent(emu, 'identify');
		emu.gateway.invalidateSession(false);
		await identified;
		expect(emu.gateway.sessionId).not.toBe(first);
		expect((await emu.injectCommand({ name: 'paper', options: { query: 'fresh' } }).reply()).content).toBe('echo fresh');
	});

	it('resumes after a 4000 close code', async () => {
		const { emu } = await startBot({}, echo);
		const resumed = nextGatewayEvent(emu, 'resume');
		emu.gateway.close(GatewayClose.UnknownError);
		await resumed;
		expect((await emu.injectCommand({ name: 'paper', options: { query: 'x' } }).reply()).content).toBe('echo x');
	});

	it('refuses to inject before any bot has connected', async () => {
		const emu = trackEmulator();
		await emu.start();
		expect(() => emu.injectCommand({ name: 'paper' })).toThrow(/no bot session/);
	});
});
