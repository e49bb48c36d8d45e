import type { Paper } from '../papers/paper.js';
import { toSafeMarkdown } from './escape.js';
import { CardBudget } from './limits.js';
import { countLabel, formatListPage } from './paper-list.js';
import type { MessagePayload } from './types.js';

export interface ResultsPageInput {
	query: string;
	/** The hits on this page only. */
	hits: Paper[];
	/** 0-based. */
	page: number;
	pageCount: number;
	total: number;
	/** Builds the custom_id of the button that shows another page (see encodeSearchPage). */
	pageButton: (page: number) => string;
	/** Hits per page, for numbering; defaults to CardBudget.resultsPerPage. */
	pageSize?: number;
	/** The search's filters in words (`since 2026-03-07 · most upvoted first`), plain text, shown in the footer. */
	filters?: string;
}

/** An ephemeral page of search results: numbered hits, a button per hit opening its card, Previous/Next. */
export function formatResultsPage(input: ResultsPageInput): MessagePayload {
	const query = toSafeMarkdown(String(input.query ?? ''), CardBudget.listHeader);
	return formatListPage({
		title: query ? `Results for “${query}”` : input.filters ? 'Papers matching the filters' : 'Search results',
		papers: input.hits,
		page: input.page,
		pageCount: input.pageCount,
		pageSize: input.pageSize,
		footer: [`${countLabel(input.total, 'paper')} found`, String(input.filters ?? '')].filter(Boolean).join(' · '),
		empty: 'No papers match this search. Try fewer or different words.',
		idFor: input.pageButton,
	});
}
