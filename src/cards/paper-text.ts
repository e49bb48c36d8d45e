import { arxivLinks, arxivTitleSearchUrl } from '../papers/links.js';
import { paperUrl, type Paper } from '../papers/paper.js';
import { cleanForDiscord, measureLength, toPlainText, toSafeMarkdown } from './escape.js';

/** The pieces of a paper every card and list shows, each made safe and bounded for Discord. */

/** Hugging Face yellow: cards are recognisable at a glance in a busy channel. */
export const CARD_COLOR = 0xffd21e;

/** The paper's page (see paperUrl) when its arXiv id is known and the URL fits; a paper without one links nowhere. */
export function boundedPaperUrl(paper: Pick<Paper, 'arxivId' | 'title'>, max: number): string | undefined {
	const url = paperUrl(paper);
	return url && measureLength(url) <= max ? linkSafe(url) : undefined;
}

/** arXiv's abstract page, its PDF and Hugging Face's page, each only for a real arXiv id and when it fits. */
export function arxivPageUrls(paper: Pick<Paper, 'arxivId'>, max: number): { abstract?: string; pdf?: string; huggingFace?: string } {
	const links = arxivLinks(paper.arxivId);
	if (!links) return {};
	const fitting = (url: string | undefined) => (url && measureLength(url) <= max ? linkSafe(url) : undefined);
	return dropUndefined({ abstract: fitting(links.abstract), pdf: fitting(links.pdf), huggingFace: fitting(links.huggingFace) });
}

/**
 * An arXiv title search in at most max characters. A search URL for a long or non-Latin title can run
 * to thousands of characters once percent-encoded, so the title is shortened to fit.
 */
export function boundedTitleSearchUrl(paper: Pick<Paper, 'title'>, max: number): string | undefined {
	const title = cleanForDiscord(paper.title, { singleLine: true });
	if (title === '') return undefined;
	const full = linkSafe(arxivTitleSearchUrl(title));
	if (measureLength(full) <= max) return full;
	const base = measureLength(linkSafe(arxivTitleSearchUrl('')));
	let kept = '';
	let length = base;
	for (const char of title) {
		length += linkSafe(encodeURIComponent(char)).length;
		if (length > max) break;
		kept += char;
	}
	const shortened = linkSafe(arxivTitleSearchUrl(kept.trim()));
	return kept.trim() && measureLength(shortened) <= max ? shortened : undefined;
}

function dropUndefined<T extends Record<string, string | undefined>>(record: T): { [K in keyof T]?: string } {
	return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: string };
}

/** An http(s) URL from the data, if it is one and fits; anything else (javascript:, spaces, 3 kB) is dropped. */
export function safeHttpUrl(raw: string | undefined, max: number): string | undefined {
	if (typeof raw !== 'string' || /\s/.test(raw.trim())) return undefined;
	try {
		const url = new URL(raw.trim());
		if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
		const text = linkSafe(url.href);
		return measureLength(text) <= max ? text : undefined;
	} catch {
		return undefined;
	}
}

/** Parentheses would end a markdown masked link early; percent-encoding them keeps the same URL. */
function linkSafe(url: string): string {
	return url.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** `[github.com/owner/repo](https://…)`: a readable masked link for a field. */
export function maskedLink(url: string, maxText: number): string {
	const shown = url.replace(/^https?:\/\/(www\.)?/, '').replace(/\/$/, '');
	return `[${toSafeMarkdown(shown, maxText)}](${url})`;
}

/** Escaped title, never empty (an empty title falls back to the paper id). */
export function safeTitle(paper: Pick<Paper, 'title' | 'id'>, max: number): string {
	const title = toSafeMarkdown(paper.title, max);
	return title !== '' ? title : toSafeMarkdown(`Untitled paper ${paper.id}`, max);
}

/** Plain title for labels and choices, where Discord renders no markdown. */
export function plainTitle(paper: Pick<Paper, 'title' | 'id'>, max: number): string {
	const title = toPlainText(paper.title, max);
	return title !== '' ? title : toPlainText(paper.id || 'Untitled paper', max);
}

/** "A, B, C and 497 more" within budget characters, names escaped. Empty string when there are no authors. */
export function formatAuthors(authors: readonly string[], budget: number, maxShown: number, maxName: number): string {
	const names = authors.map((name) => toSafeMarkdown(String(name), maxName)).filter((name) => name !== '');
	let shown = '';
	let count = 0;
	for (const name of names) {
		if (count >= maxShown) break;
		const rest = names.length - count - 1;
		const next = count === 0 ? name : `${shown}, ${name}`;
		const reserve = rest > 0 ? ` and ${rest} more`.length : 0;
		if (measureLength(next) + reserve > budget) break;
		shown = next;
		count++;
	}
	if (count === 0 && names.length > 0) return toSafeMarkdown(`${names.length} authors`, budget);
	return count < names.length ? `${shown} and ${names.length - count} more` : shown;
}

/** "Ada Lovelace et al." for one-line list entries. */
export function shortAuthors(authors: readonly string[], max: number): string {
	const names = authors.map((name) => cleanForDiscord(String(name), { singleLine: true })).filter((name) => name !== '');
	if (names.length === 0) return '';
	const suffix = names.length > 1 ? ' et al.' : '';
	return `${toSafeMarkdown(names[0] ?? '', max - suffix.length)}${suffix}`;
}

/** `▲ 1,234`, or undefined when the count is unknown or nonsense. */
export function formatUpvotes(upvotes: number | undefined): string | undefined {
	if (typeof upvotes !== 'number' || !Number.isFinite(upvotes) || upvotes < 0) return undefined;
	const count = Math.min(Math.round(upvotes), Number.MAX_SAFE_INTEGER);
	return `▲ ${formatCount(count)}`;
}

/**
 * A whole number as `toLocaleString('en-US')` writes it ("1,234"). Below 1,000 that is its digits, which
 * String gives forty times faster: a digest fan-out formats tens of thousands of counts.
 */
export function formatCount(count: number): string {
	return count >= 0 && count < 1000 ? String(count) : count.toLocaleString('en-US');
}

/** The listing day as shown; bounded because a bad loader could put anything there. */
export function formatDay(day: string): string {
	return toSafeMarkdown(String(day ?? ''), 32);
}
