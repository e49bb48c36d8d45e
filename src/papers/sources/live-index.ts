import type { PaperIndex } from '../../search/index.js';
import { normalizeTitle, paperIdFor, type Paper } from '../paper.js';
import { mergePaper } from './merge.js';
import { yieldToInteractions } from '../../interactive-priority.js';

/** The ingest's view of the running search index: what is already known, and where a fetched paper goes. */
export interface LiveIndex {
	/** The known record a fetched paper must merge into, when that keeps ids stable (see createLiveIndex). */
	findExisting(paper: Paper): Paper | undefined;
	/**
	 * Upserts stored records; a paper whose seed twin (same title, no arXiv id) is indexed enriches that entry.
	 * Resolves once all are searchable.
	 */
	upsert(papers: readonly Paper[]): Promise<void>;
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
	// A fetched paper with an arXiv id can only be the twin of a paper without one: one with the same id is found by
	// it, one with another id is another paper. So the titles that matter are the few papers without an arXiv id
	// (seeds); every title (a second of work at 100,000 papers, which slowed every start) only for a fetched paper
	// without an id, which no source sends today.
	const idlessTitles = new Map<string, string>();
	let everyTitle: Map<string, string> | undefined;
	let pending: readonly Paper[] | undefined = index.all();
	let next = 0;
	const fill = (until: number) => {
		if (!pending) return;
		const end = Math.min(pending.length, until);
		for (; next < end; next++) {
			const paper = pending[next] as Paper;
			if (!paper.arxivId) rememberTitle(idlessTitles, paper);
		}
		if (next >= pending.length) pending = undefined;
	};
	const warm = () => {
		fill(next + TITLES_PER_SLICE);
		if (pending) setImmediate(warm).unref();
	};
	setImmediate(warm).unref();
	let upserting: Promise<void> = Promise.resolve();
	const titleIds = (paper: Paper) => {
		if (paper.arxivId) {
			fill(Number.POSITIVE_INFINITY);
			return idlessTitles;
		}
		if (!everyTitle) {
			everyTitle = new Map();
			for (const known of index.all()) rememberTitle(everyTitle, known);
		}
		return everyTitle;
	};
	const rememberTitles = (papers: readonly Paper[]) => {
		fill(Number.POSITIVE_INFINITY);
		for (const paper of papers) {
			if (!paper.arxivId) rememberTitle(idlessTitles, paper);
			if (everyTitle) rememberTitle(everyTitle, paper);
		}
	};
	const titleTwin = (paper: Paper): Paper | undefined => {
		const key = normalizeTitle(paper.title);
		const id = key === '' ? undefined : titleIds(paper).get(key);
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
			// In call order: a slice of an older batch landing after a newer one would bring back stale records.
			const done = upserting.then(() => upsertInSlices(papers));
			upserting = done.catch(() => {});
			return done;
		},
	};

	/**
	 * A day's listing (400 papers) indexed at once held the event loop for 100-200 ms; slices of a few dozen cost a
	 * few milliseconds each, with the loop running between them.
	 */
	async function upsertInSlices(papers: readonly Paper[]): Promise<void> {
		for (let from = 0; from < papers.length; from += PAPERS_PER_UPSERT) {
			if (from > 0) await yieldToInteractions();
			upsertSlice(papers.slice(from, from + PAPERS_PER_UPSERT));
		}
	}

	function upsertSlice(papers: readonly Paper[]): void {
		const entries = papers.map((paper) => {
			const known = index.get(paper.id);
			// Found under another id: the arXiv id of a seed twin shown through the seed's entry.
			if (known) return known.id === paper.id ? paper : { ...mergePaper(known, paper), id: known.id };
			const twin = titleTwin(paper);
			// The seed's listing day and id stay; everything the live record knows is shown.
			return twin ? { ...mergePaper(twin, paper), id: twin.id } : paper;
		});
		index.upsert(entries);
		rememberTitles(entries);
	}
}

// Remembering id-less titles took 3-4 ms per thousand here (normalizeTitle): a slice of 20,000 held the loop 60-80 ms.
const TITLES_PER_SLICE = 2_000;
const PAPERS_PER_UPSERT = 25;

function rememberTitle(titles: Map<string, string>, paper: Paper): void {
	const key = normalizeTitle(paper.title);
	if (key !== '' && !titles.has(key)) titles.set(key, paper.id);
}
