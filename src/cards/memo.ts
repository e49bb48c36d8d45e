/**
 * A bounded memo for a pure text function. A digest fan-out formats the same few hundred recent papers for
 * thousands of targets, and escaping a title and building its link is most of a digest message's cost. At most
 * `limit` entries are kept, the oldest going first, so memory stays flat whatever is formatted.
 */
export function memoizeText<A extends unknown[]>(keyOf: (...args: A) => string, make: (...args: A) => string, limit = 4096): (...args: A) => string {
	// Two generations, the older dropped whole when the newer fills: evicting a Map's first key one at a time
	// would walk the holes earlier deletions left.
	let current = new Map<string, string>();
	let previous = new Map<string, string>();
	return (...args) => {
		const key = keyOf(...args);
		let text = current.get(key);
		if (text !== undefined) return text;
		text = previous.get(key) ?? make(...args);
		if (current.size >= limit / 2) {
			previous = current;
			current = new Map();
		}
		current.set(key, text);
		return text;
	};
}
