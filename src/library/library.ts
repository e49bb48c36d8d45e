import { UserError } from '../errors.js';
import { normalizeArxivId, normalizeTitle, type Paper } from '../papers/paper.js';
import { unchanged } from '../store/collection.js';
import type { LibraryRecord, SavedPaper } from '../store/records.js';
import type { Store } from '../store/store.js';
import { LibraryLimits } from './limits.js';
import { LibraryMessages } from './messages.js';

/**
 * A user's library: saved papers with tags, one store record per user. Every change is a Collection.update of the
 * latest record under its lock (compare-and-set across processes), so two saves at once both land and the caps
 * hold exactly. Nothing here is ever pruned.
 */

export type LibraryStore = Pick<Store, 'library'>;

export interface LibraryChange {
	/** The entry as it is now (for unsave: as it was). */
	entry: SavedPaper;
	/** Papers in the library after the change. */
	total: number;
}

export interface SaveResult extends LibraryChange {
	/** False when the paper was already saved (its copy is refreshed and the new tags merged). */
	added: boolean;
}

/** Saves `paper` for `userId` with `tags` (already normalized), or adds the tags to it if it is saved already. */
export async function savePaper(store: LibraryStore, userId: string, paper: Paper, tags: readonly string[], now: Date): Promise<SaveResult> {
	let result: SaveResult | undefined;
	await store.library.update(userId, (current) => {
		const record = current ?? emptyLibrary(userId, now);
		const index = record.papers.findIndex((entry) => entry.id === paper.id);
		const existing = index >= 0 ? record.papers[index] : undefined;
		if (!existing && record.papers.length >= LibraryLimits.papersPerUser) throw new UserError(LibraryMessages.libraryFull);
		const entry = copyPaper(paper, mergeTags(existing?.tags ?? [], tags, paper.title), existing?.savedAt ?? now.toISOString());
		const papers = existing ? record.papers.map((saved, at) => (at === index ? entry : saved)) : [...record.papers, entry];
		result = { entry, total: papers.length, added: !existing };
		return { ...record, papers, updatedAt: now.toISOString() };
	});
	return result as SaveResult;
}

/** Removes the saved paper `ref` names (see findSaved). */
export async function unsavePaper(store: LibraryStore, userId: string, ref: string, now: Date): Promise<LibraryChange> {
	let result: LibraryChange | undefined;
	await store.library.update(userId, (current) => {
		const entry = findSaved(current, ref);
		const papers = (current as LibraryRecord).papers.filter((saved) => saved.id !== entry.id);
		result = { entry, total: papers.length };
		// An emptied library keeps no record.
		return papers.length === 0 ? undefined : { ...(current as LibraryRecord), papers, updatedAt: now.toISOString() };
	});
	return result as LibraryChange;
}

export async function addTags(store: LibraryStore, userId: string, ref: string, tags: readonly string[], now: Date): Promise<LibraryChange> {
	return changeTags(store, userId, ref, now, (entry) => mergeTags(entry.tags, tags, entry.title));
}

/** Every tag named must be on the paper; otherwise nothing changes and the error says which are not. */
export async function removeTags(store: LibraryStore, userId: string, ref: string, tags: readonly string[], now: Date): Promise<LibraryChange> {
	return changeTags(store, userId, ref, now, (entry) => {
		const missing = tags.filter((tag) => !entry.tags.includes(tag));
		if (missing.length > 0) throw new UserError(LibraryMessages.tagNotOnPaper(entry.title, missing, entry.tags));
		return entry.tags.filter((tag) => !tags.includes(tag));
	});
}

async function changeTags(store: LibraryStore, userId: string, ref: string, now: Date, nextTags: (entry: SavedPaper) => string[]): Promise<LibraryChange> {
	let result: LibraryChange | undefined;
	await store.library.update(userId, (current) => {
		const found = findSaved(current, ref);
		const entry = { ...found, tags: nextTags(found) };
		const record = current as LibraryRecord;
		result = { entry, total: record.papers.length };
		if (sameTags(entry.tags, found.tags)) return unchanged;
		return { ...record, papers: record.papers.map((saved) => (saved.id === entry.id ? entry : saved)), updatedAt: now.toISOString() };
	});
	return result as LibraryChange;
}

export async function readLibrary(store: LibraryStore, userId: string): Promise<LibraryRecord | undefined> {
	return store.library.get(userId);
}

/** The saved papers, newest save first, with `tag` if given; an empty library or an unknown tag is a UserError. */
export function selectSaved(record: LibraryRecord | undefined, tag: string | undefined): SavedPaper[] {
	const papers = record?.papers ?? [];
	if (papers.length === 0) throw new UserError(LibraryMessages.emptyLibrary);
	const chosen = tag === undefined ? papers : papers.filter((entry) => entry.tags.includes(tag));
	if (chosen.length === 0) throw new UserError(LibraryMessages.unknownTag(tag as string, listTags(record)));
	return [...chosen].reverse();
}

/** Every tag in the library, most used first, then alphabetically. */
export function listTags(record: LibraryRecord | undefined): string[] {
	const counts = new Map<string, number>();
	for (const entry of record?.papers ?? []) for (const tag of entry.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([tag]) => tag);
}

/**
 * The saved paper a `paper:` option names: its id (what autocomplete sends), an arXiv id typed by hand, its exact
 * title, or the one title that starts with what was typed. The library's own copy is searched, so a paper the
 * corpus no longer has can still be unsaved or tagged.
 */
export function findSaved(record: LibraryRecord | undefined, ref: string): SavedPaper {
	const papers = record?.papers ?? [];
	if (papers.length === 0) throw new UserError(LibraryMessages.emptyLibrary);
	const text = ref.trim();
	const arxivId = normalizeArxivId(text);
	const byId = papers.find((entry) => entry.id === text || (arxivId !== undefined && (entry.arxivId === arxivId || entry.id === arxivId)));
	if (byId) return byId;
	const wanted = normalizeTitle(text);
	if (wanted !== '') {
		const exact = papers.find((entry) => normalizeTitle(entry.title) === wanted);
		if (exact) return exact;
		const prefixed = papers.filter((entry) => normalizeTitle(entry.title).startsWith(wanted));
		if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
	}
	throw new UserError(LibraryMessages.notSaved(text));
}

/** Saved papers whose title contains every typed word, newest save first, for autocomplete. */
export function suggestSaved(record: LibraryRecord | undefined, typed: string, limit: number): SavedPaper[] {
	const words = normalizeTitle(typed).split(' ').filter(Boolean);
	const papers = [...(record?.papers ?? [])].reverse();
	const matches = papers.filter((entry) => {
		const title = normalizeTitle(entry.title);
		return words.every((word) => title.includes(word)) || entry.id.startsWith(typed.trim());
	});
	return matches.slice(0, limit);
}

function emptyLibrary(userId: string, now: Date): LibraryRecord {
	return { userId, papers: [], updatedAt: now.toISOString() };
}

function mergeTags(current: readonly string[], added: readonly string[], title: string): string[] {
	const tags = [...new Set([...current, ...added])];
	if (tags.length > LibraryLimits.tagsPerPaper) throw new UserError(LibraryMessages.tooManyTags(title, tags.length));
	return tags;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((tag, index) => tag === b[index]);
}

/** What export needs of the paper, copied, so the library outlives the paper leaving the corpus. */
export function copyPaper(paper: Paper, tags: string[], savedAt: string): SavedPaper {
	const authors = Array.isArray(paper.authors) ? paper.authors : [];
	const entry: SavedPaper = { id: paper.id, title: paper.title, authors: authors.slice(0, LibraryLimits.authorsKept), tags, savedAt };
	if (authors.length > LibraryLimits.authorsKept) entry.authorsCut = true;
	const year = paperYear(paper);
	if (year !== undefined) entry.year = year;
	if (paper.arxivId) entry.arxivId = paper.arxivId;
	if (paper.listedOn) entry.listedOn = paper.listedOn;
	return entry;
}

const NEW_STYLE_ARXIV = /^(\d{2})(\d{2})\.\d{4,5}$/;
const OLD_STYLE_ARXIV = /\/(\d{2})(\d{2})\d{3}$/;

/** The year an arXiv id was first submitted (`2403.…` is 2024; old `hep-th/9901001` is 1999), else the listing year. */
export function paperYear(paper: Pick<Paper, 'arxivId' | 'listedOn'>): number | undefined {
	const id = paper.arxivId ?? '';
	const modern = NEW_STYLE_ARXIV.exec(id);
	if (modern) return 2000 + Number(modern[1]);
	const old = OLD_STYLE_ARXIV.exec(id);
	if (old) {
		const yy = Number(old[1]);
		return yy >= 91 ? 1900 + yy : 2000 + yy;
	}
	const listed = /^(\d{4})-\d{2}-\d{2}$/.exec(paper.listedOn ?? '');
	return listed ? Number(listed[1]) : undefined;
}

/** Tags for a `tag` option: those starting with what was typed first, then those containing it, most used first. */
export function suggestTag(tags: readonly string[], typed: string): string[] {
	const wanted = typed.trim().toLowerCase().replace(/^#/, '');
	const starting = tags.filter((tag) => tag.startsWith(wanted));
	const containing = tags.filter((tag) => !tag.startsWith(wanted) && tag.includes(wanted));
	return [...starting, ...containing];
}

/** A `tags` list being typed, with its last word completed from `tags` (the words before it kept, none repeated). */
export function suggestTagList(tags: readonly string[], typed: string): string[] {
	const words = typed.split(/[\s,]+/);
	const last = words.pop() ?? '';
	const before = words.filter(Boolean);
	const head = before.length > 0 ? `${before.join(' ')} ` : '';
	return suggestTag(
		tags.filter((tag) => !before.includes(tag)),
		last,
	).map((tag) => `${head}${tag}`);
}
