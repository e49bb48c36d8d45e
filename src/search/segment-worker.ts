import { parentPort, threadId } from 'node:worker_threads';
import type { Paper } from '../papers/paper.js';
import { createSegmentBuilder, SEGMENT_ARRAYS } from './segment.js';
import { isShelfFile, readRange, type ShelfLocation } from './abstract-shelf.js';
import type { WorkerReply, WorkerRequest } from './background-build.js';
import { lowerThreadPriority } from './lower-priority.js';

/**
 * The worker half of buildSegmentOffThread (background-build.ts): adds the papers to the build as their slices
 * arrive, then hands the segment's arrays back without copying them (transferred). Of each paper added only what
 * orders the segment stays (id, date, votes): keeping the text would put a second copy of the corpus's text in the process.
 */
lowerThreadPriority();
let build: ReturnType<typeof createSegmentBuilder> | undefined;
let papers: Paper[] = [];
let shelves: ShelfLocation[] = [];
parentPort?.on('message', (request: WorkerRequest) => {
	if (request.type === 'begin') {
		build = createSegmentBuilder(request.count);
		papers = [];
		return;
	}
	if (!build) throw new Error('papers sent to the index worker before a build began');
	if (request.type === 'shelves') {
		// Checked once, before any is read: a failed build falls back to one on the main thread, never to wrong text.
		if (!request.shelves.every(isShelfFile)) throw new Error('a snapshot file the papers point into is closed');
		shelves = request.shelves;
		return;
	}
	if (request.type === 'papers') {
		for (const { abstractAt, ...paper } of request.papers) {
			if (abstractAt) paper.abstract = readRange((shelves[abstractAt[0]] as ShelfLocation).fd, abstractAt[1], abstractAt[2]);
			build.addPaper(paper);
			const { id, listedOn, upvotes, source } = paper;
			papers.push({ id, listedOn, source, title: '', abstract: '', authors: [], ...(upvotes === undefined ? {} : { upvotes }) });
		}
		parentPort?.postMessage({ type: 'took' } satisfies WorkerReply);
		return;
	}
	const parts = build.finish(papers).parts();
	// The worker lives on for the next build: it starts from nothing.
	build = undefined;
	papers = [];
	shelves = [];
	const built: WorkerReply = { type: 'built', ...parts, terms: parts.terms.join('\n'), grams: parts.grams.join('\n'), threadId };
	const arrays = SEGMENT_ARRAYS.map((name) => parts[name]);
	parentPort?.postMessage(
		built,
		arrays.map((array) => array.buffer as ArrayBuffer),
	);
});
