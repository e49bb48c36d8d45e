import { ButtonStyle, type Client, DiscordAPIError, MessageFlags, SlashCommandBuilder, type Interaction, type TextChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { readSnowflakeTime, type DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { useEmulators } from './support/emulator-client.js';

const { startBot } = useEmulators();

/** Runs `work` inside the bot's handler and hands back what it returned or threw. */
function captureHandler<T>(work: (interaction: Interaction) => Promise<T>) {
	let settle!: (outcome: { value?: T; error?: unknown }) => void;
	const outcome = new Promise<{ value?: T; error?: unknown }>((resolve) => (settle = resolve));
	const handler = async (interaction: Interaction) => {
		try {
			settle({ value: await work(interaction) });
		} catch (error) {
			settle({ error });
		}
	};
	return { handler, outcome };
}

async function papersChannel(client: Client, emu: DiscordEmulator): Promise<TextChannel> {
	return (await client.channels.fetch(emu.ids.channelId)) as TextChannel;
}

describe('DiscordEmulator REST', () => {
	it('records a reply with its route template and answers the callback with 204 and no body', async () => {
		const { emu } = await startBot({}, async (interaction) => {
			if (interaction.isRepliable()) await interaction.reply({ content: 'hello', flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
		});
		const handle = emu.injectCommand({ name: 'paper' });
		expect(await handle.response()).toMatchObject({ type: 4, data: { content: 'hello', flags: 64, allowed_mentions: { parse: [] } } });
		const [request] = emu.requests({ route: '/interactions/{interaction_id}/{interaction_token}/callback' });
		expect(request).toMatchObject({ method: 'POST', status: 204, body: { type: 4 } });
		const message = emu.messages(emu.ids.channelId)[0];
		expect(message).toMatchObject({ content: 'hello', flags: 64, type: 20, author: { id: emu.ids.botId }, webhook_id: emu.ids.applicationId });
		expect(message?.id).toMatch(/^\d{17,19}$/);
	});

	it('shows a deferred reply once editReply patches @original', async () => {
		const { emu } = await startBot({}, async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.deferReply({ flags: MessageFlags.Ephemeral });
			await interaction.editReply({ content: 'done', embeds: [{ title: 'A paper', description: 'Abstract' }] });
		});
		const handle = emu.injectCommand({ name: 'paper' });
		expect((await handle.response()).type).toBe(5);
		const reply = await handle.reply();
		expect(reply).toMatchObject({ content: 'done', flags: 64, embeds: [{ type: 'rich', title: 'A paper' }] });
		expect(emu.requests({ method: 'PATCH' })[0]?.path).toMatch(/\/messages\/@original$/);
	});

	it('turns the first follow-up after a deferral into the reply and keeps later ones separate', async () => {
		const { emu } = await startBot({}, async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.deferReply();
			await interaction.followUp({ content: 'first' });
			await interaction.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
		});
		const handle = emu.injectCommand({ name: 'paper' });
		const reply = await handle.reply();
		const second = await handle.nextFollowUp();
		expect(reply.content).toBe('first');
		expect(second).toMatchObject({ content: 'second', flags: 64 });
		expect(emu.messages(emu.ids.channelId).map((m) => m.content)).toEqual(['first', 'second']);
	});

	it('returns the interaction callback resource when with_response is set', async () => {
		const { handler, outcome } = captureHandler(async (interaction) => {
			if (!interaction.isChatInputCommand()) throw new Error('unexpected');
			return interaction.reply({ content: 'with response', withResponse: true });
		});
		const { emu } = await startBot({}, handler);
		emu.injectCommand({ name: 'paper' });
		const { value, error } = await outcome;
		expect(error).toBeUndefined();
		expect(value?.resource?.message?.content).toBe('with response');
		expect(value?.interaction.responseMessageId).toBe(value?.resource?.message?.id);
		expect(emu.requests({ route: '/interactions/{interaction_id}/{interaction_token}/callback' })[0]?.status).toBe(200);
	});

	it('hands autocomplete choices back to the test', async () => {
		const { emu } = await startBot({}, async (interaction) => {
			if (!interaction.isAutocomplete()) return;
			const typed = interaction.options.getFocused();
			await interaction.respond([{ name: `${typed} models`, value: 'p1' }]);
		});
		const handle = emu.injectAutocomplete({ name: 'paper', subcommand: 'search', options: { query: 'dif' } });
		expect(await handle.choices()).toEqual([{ name: 'dif models', value: 'p1' }]);
		await expect(handle.reply()).rejects.toThrow(/callback type 8/);
	});

	it('registers global and guild commands with PUT and lists them with GET, keeping ids stable', async () => {
		const { emu, client } = await startBot();
		const paper = new SlashCommandBuilder()
			.setName('paper')
			.setDescription('Research papers')
			.addSubcommand((sub) =>
				sub
					.setName('search')
					.setDescription('Search')
					.addStringOption((o) => o.setName('query').setDescription('Words').setRequired(true).setAutocomplete(true)),
			);
		const digest = new SlashCommandBuilder().setName('digest').setDescription('Digests').setDefaultMemberPermissions(32n);
		const first = await client.application!.commands.set([paper.toJSON(), digest.toJSON()]);
		const again = await client.application!.commands.set([paper.toJSON(), digest.toJSON()]);
		expect([...again.keys()]).toEqual([...first.keys()]);
		expect(emu.commands().map((c) => c.name)).toEqual(['paper', 'digest']);
		expect(emu.commands()[1]).toMatchObject({ default_member_permissions: '32' });
		await client.application!.commands.set([digest.toJSON()], emu.ids.guildId);
		expect(emu.commands(emu.ids.guildId).map((c) => c.name)).toEqual(['digest']);
		const fetched = await client.application!.commands.fetch();
		expect(fetched.size).toBe(2);
		// Injected interactions resolve the registered command's id and option types.
		const handle = emu.injectAutocomplete({ name: 'paper', subcommand: 'search', options: { query: 'x' } });
		expect((handle.payload.data as { id: string }).id).toBe(first.find((c) => c.name === 'paper')?.id);
	});

	it('dedupes channel messages by nonce when enforce_nonce is set', async () => {
		const { emu, client } = await startBot();
		const channel = await papersChannel(client, emu);
		const one = await channel.send({ content: 'digest', nonce: 'digest-2024-03-14', enforceNonce: true });
		const two = await channel.send({ content: 'digest', nonce: 'digest-2024-03-14', enforceNonce: true });
		const three = await channel.send({ content: 'digest', nonce: 'other', enforceNonce: false });
		expect(two.id).toBe(one.id);
		expect(three.id).not.toBe(one.id);
		expect(emu.messages(emu.ids.channelId)).toHaveLength(2);
		expect(emu.messages(emu.ids.channelId)[0]).toMatchObject({ nonce: 'digest-2024-03-14', type: 0, author: { bot: true } });
	});

	it('answers 50013 without Send Messages or Embed Links, 50001 without View Channel, 10003 for unknown channels', async () => {
		const { emu, client } = await startBot();
		const channel = await papersChannel(client, emu);
		const codeOf = (promise: Promise<unknown>) =>
			promise.then(
				() => 0,
				(error: unknown) => (error instanceof DiscordAPIError ? error.code : -1),
			);

		emu.setBotPermissions(emu.ids.channelId, { deny: ['EmbedLinks'] });
		expect(await codeOf(channel.send({ embeds: [{ title: 'x' }] }))).toBe(50013);
		expect(await codeOf(channel.send({ content: 'plain text still works' }))).toBe(0);
		emu.setBotPermissions(emu.ids.channelId, { deny: ['SendMessages'] });
		expect(await codeOf(channel.send({ content: 'x' }))).toBe(50013);
		emu.setBotPermissions(emu.ids.channelId, { deny: ['ViewChannel'] });
		expect(await codeOf(channel.send({ content: 'x' }))).toBe(50001);
		expect(await codeOf(client.rest.post('/channels/123456789012345678/messages', { body: { content: 'x' } }))).toBe(10003);
		expect(emu.rejectedRequests().map((r) => r.status)).toEqual([403, 403, 403, 404]);
	});

	it('opens DMs and answers 50007 when the user closed them', async () => {
		const { emu, client } = await startBot();
		const user = await client.users.fetch(emu.ids.userId);
		expect((await user.send('hello')).content).toBe('hello');
		emu.closeDms(emu.ids.userId);
		await expect(user.send('again')).rejects.toMatchObject({ code: 50007, status: 403 });
	});

	it('answers 10062 to a reply after the ack window and the test handle rejects', async () => {
		const { handler, outcome } = captureHandler(async (interaction) => {
			await new Promise((resolve) => setTimeout(resolve, 150));
			if (interaction.isRepliable()) await interaction.reply({ content: 'too late' });
		});
		const { emu } = await startBot({ ackWindowMs: 50 }, handler);
		const handle = emu.injectCommand({ name: 'paper' });
		await expect(handle.response()).rejects.toThrow(/not acknowledged within 50 ms/);
		const { error } = await outcome;
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).code).toBe(10062);
	});

	it('answers 40060 to a second acknowledgement', async () => {
		const { handler, outcome } = captureHandler(async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.reply({ content: 'once' });
			// Bypass discord.js's own "already replied" guard to reach the API.
			await interaction.client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
				body: { type: 4, data: { content: 'twice' } },
				auth: false,
			});
		});
		const { emu } = await startBot({}, handler);
		emu.injectCommand({ name: 'paper' });
		const { error } = await outcome;
		expect((error as DiscordAPIError).code).toBe(40060);
		expect(emu.messages()).toHaveLength(1);
	});

	it('expires interaction tokens after 15 minutes on the emulator clock', async () => {
		let now = Date.UTC(2025, 2, 14, 9, 0, 0);
		const { handler, outcome } = captureHandler(async (interaction) => {
			if (!interaction.isChatInputCommand()) return;
			await interaction.deferReply();
			now += 15 * 60_000 + 1;
			await interaction.editReply({ content: 'late' });
		});
		const { emu } = await startBot({ clock: () => now }, handler);
		emu.injectCommand({ name: 'paper' });
		const { error } = await outcome;
		expect((error as DiscordAPIError).code).toBe(10062);
		expect(readSnowflakeTime(emu.ids.guildId)).toBe(Date.UTC(2025, 2, 14, 9, 0, 0));
	});

	it('answers 204 without a content type and 404 with Discord JSON for unknown routes', async () => {
		const { emu, client } = await startBot();
		const message = await (await papersChannel(client, emu)).send('to delete');
		const response = await fetch(`${emu.apiUrl}/v10/channels/${emu.ids.channelId}/messages/${message.id}`, {
			method: 'DELETE',
			headers: { Authorization: `Bot ${emu.token}` },
		});
		expect(response.status).toBe(204);
		expect(response.headers.get('content-type')).toBeNull();
		expect(await response.text()).toBe('');
		const missing = await fetch(`${emu.apiUrl}/v10/nowhere`, { headers: { Authorization: `Bot ${emu.token}` } });
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({ message: '404: Not Found', code: 0 });
	});

	it('serves @me, the application and channels the way discord.js fetches them', async () => {
		const { emu, client } = await startBot();
		const application = await client.application!.fetch();
		expect(application.name).toBe('Paperboy');
		const channel = await client.channels.fetch(emu.ids.channelId, { force: true });
		expect(channel?.id).toBe(emu.ids.channelId);
		const me = (await client.rest.get('/users/@me')) as { id: string; bot: boolean };
		expect(me).toMatchObject({ id: emu.ids.botId, bot: true });
	});

	it('edits follow-ups and the component message on deferUpdate + editReply', async () => {
		const { emu } = await startBot({}, async (interaction) => {
			if (interaction.isChatInputCommand()) {
				await interaction.reply({
					content: 'page 1',
					components: [{ type: 1, components: [{ type: 2, style: ButtonStyle.Secondary, custom_id: 'page:2', label: 'Next' }] }],
				});
			} else if (interaction.isButton()) {
				await interaction.deferUpdate();
				await interaction.editReply({ content: 'page 2' });
			}
		});
		const first = await emu.injectCommand({ name: 'paper' }).reply();
		const click = emu.clickButton({ message: first.id, customId: 'page:2' });
		expect((await click.response()).type).toBe(6);
		expect(await click.reply()).toMatchObject({ id: first.id, content: 'page 2' });
		expect(emu.findMessage(first.id)?.content).toBe('page 2');
	});
});

describe('DiscordEmulator channel history', () => {
	const post = (channel: TextChannel, text: string) => channel.send({ content: text, allowedMentions: { parse: [] } });

	it('lists messages newest first, and with `after` the ones right after it, as discord.js reads them', async () => {
		const { emu, client } = await startBot();
		const channel = await papersChannel(client, emu);
		const sent = [];
		for (const text of ['one', 'two', 'three', 'four']) sent.push(await post(channel, text));
		const latest = await channel.messages.fetch({ limit: 2, cache: false });
		expect([...latest.values()].map((message) => message.content)).toEqual(['four', 'three']);
		const after = await channel.messages.fetch({ after: sent[0]!.id, limit: 2, cache: false });
		expect([...after.values()].map((message) => message.content).sort()).toEqual(['three', 'two']);
	});

	it('answers an empty list, not an error, when the bot lacks Read Message History (as Discord does)', async () => {
		const { emu, client } = await startBot();
		const channel = await papersChannel(client, emu);
		await post(channel, 'hidden history');
		emu.setBotPermissions(channel.id, { deny: ['ReadMessageHistory'] });
		expect((await channel.messages.fetch({ limit: 10, cache: false })).size).toBe(0);
	});

	it('rejects a limit outside 1–100 with 50035', async () => {
		const { emu, client } = await startBot();
		const error = await client.rest
			.get(`/channels/${emu.ids.channelId}/messages`, { query: new URLSearchParams({ limit: '101' }) })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect(error).toMatchObject({ status: 400, code: 50035 });
	});
});
