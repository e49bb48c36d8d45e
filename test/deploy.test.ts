import { describe, expect, it } from 'vitest';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import type { DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { useStartedEmulator } from './support/emulator-client.js';
import { runScript } from './support/spawn-script.js';

let emu: DiscordEmulator;
let apiUrl: string;
let token: string;

useStartedEmulator((started) => {
	({ emu, apiUrl, token } = started);
});

describe('deployCommands', () => {
	it('registers the router command list to a guild, exactly as defined', async () => {
		const result = await deployCommands(createRest(apiUrl, token), commands, emu.ids.guildId);
		const names = commands.map((command) => command.data.name);
		expect(result).toEqual({ scope: 'guild', count: names.length, names });
		const registered = emu.commands(emu.ids.guildId);
		expect(registered.map((command) => command.name)).toEqual(names);
		for (const command of commands) {
			expect(registered.find((entry) => entry.name === command.data.name)).toMatchObject({
				description: command.data.description,
				options: command.data.options,
			});
		}
		expect(emu.commands()).toEqual([]);
	});

	it('registers globally without a guild, and a redeploy replaces rather than adds', async () => {
		const rest = createRest(apiUrl, token);
		await deployCommands(rest, commands);
		expect((await deployCommands(rest, commands)).scope).toBe('global');
		expect(emu.commands().map((command) => command.name)).toEqual(commands.map((command) => command.data.name));
		expect(emu.rejectedRequests()).toEqual([]);
	});

	it('fails on a wrong token without putting the token in the error', async () => {
		const wrong = `${'q'.repeat(24)}.abcdef.${'z'.repeat(27)}`;
		const error = await deployCommands(createRest(apiUrl, wrong), commands).then(
			() => new Error('deployed with a wrong token'),
			(caught: unknown) => caught as Error,
		);
		expect(error.message).toMatch(/401|Unauthorized/);
		expect(`${error.message} ${error.stack}`).not.toContain(wrong);
	});
});

describe('npm run deploy-commands', () => {
	it('registers to DEV_GUILD_ID and says so', async () => {
		const guild = emu.addGuild({ name: 'Dev server' });
		const run = await runScript('scripts/deploy-commands.ts', [], { env: { DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, DEV_GUILD_ID: guild.id } }).done;
		expect(run.stdout).toContain(
			`Registered ${commands.length} command(s) to server ${guild.id}: ${commands.map((command) => `/${command.data.name}`).join(', ')}`,
		);
		expect(run.code).toBe(0);
		expect(emu.commands(guild.id).map((command) => command.name)).toEqual(commands.map((command) => command.data.name));
		expect(`${run.stdout}${run.stderr}`).not.toContain(token);
	});
});
