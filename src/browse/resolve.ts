import { UserError } from '../errors.js';
import { normalizeTitle, type Paper } from '../papers/paper.js';
import type { PaperIndex } from '../search/index.js';
import { BrowseMessages } from './messages.js';

/** A search hit this close (Fuse score) to a typed title is taken as that paper. */
const TITLE_MATCH_SCORE = 0.15;

/**
 * Finds the paper a user meant by `paper:<id or title>`: the id an autocomplete choice carries,
 * an arXiv id typed by hand (with or without version), an exact title, or an unambiguous near-title.
 */
export function resolvePaper(index: PaperIndex, input: string): Paper {
	const text = input.trim();
	if (!text) throw new UserError(BrowseMessages.emptyPaperRef);
	const byId = index.get(text);
	if (byId) return byId;
	const wanted = normalizeTitle(text);
	if (!wanted) throw new UserError(BrowseMessages.paperNotFound(text));
	let hits: ReturnType<PaperIndex['search']> = [];
	try {
		hits = index.search(text, 5);
	} catch {
		// The ref is not a usable query either (e.g. only symbols); report it as not found below.
	}
	const exact = hits.find((hit) => normalizeTitle(hit.paper.title) === wanted);
	if (exact) return exact.paper;
	const best = hits[0];
	// The score alone is not enough: a passage-style query scores 0 when only one of its words is in the corpus.
	if (best && best.score <= TITLE_MATCH_SCORE && sharesMostWords(wanted, normalizeTitle(best.paper.title))) return best.paper;
	// A typed title prefix ("VQ4DiT") names a paper when exactly one title starts with it.
	const prefixed = index.autocomplete(text, 2).filter((paper) => normalizeTitle(paper.title).startsWith(wanted));
	if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
	throw new UserError(BrowseMessages.paperNotFound(text));
}

/** A typed title with a typo or two still shares most of its words with the real one (Dice coefficient). */
const TITLE_WORD_AGREEMENT = 0.6;

function sharesMostWords(typed: string, title: string): boolean {
	const typedWords = new Set(typed.split(' '));
	const titleWords = new Set(title.split(' '));
	let shared = 0;
	for (const word of typedWords) if (titleWords.has(word)) shared += 1;
	return (2 * shared) / (typedWords.size + titleWords.size) >= TITLE_WORD_AGREEMENT;
}

/** Loads a paper named by a button's custom_id; a stale id (paper gone from the corpus) is a user-facing error. */
export function requirePaper(index: PaperIndex, id: string): Paper {
	const paper = index.get(id);
	if (!paper) throw new UserError(BrowseMessages.paperGone(id));
	return paper;
}
