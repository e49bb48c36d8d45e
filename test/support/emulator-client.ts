import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createEmulator, type DiscordEmulator, type EmulatorOptions } from '../../src/sandbox/emulator/index.js';

/**
 * Emulators and bare discord.js clients for the emulator's own tests, each stopped after its test.
 * Call once at the top of a test file; it registers the clean-up.
 */
export function useEmulators() {
	const running: { emu: DiscordEmulator; client?: Client }[] = [];
	afterEach(async () => {
		for (const { emu, client } of running.splice(0)) {
			await client?.destroy();
			await emu.stop();
		}
	});

	/** An emulator that is stopped after the test; not started yet. */
	function trackEmulator(options: EmulatorOptions = {}): DiscordEmulator {
		const emu = createEmulator(options);
		running.push({ emu });
		return emu;
	}

	/** A started emulator with the real discord.js client logged in; `onInteraction` errors are the test's to observe. */
	async function startBot(options: EmulatorOptions = {}, onInteraction?: (interaction: Interaction) => Promise<void>) {
		const emu = createEmulator(options);
		const { apiUrl, token } = await emu.start();
		const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
		running.push({ emu, client });
		if (onInteraction) client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction).catch(() => {}));
		const ready = once(client, Events.ClientReady);
		await client.login(token);
		await ready;
		return { emu, client };
	}

	return { trackEmulator, startBot };
}

export interface StartedEmulator {
	emu: DiscordEmulator;
	apiUrl: string;
	token: string;
}

/** One emulator started for the whole test file (no bot logged in), handed to `use`, stopped after the file. */
export function useStartedEmulator(use: (started: StartedEmulator) => void): void {
	let emu: DiscordEmulator | undefined;
	beforeAll(async () => {
		emu = createEmulator();
		const { apiUrl, token } = await emu.start();
		use({ emu, apiUrl, token });
	});
	afterAll(async () => {
		await emu?.stop();
	});
}
