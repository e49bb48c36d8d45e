const rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions: `teh` → `the` is 1),
 * giving up as soon as it must exceed `max`, so checking a vocabulary candidate costs a few hundred ops.
 * Returns `max + 1` when the distance is larger than `max`.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	if (a === b) return 0;
	const width = b.length + 1;
	// Typo lookup calls this thousands of times per query: reuse three rows instead of allocating.
	if (rows[0].length < width) for (let i = 0; i < 3; i++) rows[i] = new Int32Array(width * 2);
	let [previous2, previous, current] = rows;
	previous2.fill(0, 0, width);
	for (let j = 0; j < width; j++) previous[j] = j;
	for (let i = 1; i <= a.length; i++) {
		current[0] = i;
		let rowMin = i;
		const ca = a.charCodeAt(i - 1);
		for (let j = 1; j < width; j++) {
			const cb = b.charCodeAt(j - 1);
			let cost = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (ca === cb ? 0 : 1));
			if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
				cost = Math.min(cost, (previous2[j - 2] as number) + 1);
			}
			current[j] = cost;
			if (cost < rowMin) rowMin = cost;
		}
		if (rowMin > max) return max + 1;
		[previous2, previous, current] = [previous, current, previous2];
	}
	const distance = previous[b.length] as number;
	return distance > max ? max + 1 : distance;
}

/** How many edits a query token may have: none for acronym-length tokens, 1 for short words, 2 for long ones. */
export function allowedEdits(token: string): number {
	if (token.length >= 8) return 2;
	if (token.length >= 4) return 1;
	return 0;
}
