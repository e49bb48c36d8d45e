import { parentPort, threadId } from 'node:worker_threads';
import type { Paper } from '../papers/paper.js';
import { buildSegment, SEGMENT_ARRAYS } from './segment.js';
import { isShelfFile, readRange, type ShelfLocation } from './abstract-shelf.js';
import type { BuiltParts, WorkerRequest } from './background-build.js';
import { lowerThreadPriority } from './lower-priority.js';

/**
 * The worker half of buildSegmentOffThread (background-build.ts): collects the papers sent in slices,
 * builds the segment and hands its arrays back without copying them (transferred).
 */
lowerThreadPriority();
let papers: Paper[] = [];
let shelves: ShelfLocation[] = [];
parentPort?.on('message', (request: WorkerRequest) => {
	if (request.type === 'shelves') {
		// Checked once, before any is read: a failed build falls back to one on the main thread, never to wrong text.
		if (!request.shelves.every(isShelfFile)) throw new Error('a snapshot file the papers point into is closed');
		shelves = request.shelves;
		return;
	}
	if (request.type === 'papers') {
		for (const { abstractAt, ...paper } of request.papers) {
			if (abstractAt) paper.abstract = readRange((shelves[abstractAt[0]] as ShelfLocation).fd, abstractAt[1], abstractAt[2]);
			papers.push(paper);
		}
		return;
	}
	const parts = buildSegment(papers).parts();
	// The worker lives on for the next build: it starts from nothing.
	papers = [];
	shelves = [];
	const built: BuiltParts = { ...parts, terms: parts.terms.join('\n'), grams: parts.grams.join('\n'), threadId };
	const arrays = SEGMENT_ARRAYS.map((name) => parts[name]);
	parentPort?.postMessage(
		built,
		arrays.map((array) => array.buffer as ArrayBuffer),
	);
});
