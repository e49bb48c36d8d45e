import type { Paper } from '../papers/paper.js';
import { CardBudget } from './limits.js';
import { formatListPage } from './paper-list.js';
import { safeTitle } from './paper-text.js';
import type { MessagePayload } from './types.js';

export interface SimilarListOptions {
	/** Defaults to true: the Similar button answers only the person who clicked. */
	ephemeral?: boolean;
}

/** The papers most related to one paper, each with a button to open its card. */
export function formatSimilarList(paper: Paper, hits: Paper[], options: SimilarListOptions = {}): MessagePayload {
	const payload = formatListPage({
		title: `Similar to “${safeTitle(paper, CardBudget.listHeader)}”`,
		papers: hits,
		page: 0,
		pageCount: 1,
		empty: 'No similar papers found.',
		idFor: () => undefined,
	});
	if (options.ephemeral === false) delete payload.flags;
	return payload;
}
