import { once } from 'node:events';
import { ButtonStyle, Client, DiscordAPIError, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { collectErrors, createEmulator, validateBody, type DiscordEmulator } from '../src/sandbox/emulator/index.js';

const button = (custom_id: string) => ({ type: 2, style: 1, label: 'Open', custom_id });
const row = (...components: object[]) => ({ type: 1, components });

describe('validateBody', () => {
	it('accepts what discord.js sends for an ordinary reply', () => {
		expect(
			collectErrors('interactionCallback', {
				type: 4,
				data: { content: 'hi', tts: false, flags: 64, allowed_mentions: { parse: [] }, components: [row(button('paper:open:1'))] },
			}),
		).toEqual([]);
	});

	it("throws Discord's 50035 shape with the errors tree built from the issue paths", () => {
		let caught: unknown;
		try {
			validateBody('messageCreate', { embeds: [{ title: 'x'.repeat(257) }], components: [row(button('y'.repeat(101)))] });
		} catch (error) {
			caught = error;
		}
		expect(caught).toMatchObject({
			status: 400,
			body: {
				code: 50035,
				message: 'Invalid Form Body',
				errors: {
					embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } },
					components: { 0: { components: { 0: { custom_id: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' }] } } } } },
				},
			},
		});
	});

	it('rejects more than 6,000 characters across embeds even when each field fits', () => {
		const embeds = [0, 1].map(() => ({ title: 't', description: 'd'.repeat(3500) }));
		expect(collectErrors('webhookEdit', { embeds })).toEqual([
			{ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' },
		]);
	});

	it('rejects a 26th autocomplete choice at data.choices', () => {
		const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `v${i}` }));
		const errors = collectErrors('interactionCallback', { type: 8, data: { choices } }, { autocompleteOptionType: 3 });
		expect(errors.map((e) => [e.path.join('.'), e.code])).toEqual([['data.choices', 'BASE_TYPE_MAX_LENGTH']]);
	});

	it('rejects six action rows, duplicate custom_ids and bot content over 2,000 characters', () => {
		const rows = Array.from({ length: 6 }, (_, i) => row(button(`b${i}`)));
		expect(collectErrors('messageCreate', { components: rows }).map((e) => e.path.join('.'))).toEqual(['components']);
		expect(collectErrors('webhookExecute', { components: [row(button('same'), button('same'))] })[0]).toMatchObject({
			path: ['components', 0, 'components', 1, 'custom_id'],
			code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
		});
		expect(collectErrors('messageCreate', { content: 'x'.repeat(2001) })[0]).toMatchObject({ path: ['content'], code: 'BASE_TYPE_MAX_LENGTH' });
	});

	it('reports wrong types, bad urls and unknown callback types in Discord terms', () => {
		expect(collectErrors('messageCreate', { content: 5, embeds: [{ url: 'not a url' }] }).map((e) => e.code)).toEqual([
			'STRING_TYPE_CONVERT',
			'URL_TYPE_INVALID_URL',
		]);
		expect(collectErrors('interactionCallback', { type: 42 })[0]).toMatchObject({ path: ['type'], code: 'BASE_TYPE_CHOICES' });
	});

	it('accepts bulk command overwrites with permissions as decimal strings, as discord.js sends them', () => {
		const command = {
			name: 'digest',
			description: 'Digests',
			default_member_permissions: '32',
			options: [{ type: 1, name: 'subscribe', description: 'Subscribe' }],
		};
		expect(collectErrors('commandsBulk', [command])).toEqual([]);
		expect(collectErrors('commandsBulk', [{ ...command, name: '' }])[0]).toMatchObject({ path: [0, 'name'], code: 'BASE_TYPE_MIN_LENGTH' });
	});
});

describe('DiscordEmulator validation end to end', () => {
	const running: { emu: DiscordEmulator; client: Client }[] = [];
	afterEach(async () => {
		for (const { emu, client } of running.splice(0)) {
			await client.destroy();
			await emu.stop();
		}
	});

	async function replyWith(respond: (interaction: Interaction) => Promise<unknown>, inject: (emu: DiscordEmulator) => void) {
		const emu = createEmulator();
		const { apiUrl, token } = await emu.start();
		const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
		running.push({ emu, client });
		const outcome = new Promise<unknown>((resolve) =>
			client.on(Events.InteractionCreate, (interaction) => void respond(interaction).then(() => resolve(undefined), resolve)),
		);
		const ready = once(client, Events.ClientReady);
		await client.login(token);
		await ready;
		inject(emu);
		return { emu, error: await outcome };
	}

	it('makes discord.js throw DiscordAPIError 50035 for 26 autocomplete choices', async () => {
		const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `v${i}` }));
		const { emu, error } = await replyWith(
			async (interaction) => interaction.isAutocomplete() && interaction.respond(choices),
			(emu) => emu.injectAutocomplete({ name: 'paper', options: { query: 'd' } }),
		);
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).code).toBe(50035);
		expect(emu.rejectedRequests()[0]?.error?.errors).toMatchObject({ data: { choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
	});

	it('rejects an embed over 6,000 characters and a 101-character custom_id, and the interaction stays unanswered', async () => {
		const { emu, error } = await replyWith(
			async (interaction) => {
				if (!interaction.isChatInputCommand()) return;
				const big = Array.from({ length: 2 }, () => ({ title: 'x', description: 'y'.repeat(3500) }));
				await interaction.reply({ embeds: big }).catch(async (first: unknown) => {
					expect((first as DiscordAPIError).code).toBe(50035);
					await interaction.reply({
						content: 'x',
						components: [{ type: 1, components: [{ type: 2, style: ButtonStyle.Primary, label: 'Go', custom_id: 'z'.repeat(101) }] }],
					});
				});
			},
			(emu) => emu.injectCommand({ name: 'paper' }),
		);
		expect((error as DiscordAPIError).code).toBe(50035);
		expect(emu.rejectedRequests()).toHaveLength(2);
		expect(emu.messages()).toHaveLength(0);
	});
});
