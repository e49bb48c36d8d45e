import { findAbstractLinks } from './links.js';
import { cleanText, normalizeArxivId, paperIdFor, type Paper } from './paper.js';

/**
 * Maps one Hugging Face Daily Papers API entry (`{ paper: {...}, publishedAt, ... }`) to a Paper.
 * The API's format drifted over 2024–2026: only id, authors, publishedAt, title, summary and upvotes
 * are always present, so everything else is read defensively and a missing field is simply absent.
 */

export type HfEntryResult = { ok: true; paper: Paper } | { ok: false; reason: string };

export function paperFromHfEntry(entry: unknown, listedOn?: string): HfEntryResult {
	if (!isRecord(entry)) return { ok: false, reason: `expected an object, got ${describe(entry)}` };
	// The API nests the paper; our own exports and some dumps are flat.
	const raw = isRecord(entry.paper) ? entry.paper : entry;
	const title = typeof raw.title === 'string' ? cleanText(raw.title) : typeof entry.title === 'string' ? cleanText(entry.title) : '';
	if (!title) return { ok: false, reason: 'missing title' };
	const abstract = cleanText(stringOr(raw.summary) ?? stringOr(entry.summary) ?? '');
	const arxivId = typeof raw.id === 'string' ? normalizeArxivId(raw.id) : undefined;
	const day = listedOn ?? listingDay(entry, raw);
	if (!day) return { ok: false, reason: 'no usable date (publishedAt)' };

	const paper: Paper = {
		id: paperIdFor(title, arxivId),
		title,
		abstract,
		authors: readAuthors(raw.authors),
		listedOn: day,
		source: 'hf-daily',
	};
	if (arxivId) paper.arxivId = arxivId;
	if (typeof raw.upvotes === 'number' && Number.isFinite(raw.upvotes)) paper.upvotes = raw.upvotes;
	// Abstract links end in sentence punctuation (`github.com/x/y.`), which findAbstractLinks trims.
	const links = findAbstractLinks(abstract);
	const codeUrl = httpUrl(raw.githubRepo) ?? links.codeUrl;
	if (codeUrl) paper.codeUrl = codeUrl;
	const projectUrl = httpUrl(raw.projectPage) ?? links.projectUrl;
	if (projectUrl) paper.projectUrl = projectUrl;
	const keywords = Array.isArray(raw.ai_keywords) ? raw.ai_keywords.filter((k): k is string => typeof k === 'string' && k.trim() !== '').map(cleanText) : [];
	if (keywords.length > 0) paper.keywords = keywords;
	return { ok: true, paper };
}

/**
 * The listing day. Older entries carry it in the entry's `publishedAt`; newer ones set that to the
 * evening before and put the day in `paper.submittedOnDailyAt`, which in turn can fall days *before*
 * the listing for older entries. The later of the two is the listing day in every era.
 */
function listingDay(entry: Record<string, unknown>, raw: Record<string, unknown>): string | undefined {
	const candidates = [entry.publishedAt, raw.submittedOnDailyAt, raw.publishedAt]
		.map((value) => (typeof value === 'string' ? Date.parse(value) : Number.NaN))
		.filter((time) => Number.isFinite(time));
	const primary = candidates.slice(0, 2);
	const chosen = primary.length > 0 ? Math.max(...primary) : candidates[0];
	return chosen === undefined ? undefined : new Date(chosen).toISOString().slice(0, 10);
}

function readAuthors(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	const names: string[] = [];
	for (const author of value) {
		const name = typeof author === 'string' ? author : isRecord(author) && typeof author.name === 'string' ? author.name : undefined;
		// Hidden authors are still authors of the paper; only an unnamed record is skipped.
		if (name?.trim()) names.push(cleanText(name));
	}
	return names;
}

function httpUrl(value: unknown): string | undefined {
	return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim()) ? value.trim() : undefined;
}

function stringOr(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'string' ? `a string (${JSON.stringify(value.slice(0, 40))}…)` : typeof value;
}
