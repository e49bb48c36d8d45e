/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions: `teh` → `the` is 1),
 * giving up as soon as it must exceed `max`, so checking a vocabulary candidate costs a few hundred ops.
 * Returns `max + 1` when the distance is larger than `max`.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	if (a === b) return 0;
	const width = b.length + 1;
	let previous2 = new Array<number>(width).fill(0);
	let previous = new Array<number>(width);
	let current = new Array<number>(width);
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
