import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { shelfOf } from '../src/search/abstract-shelf.js';
import { buildPartsOffThread, buildSegmentOffThread } from '../src/search/background-build.js';
import { buildPaperIndex } from '../src/search/index.js';
import { buildSegment } from '../src/search/segment.js';
import { loadIndexSnapshot, writeIndexSnapshot } from '../src/search/snapshot.js';
import { HAS_REAL_CORPUS, loadRealPapers, loadSeedPapers } from './search-helpers.js';

describe('buildSegmentOffThread', () => {
	it('builds in a worker thread the very segment a build here makes', async () => {
		const papers = HAS_REAL_CORPUS ? loadRealPapers().slice(0, 2000) : loadSeedPapers();
		const here = buildSegment(papers);
		const there = await buildSegmentOffThread(papers);
		expect(there.papers).toBe(papers);
		const { terms, grams, ...arrays } = there.parts();
		const expected = here.parts();
		expect(terms).toEqual(expected.terms);
		expect(grams).toEqual(expected.grams);
		for (const [name, array] of Object.entries(arrays))
			expect([name, Buffer.from(array.buffer).equals(Buffer.from(expected[name as keyof typeof arrays].buffer))]).toEqual([name, true]);
		expect(there.termId('transformer')).toBe(here.termId('transformer'));
	});
});

describe('buildSegmentOffThread (papers loaded from a snapshot)', () => {
	it('reads their abstracts from the snapshot file in the worker, building the same segment', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-shelved-build-'));
		try {
			const path = join(dir, 'index.snapshot');
			await writeIndexSnapshot(path, buildPaperIndex(loadSeedPapers()), { fingerprint: null, takenAt: 0 });
			const papers = loadIndexSnapshot(path).index.all();
			expect(shelfOf(papers[0] as (typeof papers)[number])).toBeDefined();
			const there = await buildSegmentOffThread(papers);
			const here = buildSegment(papers);
			expect(there.parts().terms).toEqual(here.parts().terms);
			expect(Buffer.from(there.parts().postings.buffer).equals(Buffer.from(here.parts().postings.buffer))).toBe(true);
			expect(there.termId('quantization')).toBeGreaterThanOrEqual(0);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('buildPartsOffThread', () => {
	it('builds on another thread than the event loop', async () => {
		const built = await buildPartsOffThread(loadSeedPapers());
		expect(built.threadId).not.toBe(threadId);
		expect(built.terms.split('\n')).toEqual(buildSegment(loadSeedPapers()).terms);
	});

	it('builds one after another on the same long-lived worker, each from nothing', async () => {
		const seed = loadSeedPapers();
		const [first, second] = await Promise.all([buildPartsOffThread(seed.slice(0, 30)), buildPartsOffThread(seed.slice(30))]);
		expect(second?.threadId).toBe(first?.threadId);
		expect(second?.terms.split('\n')).toEqual(buildSegment(seed.slice(30)).terms);
	});
});
