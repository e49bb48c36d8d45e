import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashCommand } from '../src/discord/command.js';
import { GENERIC_FAILURE, STALE_BUTTON, UNKNOWN_COMMAND } from '../src/discord/dispatcher.js';
import { UserError } from '../src/errors.js';
import type { ApiMessage } from '../src/sandbox/emulator/index.js';
import { startHarness, type Harness } from './support/bot-harness.js';

/**
 * Every failure path of the dispatcher, through the real client: handlers that throw before, after
 * and while deferring a reply, in autocomplete and buttons; unknown commands and prefixes; slow
 * handlers that outlive the interaction; and draining in-flight work on shutdown.
 */

const EPHEMERAL = 1 << 6;
let releaseSlow: () => void = () => {};
let slowStarted: () => void = () => {};

function command(name: string, handlers: Partial<SlashCommand>): SlashCommand {
	return {
		data: { name, description: `test command ${name}`, type: 1, options: [{ type: 3, name: 'text', description: 'text', autocomplete: true }] },
		execute: async () => {},
		...handlers,
	};
}

const testCommands: SlashCommand[] = [
	command('user-error', {
		execute: async () => {
			throw new UserError('That paper is not here.');
		},
	}),
	command('crash', {
		execute: async () => {
			throw new TypeError('handler bug');
		},
		autocomplete: async () => {
			throw new Error('autocomplete bug');
		},
	}),
	command('crash-after-reply', {
		execute: async (interaction) => {
			await interaction.reply({ content: 'first answer', allowedMentions: { parse: [] } });
			throw new Error('bug after replying');
		},
	}),
	command('crash-after-defer', {
		execute: async (interaction) => {
			await interaction.deferReply({ flags: EPHEMERAL });
			throw new Error('bug after deferring');
		},
	}),
	command('buttons', {
		execute: async (interaction) => {
			await interaction.reply({
				content: 'pick',
				allowedMentions: { parse: [] },
				components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Boom', custom_id: 'btn:boom' }] }],
			});
		},
		buttonPrefixes: ['btn'],
		button: async () => {
			throw new Error('button bug');
		},
	}),
	command('slow', {
		execute: async (interaction) => {
			slowStarted();
			await new Promise<void>((resolve) => (releaseSlow = resolve));
			await interaction.reply({ content: 'slow but sure', allowedMentions: { parse: [] } });
		},
	}),
];

let h: Harness;

beforeAll(async () => {
	h = await startHarness({ commands: testCommands });
});

afterAll(async () => {
	await h?.stop();
});

const inject = (name: string) => h.emu.injectCommand({ name });

describe('createDispatcher', () => {
	it('shows a UserError to the user ephemerally, word for word, without logging an error', async () => {
		const reply = await inject('user-error').reply();
		expect(reply).toMatchObject({ content: 'That paper is not here.', flags: EPHEMERAL });
		expect(h.logLines.some((line) => line.includes('That paper is not here.'))).toBe(false);
	});

	it('answers an unexpected error with the generic line and logs it with the interaction context', async () => {
		const handle = inject('crash');
		expect(await handle.reply()).toMatchObject({ content: GENERIC_FAILURE, flags: EPHEMERAL });
		const logged = h.logLines
			.map((line) => JSON.parse(line) as Record<string, unknown>)
			.find((entry) => entry.message === 'interaction handler failed' && JSON.stringify(entry).includes(handle.id));
		expect(logged).toMatchObject({
			level: 'error',
			error: { name: 'TypeError', message: 'handler bug' },
			interaction: { command: 'crash', guildId: h.emu.ids.guildId },
		});
	});

	it('sends the generic line as a follow-up when the handler had already replied', async () => {
		const handle = inject('crash-after-reply');
		expect((await handle.reply()).content).toBe('first answer');
		expect(await handle.nextFollowUp()).toMatchObject({ content: GENERIC_FAILURE, flags: EPHEMERAL });
	});

	it('replaces a deferred "thinking…" with the generic line', async () => {
		expect(await inject('crash-after-defer').reply()).toMatchObject({ content: GENERIC_FAILURE, flags: EPHEMERAL });
	});

	it('answers a failing autocomplete with no choices', async () => {
		expect(await h.emu.injectAutocomplete({ name: 'crash', options: { text: 'x' } }).choices()).toEqual([]);
	});

	it('answers an autocomplete for a command it does not know with no choices', async () => {
		expect(await h.emu.injectAutocomplete({ name: 'ghost', options: { text: 'x' } }).choices()).toEqual([]);
	});

	it('answers a failing button with the generic line', async () => {
		const message = await inject('buttons').reply();
		expect(await h.emu.clickButton({ message, customId: 'btn:boom' }).reply()).toMatchObject({ content: GENERIC_FAILURE, flags: EPHEMERAL });
	});

	it('answers a button whose prefix no command owns as stale', async () => {
		const message = (await inject('buttons').reply()) as ApiMessage;
		const handle = h.emu.injectInteraction({ type: 3, data: { custom_id: 'gone:1', component_type: 2 }, message });
		expect(await handle.reply()).toMatchObject({ content: STALE_BUTTON, flags: EPHEMERAL });
	});

	it('answers a command it does not know', async () => {
		expect(await inject('ghost').reply()).toMatchObject({ content: UNKNOWN_COMMAND, flags: EPHEMERAL });
	});

	it('made no request the emulator rejected', () => {
		expect(h.emu.rejectedRequests()).toEqual([]);
	});

	it('finishes an in-flight reply before the bot stops', async () => {
		const started = new Promise<void>((resolve) => (slowStarted = resolve));
		const handle = inject('slow');
		await started;
		const stopped = h.bot.stop();
		let stopDone = false;
		void stopped.then(() => (stopDone = true));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(stopDone).toBe(false);
		releaseSlow();
		expect((await handle.reply()).content).toBe('slow but sure');
		await stopped;
		expect(h.logLines.some((line) => line.includes('"bot stopped"'))).toBe(true);
	});
});

describe('createDispatcher with an interaction that expires', () => {
	let late: Harness;
	let release: () => void = () => {};

	beforeAll(async () => {
		const lateCommand = command('late', {
			execute: async () => {
				await new Promise<void>((resolve) => (release = resolve));
				throw new Error('too late anyway');
			},
		});
		late = await startHarness({ commands: [lateCommand], emulator: { ackWindowMs: 50 } });
	});

	afterAll(async () => {
		await late?.stop();
	});

	it('logs that it could not tell the user, and keeps running', async () => {
		const handle = late.emu.injectCommand({ name: 'late' });
		await expect(handle.response()).rejects.toThrow(/10062/);
		release();
		await expect.poll(() => late.logLines.some((line) => line.includes('could not report a failure to the user'))).toBe(true);
		expect(late.bot.client.isReady()).toBe(true);
	});
});
