import type { Paper } from '../papers/paper.js';

/**
 * The corpus ordered newest first, built once per version of `index.all()` (the index returns the same
 * frozen array until its papers change), so a date range is two binary searches instead of a scan.
 * Bucketing by listing day is linear: a corpus has a few hundred distinct days, whatever its size.
 */

export interface DateView {
	/** Newest listing day first; within a day, most upvoted first (unknown upvotes last), then corpus order. */
	papers: readonly Paper[];
	/** Distinct days, newest first, and where each starts in `papers`. */
	days: readonly string[];
	starts: readonly number[];
}

const views = new WeakMap<readonly Paper[], DateView>();
const upvoteViews = new WeakMap<readonly Paper[], readonly Paper[]>();

export function dateView(corpus: readonly Paper[]): DateView {
	let view = views.get(corpus);
	if (!view) {
		view = buildDateView(corpus);
		views.set(corpus, view);
	}
	return view;
}

/** The whole corpus most upvoted first (unknown upvotes last), newest first among equals; built once per version of the corpus. */
export function upvoteView(corpus: readonly Paper[]): readonly Paper[] {
	let view = upvoteViews.get(corpus);
	if (!view) {
		const ordered = [...dateView(corpus).papers];
		// Stable: equal upvotes keep the date view's newest-first order.
		ordered.sort((a, b) => upvotesOf(b) - upvotesOf(a));
		view = ordered;
		upvoteViews.set(corpus, view);
	}
	return view;
}

/** The papers listed in [since, before) (either end open when undefined), newest first, as a slice of the view. */
export function papersInRange(view: DateView, since: string | undefined, before: string | undefined): readonly Paper[] {
	const start = before === undefined ? 0 : startOfFirstDayBelow(view, before);
	const end = since === undefined ? view.papers.length : startOfFirstDayBelow(view, since);
	return start < end ? view.papers.slice(start, end) : [];
}

function buildDateView(corpus: readonly Paper[]): DateView {
	const byDay = new Map<string, Paper[]>();
	for (const paper of corpus) {
		const day = String(paper.listedOn ?? '');
		const bucket = byDay.get(day);
		if (bucket) bucket.push(paper);
		else byDay.set(day, [paper]);
	}
	const days = [...byDay.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
	const papers: Paper[] = [];
	const starts: number[] = [];
	for (const day of days) {
		starts.push(papers.length);
		const bucket = byDay.get(day) as Paper[];
		bucket.sort((a, b) => upvotesOf(b) - upvotesOf(a));
		for (const paper of bucket) papers.push(paper);
	}
	return { papers, days, starts };
}

/** Index of the first paper whose day is below `day` (days run newest first). */
function startOfFirstDayBelow(view: DateView, day: string): number {
	let low = 0;
	let high = view.days.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if ((view.days[middle] as string) >= day) low = middle + 1;
		else high = middle;
	}
	return low < view.days.length ? (view.starts[low] as number) : view.papers.length;
}

function upvotesOf(paper: Paper): number {
	return typeof paper.upvotes === 'number' && Number.isFinite(paper.upvotes) ? paper.upvotes : -1;
}
