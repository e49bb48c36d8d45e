import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import type { ApiMessage } from '../src/sandbox/emulator/index.js';
import { readSnapshotHeader } from '../src/search/snapshot.js';
import { openStore } from '../src/store/store.js';
import { startHarness, type Harness } from './support/bot-harness.js';
import { waitFor } from './support/digest-harness.js';

/**
 * The production bot restarting from its index snapshot (INDEX_SNAPSHOT, beside the SQLite file by default):
 * what it answers through the emulator after a restart must be what a fresh build answers.
 */

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => {
	await h?.stop();
});

const messages = () => h.logLines.map((line) => JSON.parse(line) as { message: string; reason?: string; level: string });
const count = (message: string) => messages().filter((line) => line.message === message).length;
const search = async (query: string) => embedText(await h.emu.injectCommand({ name: 'paper', subcommand: 'search', options: { query } }).reply());
const embedText = (message: ApiMessage) => JSON.stringify(message.embeds);

const STORED = {
	id: '2603.09999',
	arxivId: '2603.09999',
	title: 'Quokka attention for snapshot restarts',
	abstract: 'Stored by another process while this one was down.',
	authors: ['Ada Lovelace'],
	listedOn: '2026-03-14',
	source: 'arxiv' as const,
};

describe('startBot', () => {
	it('saves the index after a first start, beside the database', async () => {
		await waitFor(() => count('index snapshot saved') === 1);
		expect(h.config.indexSnapshot).toMatch(/bot\.sqlite\.index$/);
		expect(readSnapshotHeader(h.config.indexSnapshot as string).fingerprint).toMatchObject({ seeds: [{ days: ['2026-03-14'] }] });
	});

	it('restarts from the snapshot and finds a paper another process stored while it was down', async () => {
		const before = await search('difusion');
		await h.bot.stop();
		const other = await openStore(h.config.databaseUrl, silentLogger);
		await other.upsertPapers([STORED]);
		await other.close();
		await h.restart();
		expect(count('corpus loaded from the index snapshot')).toBe(1);
		expect(h.bot.corpus.index.size).toBe(64);
		expect(await search('difusion')).toBe(before);
		expect(await search('quokka attention')).toContain('Quokka attention for snapshot restarts');
	});

	it('rebuilds a damaged snapshot, answers the same, and saves a sound one', async () => {
		const before = await search('quokka attention');
		await h.bot.stop();
		const path = h.config.indexSnapshot as string;
		const bytes = readFileSync(path);
		const postings = readSnapshotHeader(path).sections.postings as { offset: number };
		bytes[postings.offset] = (bytes[postings.offset] as number) ^ 0xff;
		writeFileSync(path, bytes);
		const saves = count('index snapshot saved');
		await h.restart();
		expect(messages()).toContainEqual(expect.objectContaining({ level: 'warn', message: 'the index snapshot is damaged; rebuilding it' }));
		expect(await search('quokka attention')).toBe(before);
		await waitFor(() => count('index snapshot saved') === saves + 1);
		await h.restart();
		expect(count('corpus loaded from the index snapshot')).toBe(2);
		expect(await search('quokka attention')).toBe(before);
	});
});
