/** Latency summaries for the benchmark scripts. */

export interface LatencySummary {
	count: number;
	p50: number;
	p95: number;
	max: number;
}

/** Nearest-rank percentiles over `samples` (milliseconds), rounded to 0.01 ms. */
export function summarize(samples: readonly number[]): LatencySummary {
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
	const round = (value: number) => Math.round(value * 100) / 100;
	return { count: sorted.length, p50: round(rank(50)), p95: round(rank(95)), max: round(sorted[sorted.length - 1] ?? 0) };
}

export function timeIt<T>(run: () => T): { value: T; ms: number } {
	const start = performance.now();
	const value = run();
	return { value, ms: performance.now() - start };
}

export function megabytes(bytes: number): number {
	return Math.round(bytes / 1e5) / 10;
}
