import { Worker } from 'node:worker_threads';
import type { Paper } from '../papers/paper.js';
import { shelvedRange, type AbstractShelf, type ShelfLocation } from './abstract-shelf.js';
import { buildSegment, segmentFromParts, type Segment, type SegmentParts } from './segment.js';
import { yieldToInteractions } from '../interactive-priority.js';

/**
 * Building a segment of the whole corpus takes seconds (4 s at 100,000 papers): on the bot's event loop that
 * would miss every interaction's 3-second acknowledgement at once. The build runs in a worker thread; this
 * side only sends the papers' text a slice at a time (the loop runs between slices) and wraps the arrays
 * that come back, which are moved, not copied.
 */

/** A paper as sent: a shelved abstract goes as its place in a snapshot file (shelf number, byte range), not as text. */
export type SentPaper = Paper & { abstractAt?: [shelf: number, start: number, end: number] };
export type WorkerRequest =
	| { type: 'begin'; count: number }
	| { type: 'shelves'; shelves: ShelfLocation[] }
	| { type: 'papers'; papers: SentPaper[] }
	| { type: 'build' };
/** SegmentParts with the word lists joined by newlines: one string crosses threads far faster than 500,000. */
export type BuiltParts = Omit<SegmentParts, 'terms' | 'grams'> & { terms: string; grams: string; threadId: number };
/** A slice taken (the sender may send another), or the build's result. */
export type WorkerReply = { type: 'took' } | ({ type: 'built' } & BuiltParts);

export const BackgroundBuildDefaults = Object.freeze({
	/** Papers per message to the worker: each slice costs the event loop a few milliseconds to copy. */
	papersPerSlice: 500,
	/**
	 * Slices sent that the worker has not yet taken: this side copies faster than the worker builds, and with no
	 * limit a build of a million papers waited there as copies (4.7 GB peak RSS; 3.9 GB with this limit).
	 */
	slicesInFlight: 8,
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

/**
 * The segment's parts as the worker built them (with the worker's thread id); rejects when the worker fails.
 * Builds take turns on one long-lived worker: starting one (and tsx in it) cost half a second of CPU per build,
 * and upserts ask for a small compaction every few seconds.
 */
export function buildPartsOffThread(papers: readonly Paper[]): Promise<BuiltParts> {
	const built = turns.then(() => buildOnSharedWorker(papers));
	turns = built.catch(() => {});
	return built;
}

let turns: Promise<unknown> = Promise.resolve();
let shared: Worker | undefined;

async function buildOnSharedWorker(papers: readonly Paper[]): Promise<BuiltParts> {
	const worker = sharedWorker();
	// Only a build in flight keeps the process alive; an idle worker never does.
	worker.ref();
	const answered = answerOf(worker);
	// Awaited below; until then a worker's failure must not count as an unhandled rejection.
	answered.catch(() => {});
	const slices = sliceWindow(worker, BackgroundBuildDefaults.slicesInFlight);
	try {
		const shelves = new Map<AbstractShelf, number>();
		const locations: ShelfLocation[] = [];
		// Abstracts still in a snapshot file are read there by the worker: reading and copying 100,000 of them here
		// held the event loop for a second in all.
		const shelfNumber = (shelf: AbstractShelf): number | undefined => {
			if (!shelves.has(shelf)) {
				const location = shelf.location();
				if (!location) return undefined;
				shelves.set(shelf, locations.length);
				locations.push(location);
				worker.postMessage({ type: 'shelves', shelves: locations } satisfies WorkerRequest);
			}
			return shelves.get(shelf);
		};
		const send = (paper: Paper): SentPaper => {
			const shelved = shelvedRange(paper);
			const shelf = shelved && shelfNumber(shelved.shelf);
			if (!shelved || shelf === undefined) return textOf(paper, paper.abstract);
			return { ...textOf(paper, ''), abstractAt: [shelf, ...shelved.range] };
		};
		worker.postMessage({ type: 'begin', count: papers.length } satisfies WorkerRequest);
		for (let from = 0; from < papers.length; from += BackgroundBuildDefaults.papersPerSlice) {
			// Raced with the answer: a worker that fails meanwhile takes no more, and its error ends the wait.
			await Promise.race([slices.room(), answered]);
			slices.sent();
			worker.postMessage({ type: 'papers', papers: papers.slice(from, from + BackgroundBuildDefaults.papersPerSlice).map(send) } satisfies WorkerRequest);
			await yieldToInteractions();
		}
		worker.postMessage({ type: 'build' } satisfies WorkerRequest);
		const { type: _, ...built } = await answered;
		return built;
	} catch (error) {
		// Whatever state it was left in, the next build gets a fresh one.
		if (shared === worker) shared = undefined;
		void worker.terminate();
		throw error;
	} finally {
		slices.stop();
		worker.unref();
	}
}

/** Counts the slices the worker has yet to take; room() resolves once fewer than `limit` are waiting. */
function sliceWindow(worker: Worker, limit: number) {
	let waiting = 0;
	let wake: (() => void) | undefined;
	const onReply = (reply: WorkerReply) => {
		if (reply.type !== 'took') return;
		waiting--;
		wake?.();
		wake = undefined;
	};
	worker.on('message', onReply);
	return {
		room: (): Promise<void> => (waiting < limit ? Promise.resolve() : new Promise((resolve) => (wake = resolve))),
		sent: () => void waiting++,
		stop: () => void worker.off('message', onReply),
	};
}

function sharedWorker(): Worker {
	if (shared) return shared;
	const worker = startWorker();
	worker.unref();
	worker.once('exit', () => {
		if (shared === worker) shared = undefined;
	});
	// An error with no build in flight (there is none between builds) must not become an uncaught exception.
	worker.on('error', () => {});
	shared = worker;
	return worker;
}

function answerOf(worker: Worker): Promise<WorkerReply & { type: 'built' }> {
	return new Promise((resolve, reject) => {
		const settle = () => {
			worker.off('message', onMessage);
			worker.off('error', onError);
			worker.off('exit', onExit);
		};
		const onMessage = (reply: WorkerReply) => {
			if (reply.type !== 'built') return;
			settle();
			resolve(reply);
		};
		const onError = (error: unknown) => {
			settle();
			reject(error);
		};
		const onExit = (code: number) => {
			settle();
			reject(new Error(`the index worker exited (${code})`));
		};
		worker.on('message', onMessage);
		worker.on('error', onError);
		worker.on('exit', onExit);
	});
}

/** What the segment reads of a paper: its text, and what orders it by recency. */
function textOf(paper: Paper, abstract: string): Paper {
	const { id, title, authors, keywords, listedOn, upvotes, source } = paper;
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
