import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiMessage } from '../src/sandbox/emulator/index.js';
import { digestPaperIds, startDigestHarness, type DigestHarness } from './support/digest-harness.js';
import { HF_FIXTURES, hasSharedFixtures, json, readHfDays, startFixtureServer, withFixtures, type FixtureServer } from './support/fixture-server.js';

/**
 * Issue 5's promise, end to end: the real bot ingests real recorded Hugging Face days from a loopback
 * fixture server; the papers are searchable through Discord (the emulator) and reach the next digest, once.
 */

const DAY_ONE = '2025-10-15';
const DAY_TWO = '2026-08-21';
/** The most upvoted paper of DAY_ONE (67), and one found by a phrase from its title. */
const DAY_ONE_TOP = '2510.12586';
const OMNIMODAL = '2510.11693';
/** Only the runs a test asks for: the hourly cron must not fire mid-test when the wall clock passes :05. */
const NEVER_CRON = '0 0 1 1 *';

interface HfEntry {
	paper: { id: string; upvotes: number };
}

let server: FixtureServer;
let harness: DigestHarness | undefined;

beforeAll(async () => {
	server = await startFixtureServer();
});
afterAll(async () => {
	await server?.close();
});
afterEach(async () => {
	await harness?.stop();
	harness = undefined;
});

function readDay(day: string): HfEntry[] {
	return JSON.parse(readFileSync(join(HF_FIXTURES, `${day}.json`), 'utf8')) as HfEntry[];
}

/** The server answers `day` with its recording (upvotes overridden as asked) and every other date with `[]`. */
function serveDay(day: string, upvotes: Record<string, number> = {}): Set<string> {
	const entries = readDay(day);
	for (const entry of entries) entry.paper.upvotes = upvotes[entry.paper.id] ?? entry.paper.upvotes;
	server.setHandler(({ url }) => json(url.searchParams.get('date') === day && url.searchParams.get('p') === '0' ? entries : []));
	return new Set(entries.map((entry) => entry.paper.id));
}

async function startIngestingBot(start: string): Promise<DigestHarness> {
	harness = await startDigestHarness(start, { env: { HF_ENABLED: 'true', HF_BASE_URL: server.baseUrl, INGEST_CRON: NEVER_CRON } });
	// The bot ingests once at start-up; wait for that run so the test's own runs are not joined to it.
	await harness.bot.ingest.runNow();
	return harness;
}

function channelDigests(h: DigestHarness): ApiMessage[] {
	return h.emu.messages(h.emu.ids.channelId).filter((message) => !message.webhook_id);
}

async function subscribe(h: DigestHarness): Promise<void> {
	const reply = await h.command({ name: 'digest', subcommand: 'subscribe', userId: h.emu.ids.adminId });
	expect(reply.flags & 64).toBe(64);
	// The new 09:00 UTC digest gets its own ingest ten minutes before.
	// Refreshed once per burst of schedule changes, within a few seconds.
	await vi.waitFor(() => expect(h.bot.ingest.expressions).toContain('50 8 * * *'), { timeout: 5_000 });
}

async function statsText(h: DigestHarness): Promise<string> {
	return JSON.stringify((await h.command({ name: 'paper', subcommand: 'stats' })).embeds);
}

describe('ingest → search → digest', () => {
	it.skipIf(!hasSharedFixtures)(withFixtures('makes an ingested real day searchable and posts it in the next digest once, then only the new day'), async () => {
		server.setHandler(() => json([]));
		const h = await startIngestingBot(`${DAY_ONE}T07:00:00Z`);
		await subscribe(h);

		h.setTime(`${DAY_ONE}T08:00:00Z`);
		const dayOne = serveDay(DAY_ONE);
		expect(await h.bot.ingest.runNow({ date: DAY_ONE })).toMatchObject({ added: 26, updated: 0, failed: 0 });
		expect(server.requests.at(-1)?.searchParams.get('date')).toBe(DAY_ONE);

		const found = await h.command({ name: 'paper', subcommand: 'search', options: { query: 'language-centric omnimodal representation' } });
		expect(JSON.stringify(found.components)).toContain(`paper:open:${OMNIMODAL}`);
		expect(JSON.stringify(found.embeds)).toContain('Omnimodal');

		await h.at(`${DAY_ONE}T08:59:00Z`);
		expect(channelDigests(h)).toHaveLength(0);
		await h.at(`${DAY_ONE}T09:00:00Z`);
		await h.at(`${DAY_ONE}T09:01:00Z`);
		await h.at(`${DAY_ONE}T15:00:00Z`);
		expect(channelDigests(h)).toHaveLength(1);
		const first = digestPaperIds(channelDigests(h)[0]);
		expect(first).toHaveLength(10);
		expect(first[0]).toBe(DAY_ONE_TOP);
		expect(first.every((id) => dayOne.has(id))).toBe(true);

		// Later the same day: the list is fetched again and upvotes moved, for a paper already sent and one not.
		const sentLast = first.at(-1) ?? '';
		const unsent = [...dayOne].find((id) => !first.includes(id)) ?? '';
		h.setTime(`${DAY_ONE}T20:00:00Z`);
		serveDay(DAY_ONE, { [sentLast]: 999, [unsent]: 500 });
		expect(await h.bot.ingest.runNow({ date: DAY_ONE })).toMatchObject({ added: 0, updated: 2, failed: 0 });
		expect(await h.bot.store.listPapers()).toHaveLength(26);
		expect(h.bot.context.index.get(sentLast)?.upvotes).toBe(999);

		await h.at('2025-10-16T09:00:00Z');
		// Nothing new since the first digest: the rest of day one was in front of it and cut to max_papers, and a
		// refreshed upvote count does not make a paper new.
		expect(channelDigests(h)).toHaveLength(1);
		expect(unsent).not.toBe('');

		h.setTime(`${DAY_TWO}T08:00:00Z`);
		const dayTwo = serveDay(DAY_TWO);
		expect(await h.bot.ingest.runNow({ date: DAY_TWO })).toMatchObject({ added: 17, failed: 0 });
		await h.at(`${DAY_TWO}T09:00:00Z`);
		expect(channelDigests(h)).toHaveLength(2);
		const third = digestPaperIds(channelDigests(h)[1]);
		expect(third).toHaveLength(10);
		expect(third.every((id) => dayTwo.has(id))).toBe(true);
		expect(h.emu.rejectedRequests()).toEqual([]);
	});

	it.skipIf(!hasSharedFixtures)(
		withFixtures('keeps what is stored when the source fails (503, a Python-repr day), still posts the digest, and shows the error in /paper stats'),
		async () => {
			const dayOne = serveDay(DAY_ONE);
			// Started on DAY_ONE: the start-up ingest fetches that day by itself.
			const h = await startIngestingBot(`${DAY_ONE}T07:00:00Z`);
			expect(await h.bot.store.listPapers()).toHaveLength(26);
			await subscribe(h);
			const upvotesBefore = h.bot.context.index.get(DAY_ONE_TOP)?.upvotes;

			h.setTime(`${DAY_ONE}T07:30:00Z`);
			// Retry-After: 0 keeps the retries instant; every attempt still fails.
			server.setHandler(() => ({ status: 503, headers: { 'retry-after': '0', 'content-type': 'text/plain' }, body: 'Service Unavailable' }));
			expect(await h.bot.ingest.runNow({ date: DAY_ONE })).toMatchObject({ added: 0, updated: 0, failed: 1 });
			expect(await statsText(h)).toMatch(/on, failing.*HTTP 503/);

			h.setTime(`${DAY_ONE}T08:00:00Z`);
			const malformed = readHfDays().get('2024-12-12') ?? '';
			server.setHandler(({ url }) => (url.searchParams.get('p') === '0' ? { file: malformed } : json([])));
			expect(await h.bot.ingest.runNow({ date: DAY_ONE })).toMatchObject({ added: 0, updated: 0, failed: 1 });
			const stats = await statsText(h);
			expect(stats).toContain('on, failing');
			expect(stats).toMatch(/entries are malformed/);
			expect(stats).toContain('Papers added: 26');
			expect(h.logLines.some((line) => line.includes('source ingest failed, keeping what is stored') && line.includes(server.baseUrl))).toBe(true);

			expect(await h.bot.store.listPapers()).toHaveLength(26);
			expect(h.bot.context.index.size).toBe(63 + 26);
			expect(h.bot.context.index.get(DAY_ONE_TOP)?.upvotes).toBe(upvotesBefore);

			await h.at(`${DAY_ONE}T09:00:00Z`);
			expect(channelDigests(h)).toHaveLength(1);
			const ids = digestPaperIds(channelDigests(h)[0]);
			expect(ids).toHaveLength(10);
			expect(ids.every((id) => dayOne.has(id))).toBe(true);
		},
	);
});
