import type { Paper } from '../papers/paper.js';
import { toSafeMarkdown } from './escape.js';
import { CardBudget } from './limits.js';
import { countLabel, formatListPage } from './paper-list.js';
import type { MessagePayload } from './types.js';

export interface TrendingPageInput {
	/** How many days back the window reaches (1, 7, 30). */
	days: number;
	/** The window's first day, `YYYY-MM-DD`. */
	since: string;
	/** The topic filter as typed (comma-separated), '' for none. */
	topic: string;
	/** This page's papers, most upvoted first. */
	papers: Paper[];
	/** 0-based. */
	page: number;
	pageCount: number;
	total: number;
	pageButton: (page: number) => string | undefined;
	pageSize?: number;
}

/** An ephemeral page of the window's most upvoted papers with Previous/Next, like /paper today. */
export function formatTrendingPage(input: TrendingPageInput): MessagePayload {
	const days = Math.max(1, Math.trunc(Number(input.days)) || 1);
	const span = days === 1 ? 'the last day' : `the last ${days} days`;
	const topic = toSafeMarkdown(String(input.topic ?? ''), CardBudget.listHeader);
	return formatListPage({
		title: `Trending in ${span}${topic ? ` · ${topic}` : ''}`,
		papers: input.papers,
		page: input.page,
		pageCount: input.pageCount,
		pageSize: input.pageSize,
		footer: `${countLabel(input.total, 'paper')} · listed since ${String(input.since ?? '').slice(0, 10)} · most upvoted first`,
		empty: 'No papers were listed in this window.',
		idFor: input.pageButton,
	});
}
