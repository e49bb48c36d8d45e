import type { PaperIndex } from '../../search/index.js';
import { normalizeTitle, paperIdFor, type Paper } from '../paper.js';
import { mergePaper } from './merge.js';

/** The ingest's view of the running search index: what is already known, and where a fetched paper goes. */
export interface LiveIndex {
	/** The known record a fetched paper must merge into, when that keeps ids stable (see createLiveIndex). */
	findExisting(paper: Paper): Paper | undefined;
	/** Upserts stored records; a paper whose seed twin (same title, no arXiv id) is indexed enriches that entry. */
	upsert(papers: readonly Paper[]): void;
}

/**
 * Wraps the live index for the ingest. Ids follow the corpus loader (mergePapers): a paper with an arXiv id is
 * named by it. So findExisting maps a fetched paper onto a known record found by arXiv id, or by title only when
 * the merge would keep that record's id; it never renames an arXiv paper to a seed's title id, which the next
 * restart would undo (and a digest, which remembers ids, could then send the paper twice). Instead the seed twin
 * is handled here: until the restart folds the two, the stored record is shown through the seed's index entry,
 * so search lists the paper once.
 */
export function createLiveIndex(index: Pick<PaperIndex, 'get' | 'all' | 'upsert'>): LiveIndex {
	// Normalizing 100,000 titles takes a third of a second: done a slice at a time from the start, and finished in one
	// go only if an ingest needs the map before then.
	const titles = new Map<string, string>();
	let pending: readonly Paper[] | undefined = index.all();
	let next = 0;
	const fill = (until: number) => {
		if (!pending) return;
		const end = Math.min(pending.length, until);
		for (; next < end; next++) rememberTitle(titles, pending[next] as Paper);
		if (next >= pending.length) pending = undefined;
	};
	const warm = () => {
		fill(next + TITLES_PER_SLICE);
		if (pending) setImmediate(warm).unref();
	};
	setImmediate(warm).unref();
	const titleIds = () => {
		fill(Number.POSITIVE_INFINITY);
		return titles;
	};
	const titleTwin = (paper: Paper): Paper | undefined => {
		const key = normalizeTitle(paper.title);
		const id = key === '' ? undefined : titleIds().get(key);
		const twin = id === undefined ? undefined : index.get(id);
		if (!twin || twin.id === paper.id) return undefined;
		// Two different arXiv ids under one title are two papers (mergePapers agrees).
		if (twin.arxivId && paper.arxivId && twin.arxivId !== paper.arxivId) return undefined;
		return twin;
	};
	return {
		findExisting(paper) {
			// Only a record whose id the corpus loader would also give it; a seed twin reached through its arXiv
			// alias keeps the fetched paper under its own arXiv id in the store (see above).
			const keepsId = (record: Paper) => paperIdFor(record.title, record.arxivId ?? paper.arxivId) === record.id;
			const known = index.get(paper.arxivId ?? paper.id) ?? index.get(paper.id);
			if (known) return keepsId(known) ? known : undefined;
			const twin = titleTwin(paper);
			return twin && keepsId(twin) ? twin : undefined;
		},
		upsert(papers) {
			const entries = papers.map((paper) => {
				const known = index.get(paper.id);
				// Found under another id: the arXiv id of a seed twin shown through the seed's entry.
				if (known) return known.id === paper.id ? paper : { ...mergePaper(known, paper), id: known.id };
				const twin = titleTwin(paper);
				// The seed's listing day and id stay; everything the live record knows is shown.
				return twin ? { ...mergePaper(twin, paper), id: twin.id } : paper;
			});
			index.upsert(entries);
			for (const entry of entries) rememberTitle(titleIds(), entry);
		},
	};
}

const TITLES_PER_SLICE = 5000;

function rememberTitle(titles: Map<string, string>, paper: Paper): void {
	const key = normalizeTitle(paper.title);
	if (key !== '' && !titles.has(key)) titles.set(key, paper.id);
}
