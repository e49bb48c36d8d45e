import { Worker } from 'node:worker_threads';
import type { Paper } from '../papers/paper.js';
import { buildSegment, segmentFromParts, type Segment, type SegmentParts } from './segment.js';

/**
 * Building a segment of the whole corpus takes seconds (4 s at 100,000 papers): on the bot's event loop that
 * would miss every interaction's 3-second acknowledgement at once. The build runs in a worker thread; this
 * side only sends the papers' text a slice at a time (the loop runs between slices) and wraps the arrays
 * that come back, which are moved, not copied.
 */

export type WorkerRequest = { type: 'papers'; papers: Paper[] } | { type: 'build' };
/** SegmentParts with the word lists joined by newlines: one string crosses threads far faster than 500,000. */
export type BuiltParts = Omit<SegmentParts, 'terms' | 'grams'> & { terms: string; grams: string; threadId: number };

export const BackgroundBuildDefaults = Object.freeze({
	/** Papers per message to the worker: each slice costs the event loop a few milliseconds to copy. */
	papersPerSlice: 1000,
});

export type SegmentBuilder = (papers: readonly Paper[]) => Promise<Segment>;

/** Builds in a worker thread; falls back to building here if no worker can be started (the result is the same). */
export const buildSegmentOffThread: SegmentBuilder = async (papers) => {
	let built: BuiltParts;
	try {
		built = await buildPartsOffThread(papers);
	} catch {
		return buildSegment(papers);
	}
	return segmentFromParts(papers, { ...built, terms: splitWords(built.terms), grams: splitWords(built.grams) }, { trusted: true });
};

/** The segment's parts as the worker built them (with the worker's thread id); rejects when the worker fails. */
export async function buildPartsOffThread(papers: readonly Paper[]): Promise<BuiltParts> {
	const worker = startWorker();
	try {
		const answered = new Promise<BuiltParts>((resolve, reject) => {
			worker.once('message', resolve);
			worker.once('error', reject);
			worker.once('exit', (code) => reject(new Error(`the index worker exited (${code})`)));
		});
		for (let from = 0; from < papers.length; from += BackgroundBuildDefaults.papersPerSlice) {
			worker.postMessage({ type: 'papers', papers: papers.slice(from, from + BackgroundBuildDefaults.papersPerSlice).map(textOf) } satisfies WorkerRequest);
			await new Promise((resolve) => setImmediate(resolve));
		}
		worker.postMessage({ type: 'build' } satisfies WorkerRequest);
		return await answered;
	} finally {
		void worker.terminate();
	}
}

/** What the segment reads of a paper: its text, and what orders it by recency. */
function textOf(paper: Paper): Paper {
	const { id, title, abstract, authors, keywords, listedOn, upvotes, source } = paper;
	return { id, title, abstract, authors, listedOn, source, ...(keywords ? { keywords } : {}), ...(upvotes === undefined ? {} : { upvotes }) };
}

function splitWords(joined: string): string[] {
	return joined === '' ? [] : joined.split('\n');
}

function startWorker(): Worker {
	if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./segment-worker.js', import.meta.url));
	// Run from TypeScript sources (npm start, the tests): a worker does not inherit tsx's loader, so it registers it first.
	const tsx = import.meta.resolve('tsx/esm/api');
	const entry = new URL('./segment-worker.ts', import.meta.url).href;
	return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}
