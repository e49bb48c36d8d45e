import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_FAILURE } from '../src/discord/dispatcher.js';
import type { ApiMessage } from '../src/sandbox/emulator/index.js';
import { startHarness, type Harness } from './support/bot-harness.js';

/**
 * A storage fault under the running bot, end to end through the emulator: the database file is deleted while
 * the bot runs; the next change is refused with the storage reply (not the generic one), the fault is logged
 * once, and the status commands carry a warning line.
 */

let h: Harness;

beforeAll(async () => {
	// Writes check the file every time here; production re-checks at most every FILE_CHECK_INTERVAL_MS.
	h = await startHarness({ bot: { store: { fileCheckIntervalMs: 0 } } });
});
afterAll(async () => {
	await h.stop();
});

const subscribe = (options: Record<string, string> = {}) =>
	h.emu.injectCommand({ name: 'digest', subcommand: 'subscribe', userId: h.emu.ids.adminId, options }).reply();
const text = (message: ApiMessage) =>
	[message.content, ...message.embeds.map((embed) => String((embed as { description?: string }).description ?? ''))].join('\n');
const logged = () => h.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('createDispatcher', () => {
	it('answers a command that hit a deleted database file with the storage reply, and logs the fault once', async () => {
		expect((await subscribe()).content).toMatch(/^Subscribed/);
		rmSync(h.bot.store.file);

		const refused = await subscribe({ time: '10:00' });
		expect(refused.content).toBe(STORAGE_FAILURE);
		expect(refused.flags & 64).toBe(64);
		const again = await subscribe({ time: '11:00' });
		expect(again.content).toBe(STORAGE_FAILURE);

		expect(logged().filter((entry) => entry.level === 'error' && String(entry.message).includes('was deleted while the bot was running'))).toHaveLength(1);
		const failures = logged().filter((entry) => entry.message === 'interaction failed on storage');
		expect(failures).toHaveLength(2);
		expect(failures[0]).toMatchObject({ level: 'error', kind: 'replaced', interaction: { command: 'digest' } });
		expect(logged().some((entry) => entry.message === 'interaction handler failed')).toBe(false);
		expect(h.bot.store.health()).toMatchObject({ failing: true, lastError: { kind: 'replaced' } });
	});

	it('shows the storage warning in /paper stats and /digest list', async () => {
		const stats = await h.emu.injectCommand({ name: 'paper', subcommand: 'stats' }).reply();
		const list = await h.emu.injectCommand({ name: 'digest', subcommand: 'list', userId: h.emu.ids.adminId }).reply();
		for (const reply of [stats, list]) {
			// The reads may still work from the open file or fail too; either way the user hears about storage.
			const shown = text(reply);
			if (shown === STORAGE_FAILURE) continue;
			expect(shown).toContain('⚠️ Storage is failing since <t:');
			expect(shown).toContain('the database file was deleted or replaced, so changes are not being saved.');
		}
		expect(text(stats)).not.toBe(STORAGE_FAILURE);
	});
});
