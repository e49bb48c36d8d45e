import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nicest priority there is: the thread runs only when nothing else wants the core. */
const BACKGROUND_NICE = 19;

/**
 * Lowers the calling thread's CPU priority (Linux: a thread's id works as a pid for setpriority). A segment build
 * on the second of two cores slowed the event loop's own work tenfold while it ran; at the lowest priority it takes
 * only what the bot leaves. Elsewhere, or where it is refused, nothing changes: the build is merely slower to yield.
 */
export function lowerThreadPriority(): boolean {
	try {
		const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
		if (!Number.isInteger(thread) || thread <= 0) return false;
		setPriority(thread, BACKGROUND_NICE);
		return true;
	} catch {
		return false;
	}
}
