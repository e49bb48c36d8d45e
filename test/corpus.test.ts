import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';
import { shelfOf } from '../src/search/abstract-shelf.js';
import { loadCorpusOrSnapshot, type Corpus, type SnapshotExtra, type SnapshotSource } from '../src/search/corpus.js';
import { readSnapshotHeader, writeIndexSnapshot } from '../src/search/snapshot.js';
import { makePaper, SEED_PATH } from './search-helpers.js';

const NOW = new Date('2026-03-20T08:00:00Z');
const HOUR = 60 * 60 * 1000;

let dir: string;
let seedsDir: string;
let logs: string[];
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-corpus-'));
	seedsDir = join(dir, 'seeds');
	mkdirSync(seedsDir);
	copyFileSync(SEED_PATH, join(seedsDir, 'seed.txt'));
	logs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stored: Paper[] = [
	makePaper({ id: '2603.00042', arxivId: '2603.00042', title: 'A stored paper about snapshot loading', abstract: 'Stored, not seeded.' }),
];

function source(overrides: Partial<SnapshotSource> = {}): SnapshotSource {
	return {
		path: join(dir, 'paperboy.index'),
		storeId: 'store-a',
		countStoredPapers: async () => stored.length,
		maxAgeMs: 23 * HOUR,
		wallNow: () => NOW.getTime(),
		...overrides,
	};
}

function load(snapshot: SnapshotSource | null = source(), spoolMinAbstractBytes?: number): Promise<Corpus> {
	const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
	return loadCorpusOrSnapshot({
		...(spoolMinAbstractBytes === undefined ? {} : { spoolMinAbstractBytes }),
		seedsDir,
		papersYear: 2026,
		now: NOW,
		logger,
		listStoredPapers: async () => stored.map((paper) => ({ ...paper })),
		snapshot: snapshot ?? undefined,
	});
}

/** A first start: built, then saved as the keeper would. */
async function saveBuilt(at = NOW.getTime()): Promise<Corpus> {
	const corpus = await load();
	const extra: SnapshotExtra = { report: corpus.report, storedCount: stored.length };
	await writeIndexSnapshot(source().path, corpus.index, { fingerprint: corpus.fingerprint, takenAt: at, extra });
	return corpus;
}

const reasons = () => logs.map((line) => JSON.parse(line) as { message: string; reason?: string }).filter((line) => line.reason !== undefined);

describe('loadCorpusOrSnapshot', () => {
	it('builds from the seeds and the store when there is no snapshot yet, and says so', async () => {
		const corpus = await load();
		expect(corpus.snapshot).toBeUndefined();
		expect(corpus.index.size).toBe(64);
		expect(corpus.fingerprint).toMatchObject({ storeId: 'store-a', seeds: [{ name: 'seed.txt', days: ['2026-03-14'] }] });
		expect(reasons()).toEqual([expect.objectContaining({ reason: 'no snapshot yet' })]);
	});

	it('loads a matching snapshot instead of building, with the same papers, report and counts', async () => {
		const built = await saveBuilt(NOW.getTime() - HOUR);
		const loaded = await load();
		expect(loaded.snapshot?.since).toBe(NOW.getTime() - HOUR);
		expect(loaded.index.all().map((paper) => paper.id)).toEqual(built.index.all().map((paper) => paper.id));
		expect(loaded.report).toEqual(built.report);
		expect(loaded.storedCount).toBe(1);
		expect(loaded.index.search('snapshot loading', 1)[0]?.paper.id).toBe('2603.00042');
	});

	it('rebuilds when a seed file changed, was added or was removed', async () => {
		await saveBuilt();
		utimesSync(join(seedsDir, 'seed.txt'), new Date(), new Date('2030-01-01'));
		expect((await load()).snapshot).toBeUndefined();
		await saveBuilt();
		writeFileSync(
			join(seedsDir, 'more.jsonl'),
			`${JSON.stringify({ id: '2603.00077', title: 'An added seed', abstract: 'x', authors: [], listedOn: '2026-03-15' })}\n`,
		);
		const rebuilt = await load();
		expect(rebuilt.snapshot).toBeUndefined();
		expect(rebuilt.index.get('2603.00077')).toBeDefined();
		expect(reasons().at(-1)?.reason).toBe('the seed files changed');
	});

	it('rebuilds when the year-less seed dump now resolves to another day', async () => {
		await saveBuilt();
		const logger = createLogger({ write: (line) => logs.push(line) });
		const later = await loadCorpusOrSnapshot({
			seedsDir,
			papersYear: 2027,
			now: NOW,
			logger,
			listStoredPapers: async () => stored.map((paper) => ({ ...paper })),
			snapshot: source(),
		});
		expect(later.snapshot).toBeUndefined();
		expect(later.index.all()[0]?.listedOn).toBe('2027-03-14');
	});

	it('rebuilds a snapshot of another database, one older than the feed keeps, and one holding more papers than the store', async () => {
		await saveBuilt();
		expect((await load(source({ storeId: 'store-b' }))).snapshot).toBeUndefined();
		expect(reasons().at(-1)?.reason).toBe('it was taken of another database');
		expect((await load(source({ wallNow: () => NOW.getTime() + 24 * HOUR }))).snapshot).toBeUndefined();
		expect(reasons().at(-1)?.reason).toMatch(/longer than the paper feed is kept/);
		expect((await load(source({ countStoredPapers: async () => 0 }))).snapshot).toBeUndefined();
		expect(reasons().at(-1)?.reason).toMatch(/holds 0 papers, fewer than the snapshot's 1/);
	});

	it('warns about a damaged snapshot and builds the corpus anyway', async () => {
		await saveBuilt();
		const path = source().path;
		const bytes = readFileSync(path);
		const offset = (readSnapshotHeader(path).sections.terms as { offset: number }).offset;
		bytes[offset] = (bytes[offset] as number) ^ 0xff;
		writeFileSync(path, bytes);
		const corpus = await load();
		expect(corpus.snapshot).toBeUndefined();
		expect(corpus.index.size).toBe(64);
		const warning = logs.map((line) => JSON.parse(line) as { level: string; message: string; reason: string }).find((line) => line.level === 'warn');
		expect(warning).toMatchObject({ message: 'the index snapshot is damaged; rebuilding it', reason: expect.stringMatching(/checksum/) });
	});

	it('never reads a snapshot when snapshots are off', async () => {
		await saveBuilt();
		const corpus = await load(null);
		expect(corpus.snapshot).toBeUndefined();
		expect(corpus.fingerprint).toBeUndefined();
	});

	it('builds with the abstracts moved to a spool in the snapshot directory, leaving no file there but the snapshot', async () => {
		const inMemory = await load(null);
		const spooled = await load(source(), 0);
		expect(spooled.index.all().map((paper) => paper.abstract)).toEqual(inMemory.index.all().map((paper) => paper.abstract));
		expect(spooled.index.all().every((paper) => shelfOf(paper) !== undefined)).toBe(true);
		expect(inMemory.index.all().some((paper) => shelfOf(paper) !== undefined)).toBe(false);
		expect(spooled.index.search('Stored, not seeded', 1)[0]?.paper.id).toBe('2603.00042');
		expect(readdirSync(dir).sort()).toEqual(['seeds']);
	});

	it('keeps the abstracts of a small corpus in memory, where reading them back would cost more than it saves', async () => {
		const corpus = await load();
		expect(corpus.index.all().some((paper) => shelfOf(paper) !== undefined)).toBe(false);
		expect(readdirSync(dir).sort()).toEqual(['seeds']);
	});

	it('spools the papers it held back once their abstracts reach the threshold, along with every paper after', async () => {
		const corpus = await load(source(), 1);
		expect(corpus.index.all().every((paper) => shelfOf(paper) !== undefined)).toBe(true);
		expect(corpus.index.search('Stored, not seeded', 1)[0]?.paper.id).toBe('2603.00042');
	});

	it('keeps the abstracts in memory, and says why, when the snapshot directory cannot take a spool', async () => {
		writeFileSync(join(dir, 'not-a-dir'), '');
		const corpus = await load(source({ path: join(dir, 'not-a-dir', 'paperboy.index') }), 0);
		expect(corpus.index.size).toBe(64);
		expect(corpus.index.all().some((paper) => shelfOf(paper) !== undefined)).toBe(false);
		expect(logs.map((line) => JSON.parse(line) as { message: string })).toContainEqual(
			expect.objectContaining({ message: 'cannot spool abstracts to disk during the build; keeping them in memory' }),
		);
	});
});
