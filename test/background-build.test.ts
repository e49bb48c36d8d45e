import { describe, expect, it } from 'vitest';
import { threadId } from 'node:worker_threads';
import { buildPartsOffThread, buildSegmentOffThread } from '../src/search/background-build.js';
import { buildSegment } from '../src/search/segment.js';
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

describe('buildPartsOffThread', () => {
	it('builds on another thread than the event loop', async () => {
		const built = await buildPartsOffThread(loadSeedPapers());
		expect(built.threadId).not.toBe(threadId);
		expect(built.terms.split('\n')).toEqual(buildSegment(loadSeedPapers()).terms);
	});
});
