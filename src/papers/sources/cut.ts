import type { Logger } from '../../log.js';
import { capPaperFields, formatCount, PAPER_LIMITS, type FieldCut } from '../limits.js';
import type { Paper } from '../paper.js';
import type { SourceCut } from './types.js';

/** Papers whose cuts are listed in one log line; the counts are always logged. */
const LOGGED_CUTS = 5;

export function emptyCut(): SourceCut {
	return { truncated: 0, droppedEntries: 0, invalidUtf8: 0 };
}

export function addCut(total: SourceCut, more: SourceCut): SourceCut {
	return {
		truncated: total.truncated + more.truncated,
		droppedEntries: total.droppedEntries + more.droppedEntries,
		invalidUtf8: total.invalidUtf8 + more.invalidUtf8,
	};
}

export function hasCut(cut: SourceCut | undefined): cut is SourceCut {
	return cut !== undefined && cut.truncated + cut.droppedEntries + cut.invalidUtf8 > 0;
}

/** The first `entriesPerPage` entries of one response, and how many were left out. */
export function capEntries<T>(entries: readonly T[], limit: number = PAPER_LIMITS.entriesPerPage): { kept: readonly T[]; dropped: number } {
	return entries.length <= limit ? { kept: entries, dropped: 0 } : { kept: entries.slice(0, limit), dropped: entries.length - limit };
}

export interface CappedPage {
	papers: Paper[];
	/** Fields shortened across the page. */
	truncated: number;
	/** Per paper with a cut, for the log line. */
	cuts: { id: string; fields: FieldCut[] }[];
}

/** Every paper of one response within the field limits, with what was shortened. */
export function capPapers(papers: readonly Paper[]): CappedPage {
	const page: CappedPage = { papers: [], truncated: 0, cuts: [] };
	for (const original of papers) {
		const { paper, cuts } = capPaperFields(original);
		page.papers.push(paper);
		if (cuts.length === 0) continue;
		page.truncated += cuts.length;
		page.cuts.push({ id: paper.id, fields: cuts });
	}
	return page;
}

/** One warning per response that was cut, naming the source and URL, so an operator can see what was lost. */
export function logPageCut(
	logger: Logger,
	source: string,
	url: string,
	page: { dropped: number; capped: Pick<CappedPage, 'truncated' | 'cuts'>; total: number },
): void {
	if (page.dropped > 0) {
		logger.warn(`${source}: response has more entries than the ${formatCount(PAPER_LIMITS.entriesPerPage)} kept per page; the rest are dropped`, {
			source,
			url,
			entries: page.total,
			droppedEntries: page.dropped,
		});
	}
	if (page.capped.truncated > 0) {
		logger.warn(`${source}: fields over the size limits shortened`, {
			source,
			url,
			truncated: page.capped.truncated,
			first: page.capped.cuts
				.slice(0, LOGGED_CUTS)
				.map((entry) => ({ id: entry.id, fields: entry.fields.map((cut) => `${cut.field} ${cut.length} > ${cut.limit}`) })),
		});
	}
}

/** `9,500 entries over the page cap dropped, 1 field shortened, 1 response not valid UTF-8`; empty when nothing was cut. */
export function formatCut(cut: Partial<SourceCut>): string {
	const parts: string[] = [];
	const count = (value: number | undefined, one: string, many: string) => {
		if (typeof value === 'number' && Number.isInteger(value) && value > 0) parts.push(`${formatCount(value)} ${value === 1 ? one : many}`);
	};
	count(cut.droppedEntries, 'entry over the page cap dropped', 'entries over the page cap dropped');
	count(cut.truncated, 'field shortened', 'fields shortened');
	count(cut.invalidUtf8, 'response not valid UTF-8', 'responses not valid UTF-8');
	return parts.join(', ');
}
