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
}

/** An ephemeral page of search results: numbered hits, a button per hit opening its card, Previous/Next. */
export function formatResultsPage(input: ResultsPageInput): MessagePayload {
	const query = toSafeMarkdown(String(input.query ?? ''), CardBudget.listHeader);
	return formatListPage({
		title: query ? `Results for “${query}”` : 'Search results',
		papers: input.hits,
		page: input.page,
		pageCount: input.pageCount,
		pageSize: input.pageSize,
		footer: `${countLabel(input.total, 'paper')} found`,
		empty: 'No papers match this search. Try fewer or different words.',
		idFor: input.pageButton,
	});
}
