import { createHash } from 'node:crypto';
import { paperPageUrl } from './links.js';

/** Where a paper record came from; the loader and the live sources each tag their records. */
export type PaperSource = 'seed-dump' | 'hf-daily' | 'paper-json' | 'arxiv';

/**
 * One research paper as Paperboy stores, searches and shows it.
 * Kept JSON-plain (dates as ISO strings) because Keyv serializes JSON and Dates would come back as strings.
 */
export interface Paper {
	/** arXiv id without version when known, else `t-` + a short stable hash of the normalized title. */
	id: string;
	title: string;
	abstract: string;
	authors: string[];
	/** The listing day, `YYYY-MM-DD`. */
	listedOn: string;
	upvotes?: number;
	arxivId?: string;
	codeUrl?: string;
	projectUrl?: string;
	keywords?: string[];
	source: PaperSource;
}

const ARXIV_ID = /^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/i;

/** `2401.01234v2` → `2401.01234`; also old-style `hep-th/9901001v1`. Returns undefined for anything else. */
export function normalizeArxivId(raw: string): string | undefined {
	const match = ARXIV_ID.exec(raw.trim());
	return match?.[1];
}

/** Lower-case, accents folded, punctuation and whitespace collapsed: two spellings of one title compare equal. */
export function normalizeTitle(title: string): string {
	// Plain ASCII has no accents to fold; skipping NFKD halves the cost of deduping a large corpus.
	const folded = NON_ASCII.test(title) ? title.normalize('NFKD').replace(/\p{M}+/gu, '') : title;
	return folded
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Stable id for a paper with no arXiv id: the same title always maps to the same id, across restarts. */
export function titleId(title: string): string {
	return `t-${createHash('sha256').update(normalizeTitle(title)).digest('hex').slice(0, 12)}`;
}

export function paperIdFor(title: string, arxivId?: string): string {
	return arxivId ?? titleId(title);
}

/** Collapses hard line breaks and runs of whitespace (the HF API puts `\n  ` inside titles). */
export function cleanText(text: string): string {
	// Most text is already clean; testing first avoids rebuilding 100,000 abstracts at start-up.
	const edges = text.startsWith(' ') || text.endsWith(' ');
	return edges || MESSY_WHITESPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/** Any whitespace but a single space (the list of JavaScript's \s), or two spaces in a row. */
const MESSY_WHITESPACE = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]| {2}/;

/** The paper's page: Hugging Face's when the arXiv id is known (arXiv's abstract for old-style ids), else none. */
export function paperUrl(paper: Pick<Paper, 'arxivId'>): string | undefined {
	return paperPageUrl(paper.arxivId);
}
