import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { buildPaperIndex, SearchDefaults } from '../src/search/index.js';
import { readSnapshotHeader, shelvesInUse } from '../src/search/snapshot.js';
import { keepIndexSnapshot, type SnapshotKeeper, type SnapshotKeeperOptions } from '../src/search/snapshot-keeper.js';
import { loadSeedPapers, makePaper } from './search-helpers.js';
import { waitFor } from './support/digest-harness.js';

const HOUR = 60 * 60 * 1000;

let dir: string;
let keeper: SnapshotKeeper | undefined;
let logs: Array<{ message: string; level: string }>;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-keeper-'));
	logs = [];
});
afterEach(async () => {
	await keeper?.stop();
	rmSync(dir, { recursive: true, force: true });
});

function keep(overrides: Partial<SnapshotKeeperOptions> = {}) {
	let now = 1_000_000;
	const index = buildPaperIndex(loadSeedPapers());
	const options: SnapshotKeeperOptions = {
		path: join(dir, 'paperboy.index'),
		index,
		logger: createLogger({ write: (line) => logs.push(JSON.parse(line)) }),
		fingerprint: { seeds: [], storeId: 'store-a' },
		report: { files: [], loaded: 63, merged: 0, skipped: 0, problems: [], seedPapers: 63 },
		countStoredPapers: async () => 0,
		checkEveryMs: 10,
		wallNow: () => now,
		...overrides,
	};
	keeper = keepIndexSnapshot(options);
	return { index, options, keeper, advance: (ms: number) => (now += ms) };
}

const saved = () => logs.filter((line) => line.message === 'index snapshot saved').length;

describe('keepIndexSnapshot', () => {
	it('saves a built index at once when asked, with its fingerprint and the time its state was taken', async () => {
		const { keeper, options } = keep();
		await keeper.writeNow();
		expect(readSnapshotHeader(options.path)).toMatchObject({ fingerprint: options.fingerprint, takenAt: 1_000_000, extra: { storedCount: 0 } });
	});

	it('saves again after the base segment is rebuilt, but not for every live upsert', async () => {
		const { keeper, index } = keep();
		await keeper.writeNow();
		index.upsert([makePaper({ id: '2601.00001', title: 'One live paper' })]);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(saved()).toBe(1);
		const many = Array.from({ length: SearchDefaults.minLiveSegmentSize + 1 }, (_, i) =>
			makePaper({ id: `2602.${String(i).padStart(5, '0')}`, title: `Paper ${i}` }),
		);
		index.upsert(many);
		await waitFor(() => saved() === 2);
	});

	it('refreshes an unchanged snapshot well inside the paper feed retention', async () => {
		const { keeper, advance } = keep({ refreshEveryMs: 6 * HOUR });
		await keeper.writeNow();
		advance(5 * HOUR);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(saved()).toBe(1);
		advance(HOUR);
		await waitFor(() => saved() === 2);
	});

	it('moves every paper onto the newest file, so the older one can be closed', async () => {
		const { keeper, index } = keep();
		await keeper.writeNow();
		const [first] = shelvesInUse(index);
		await keeper.writeNow();
		const inUse = shelvesInUse(index);
		expect(inUse.size).toBe(1);
		expect(inUse.has(first as never)).toBe(false);
	});

	it('makes the folder it saves into', async () => {
		const { keeper, options } = keep({ path: join(dir, 'data', 'paperboy.index') });
		await keeper.writeNow();
		expect(existsSync(options.path)).toBe(true);
	});

	it('logs a snapshot it cannot write and keeps serving', async () => {
		writeFileSync(join(dir, 'not-a-folder'), '');
		const { keeper, options, index } = keep({ path: join(dir, 'not-a-folder', 'paperboy.index') });
		await keeper.writeNow();
		expect(existsSync(options.path)).toBe(false);
		expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'could not save the index snapshot; the next start rebuilds the index' }));
		expect(index.search('transformer', 1)).toHaveLength(1);
	});
});
