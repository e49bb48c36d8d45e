/**
 * The `k` best of `count` scored items without sorting them all: a bounded min-heap on typed arrays.
 * A common query word touches most of a 100,000-paper corpus; sorting all of it would dominate the query.
 * Returns item indexes, best first; ties keep the lower index first (stable, deterministic).
 */
export function selectTop(count: number, k: number, scoreOf: (item: number) => number): number[] {
	const size = Math.min(k, count);
	if (size <= 0) return [];
	const heapItems = new Int32Array(size);
	const heapScores = new Float64Array(size);
	let filled = 0;
	// "Worse" = lower score, or equal score and higher index; the heap root is the worst kept item.
	const worse = (scoreA: number, itemA: number, scoreB: number, itemB: number) => scoreA < scoreB || (scoreA === scoreB && itemA > itemB);
	const siftDown = (start: number) => {
		let i = start;
		for (;;) {
			const left = 2 * i + 1;
			const right = left + 1;
			let worst = i;
			if (left < filled && worse(heapScores[left] as number, heapItems[left] as number, heapScores[worst] as number, heapItems[worst] as number)) worst = left;
			if (right < filled && worse(heapScores[right] as number, heapItems[right] as number, heapScores[worst] as number, heapItems[worst] as number))
				worst = right;
			if (worst === i) return;
			swap(i, worst);
			i = worst;
		}
	};
	const swap = (a: number, b: number) => {
		const item = heapItems[a] as number;
		heapItems[a] = heapItems[b] as number;
		heapItems[b] = item;
		const score = heapScores[a] as number;
		heapScores[a] = heapScores[b] as number;
		heapScores[b] = score;
	};
	for (let item = 0; item < count; item++) {
		const score = scoreOf(item);
		if (filled < size) {
			heapItems[filled] = item;
			heapScores[filled] = score;
			let i = filled++;
			while (i > 0) {
				const parent = (i - 1) >> 1;
				if (!worse(heapScores[i] as number, heapItems[i] as number, heapScores[parent] as number, heapItems[parent] as number)) break;
				swap(i, parent);
				i = parent;
			}
		} else if (worse(heapScores[0] as number, heapItems[0] as number, score, item)) {
			heapItems[0] = item;
			heapScores[0] = score;
			siftDown(0);
		}
	}
	const order = Array.from(heapItems.subarray(0, filled));
	const scoreAt = new Map(order.map((item, i) => [item, heapScores[i] as number]));
	return order.sort((a, b) => (scoreAt.get(b) as number) - (scoreAt.get(a) as number) || a - b);
}
