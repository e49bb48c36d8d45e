import { parentPort, threadId } from 'node:worker_threads';
import type { Paper } from '../papers/paper.js';
import { buildSegment, SEGMENT_ARRAYS } from './segment.js';
import type { BuiltParts, WorkerRequest } from './background-build.js';

/**
 * The worker half of buildSegmentOffThread (background-build.ts): collects the papers sent in slices,
 * builds the segment and hands its arrays back without copying them (transferred).
 */
const papers: Paper[] = [];
parentPort?.on('message', (request: WorkerRequest) => {
	if (request.type === 'papers') {
		for (const paper of request.papers) papers.push(paper);
		return;
	}
	const parts = buildSegment(papers).parts();
	const built: BuiltParts = { ...parts, terms: parts.terms.join('\n'), grams: parts.grams.join('\n'), threadId };
	const arrays = SEGMENT_ARRAYS.map((name) => parts[name]);
	parentPort?.postMessage(
		built,
		arrays.map((array) => array.buffer as ArrayBuffer),
	);
});
