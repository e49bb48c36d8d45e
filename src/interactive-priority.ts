/**
 * Users first. The bot's background loops (a live ingest's index slices, a fan-out's topic matching, a segment
 * build's hand-off to its worker, snapshot writes, pruning) yield between slices with yieldToInteractions()
 * instead of a bare setImmediate. While an interaction is being handled the next slice waits, up to `maxWaitMs`,
 * so the interaction's few round trips (the store, then Discord) are not each queued behind a slice: during a
 * live ingest, /digest subscribe's p95 was four times its median.
 *
 * One count per process: every bot in it is served by the same event loop.
 */
export const InteractivePriorityDefaults = Object.freeze({
	/** Background work is held at most this long per slice, so a steady stream of commands cannot starve it. */
	maxWaitMs: 20,
});

let interactionsInFlight = 0;
let held: Array<() => void> = [];

/** Marks an interaction as being handled until the returned function is called (once; later calls do nothing). */
export function beginInteraction(): () => void {
	interactionsInFlight += 1;
	let ended = false;
	return () => {
		if (ended) return;
		ended = true;
		interactionsInFlight -= 1;
		if (interactionsInFlight === 0) releaseHeld();
	};
}

/** Resolves on a later turn of the event loop: the next one when no interaction is in flight, else once none is (or maxWaitMs passed). */
export function yieldToInteractions(): Promise<void> {
	return new Promise((resolve) => {
		if (interactionsInFlight === 0) {
			setImmediate(resolve);
			return;
		}
		let done = false;
		const release = () => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			setImmediate(resolve);
		};
		const timer = setTimeout(release, InteractivePriorityDefaults.maxWaitMs);
		held.push(release);
	});
}

function releaseHeld(): void {
	const waiting = held;
	held = [];
	for (const release of waiting) release();
}
