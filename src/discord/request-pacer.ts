import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Lets requests go one at a time at `perSecond`, in the order they asked: the generic cell rate algorithm (GCRA) with
 * room for one request, so a timer that fires a little late does not slow the pace, and a long stall lets one extra
 * request go at once after it, never a backlog.
 *
 * Why not @discordjs/rest's own global limit: it counts fixed one-second windows when a request is decided, lets a
 * whole window out at once, and Discord counts requests in one-second windows of its own when they arrive. A burst of
 * 45 takes the proxy and Discord a few hundred ms to get through, and the next window's burst then lands in the same
 * Discord second as the end of the last: the sharded fan-out bench saw 97 × 429 in one run that way, at 2 processes.
 * Evenly spaced, no second holds more than `perSecond + 1`, whatever the event loop does; network jitter adds one per
 * `1000 / perSecond` ms of it.
 */
export interface RequestPacer {
	/** Resolves at this request's turn; rejects with the signal's reason if it is aborted first (it then gives up its place). */
	wait(signal?: AbortSignal): Promise<void>;
}

export interface RequestPacerOptions {
	perSecond: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<unknown>;
}

interface Waiter {
	resolve: () => void;
	leave: () => void;
}

export function createRequestPacer(options: RequestPacerOptions): RequestPacer {
	if (!(options.perSecond > 0)) throw new RangeError(`perSecond must be above 0 (got ${options.perSecond})`);
	const spacingMs = 1000 / options.perSecond;
	const now = options.now ?? (() => performance.now());
	const pause = options.sleep ?? ((ms: number) => sleep(ms));
	const waiting: Waiter[] = [];
	// The theoretical time of the next request at exactly the pace; one may go up to one gap before it.
	let dueAt = Number.NEGATIVE_INFINITY;
	let draining = false;

	const drain = async () => {
		draining = true;
		try {
			while (waiting.length > 0) {
				// Timers fire on whole milliseconds, rounded up here: never before the pace allows.
				for (let delay = dueAt - spacingMs - now(); delay > 0; delay = dueAt - spacingMs - now()) await pause(Math.ceil(delay));
				const next = waiting.shift();
				if (!next) break;
				dueAt = Math.max(dueAt, now()) + spacingMs;
				next.leave();
				next.resolve();
			}
		} finally {
			draining = false;
		}
	};

	return {
		wait(signal) {
			return new Promise<void>((resolve, reject) => {
				if (signal?.aborted) {
					reject(signal.reason);
					return;
				}
				const onAbort = () => {
					const index = waiting.indexOf(waiter);
					if (index >= 0) waiting.splice(index, 1);
					reject(signal?.reason);
				};
				const waiter: Waiter = { resolve, leave: () => signal?.removeEventListener('abort', onAbort) };
				signal?.addEventListener('abort', onAbort, { once: true });
				waiting.push(waiter);
				if (!draining) void drain();
			});
		},
	};
}

/**
 * The requests Discord leaves out of its global limit: interaction callbacks and the application's webhook-token
 * routes (replies, follow-ups, edits). They are not paced, so a fan-out never delays a reply past its 3 s window.
 */
export function isOutsideGlobalLimit(url: string): boolean {
	const path = new URL(url).pathname.replace(/^\/api(?:\/v\d+)?/, '');
	return path.startsWith('/interactions/') || /^\/webhooks\/\d+\/[^/]+/.test(path);
}
