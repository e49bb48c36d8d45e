import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/discord/commands.js';
import { createSandboxClock } from '../src/sandbox/clock.js';
import { CONSOLE_HELP, createConsole, findButton } from '../src/sandbox/console.js';
import type { ApiMessage } from '../src/sandbox/emulator/index.js';
import { startHarness, type Harness } from './support/bot-harness.js';

function message(id: string, buttons: { label: string; custom_id?: string; url?: string; disabled?: boolean }[]): ApiMessage {
	return {
		id,
		channel_id: '1',
		content: '',
		embeds: [],
		flags: 0,
		timestamp: '',
		edited_timestamp: null,
		components: [{ type: 1, components: buttons.map((button) => ({ type: 2, style: button.url ? 5 : 1, ...button })) }],
	};
}

describe('findButton', () => {
	const results = message('new', [
		{ label: '1. Diffusion Models', custom_id: 'paper:open:2401.00001' },
		{ label: '12. Other Paper', custom_id: 'paper:open:2401.00012' },
		{ label: 'Next', custom_id: 'paper:page:1:x' },
	]);
	const card = message('old', [
		{ label: 'Share', custom_id: 'paper:share:2401.00001' },
		{ label: 'Next steps', custom_id: 'other:next' },
	]);
	const recent = [results, card];

	it('matches an exact custom_id first', () => {
		expect(findButton(recent, 'paper:share:2401.00001')?.button.label).toBe('Share');
	});

	it('matches a label exactly, ignoring case, preferring the newest message', () => {
		expect(findButton(recent, 'next')).toMatchObject({ message: { id: 'new' }, button: { label: 'Next' } });
		expect(findButton(recent, 'SHARE')?.message.id).toBe('old');
	});

	it('reads a number as the numbered hit, not any label starting with that digit', () => {
		expect(findButton(recent, '1')?.button.custom_id).toBe('paper:open:2401.00001');
		expect(findButton(recent, '12')?.button.custom_id).toBe('paper:open:2401.00012');
	});

	it('falls back to a label prefix, then a substring', () => {
		expect(findButton(recent, 'next st')?.button.custom_id).toBe('other:next');
		expect(findButton(recent, 'diffusion')?.button.custom_id).toBe('paper:open:2401.00001');
	});

	it('finds nothing for an unknown target or no messages', () => {
		expect(findButton(recent, 'Similar')).toBeUndefined();
		expect(findButton([], 'Next')).toBeUndefined();
	});
});

describe('createConsole', () => {
	let h: Harness;
	const printed: string[] = [];
	let runLine: (line: string) => Promise<'ok' | 'failed' | 'quit'>;

	beforeAll(async () => {
		h = await startHarness();
		runLine = createConsole({
			emulator: h.emu,
			commands: commands.map((command) => command.data),
			clock: createSandboxClock(Date.parse('2026-03-14T09:00:00Z')),
			print: (text) => printed.push(text),
		}).runLine;
	});

	afterAll(async () => {
		await h?.stop();
	});

	const run = async (line: string) => {
		printed.length = 0;
		const outcome = await runLine(line);
		return { outcome, output: printed.join('\n') };
	};

	it('runs a slash command and prints the answer as Discord would show it', async () => {
		const { outcome, output } = await run('/paper search query:difusion');
		expect(outcome).toBe('ok');
		expect(output).toMatch(/^── Paperboy {2}\(only you can see this\)/);
		expect(output).toContain('Results for “difusion”');
	});

	it('clicks a button of the last answer by number, then by label', async () => {
		expect((await run('click 1')).output).toContain('[Share] [Similar] [Save]');
		const shared = await run('click Share');
		expect(shared.outcome).toBe('ok');
		expect(shared.output).toMatch(/^── Paperboy\nShared by/);
	});

	it('says which buttons exist when the target is not there, and fails the line', async () => {
		const { outcome, output } = await run('click Teleport');
		expect(outcome).toBe('failed');
		expect(output).toContain('! No button "Teleport" on the recent messages. Buttons: Share, Similar, Save, ');
	});

	it('does not press link buttons, it says where they go', async () => {
		expect((await run('click Search arXiv')).output).toMatch(/^\(link button: opens https:\/\/arxiv\.org\/search/);
	});

	it('lists autocomplete suggestions', async () => {
		const { outcome, output } = await run('autocomplete /paper show paper:vq4');
		expect(outcome).toBe('ok');
		expect(output).toContain(' 1. VQ4DiT: Efficient Post-Training Vector Quantization for Diffusion Transformers   → t-b6da3eceecac');
	});

	it('does take a channel option as #name, as a Discord user picks it', async () => {
		await run('as admin');
		const { outcome, output } = await run('/digest resume channel:#papers');
		await run('as member');
		expect(outcome).toBe('ok');
		expect(output).toContain('#papers has no digest subscription.');
	});

	it('does fail a line whose channel option names no channel of the server, which Discord would never send', async () => {
		const { outcome, output } = await run('/digest unsubscribe channel:123456789012345678');
		expect(outcome).toBe('failed');
		expect(output).toBe('! option channel: 123456789012345678 is not a channel of this server (Discord only offers existing channels)');
	});

	it('moves the clock, switches user, prints help, and quits', async () => {
		expect(await run('time 2026-03-15T09:00')).toEqual({ outcome: 'ok', output: 'Sandbox clock: 2026-03-15 09:00 UTC' });
		expect(await run('time whenever')).toMatchObject({ outcome: 'failed' });
		expect(await run('as admin')).toEqual({ outcome: 'ok', output: 'Now acting as the server admin (Manage Server).' });
		expect(await run('as nobody')).toEqual({ outcome: 'failed', output: '! as takes admin or member' });
		expect(await run('help')).toEqual({ outcome: 'ok', output: CONSOLE_HELP });
		expect((await run('quit')).outcome).toBe('quit');
	});

	it('fails a line it cannot parse, saying why', async () => {
		expect(await run('/paper search difusion')).toMatchObject({ outcome: 'failed', output: expect.stringMatching(/^! Options are written name:value/) });
	});

	it('left no request rejected by the emulator', () => {
		expect(h.emu.rejectedRequests()).toEqual([]);
	});
});
