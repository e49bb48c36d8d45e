import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cleanText, normalizeArxivId, type Paper } from '../paper.js';
import { capEntries } from './cut.js';
import { SourceError } from './source-error.js';
import type { RejectedEntry } from './types.js';

/** One Atom entry of the arXiv export API, read into plain fields; both the 2016 and the 2026 formats. */
export interface ArxivEntry {
	/** Without version: the dedupe key. */
	arxivId: string;
	version: number | undefined;
	title: string;
	summary: string;
	published: string;
	updated: string | undefined;
	authors: string[];
	primaryCategory: string | undefined;
	categories: string[];
	comment: string | undefined;
	links: ArxivLink[];
}

export interface ArxivLink {
	href: string;
	rel?: string;
	title?: string;
	type?: string;
}

export interface ArxivFeed {
	entries: ArxivEntry[];
	rejected: RejectedEntry[];
	/** Entries past PAPER_LIMITS.entriesPerPage, left out (a server that ignores max_results). */
	droppedEntries: number;
	totalResults: number | undefined;
	startIndex: number | undefined;
}

const SOURCE = 'arxiv';
const REPEATED = new Set(['entry', 'author', 'link', 'category']);
const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	// Namespaces are declared differently in every era (per element in the manual, once on <feed> later).
	removeNSPrefix: true,
	// Ids like 1605.08386 must stay strings.
	parseTagValue: false,
	parseAttributeValue: false,
	isArray: (name) => REPEATED.has(name),
});
const ABS_PATH = /\/abs\/(.+?)\/?$/;
const VERSION = /v(\d+)$/;
const GITHUB_URL = /https?:\/\/(?:www\.)?github\.com\/[\w.-]+\/[\w.-]+[\w-]/i;

/** Parses an export-API response. An API error (a lone entry titled "Error") or anything not an Atom feed throws. */
export function parseArxivFeed(xml: string, url: string): ArxivFeed {
	const valid = XMLValidator.validate(xml);
	if (valid !== true) throw new SourceError(SOURCE, url, `response is not well-formed XML (${valid.err.msg}, line ${valid.err.line})`);
	const document: unknown = parser.parse(xml);
	const feed = isRecord(document) ? document.feed : undefined;
	if (!isRecord(feed)) throw new SourceError(SOURCE, url, 'response is not an Atom feed (no <feed> element)');
	const allEntries: unknown[] = Array.isArray(feed.entry) ? feed.entry : [];
	const apiError = allEntries.find(isErrorEntry);
	if (apiError) throw new SourceError(SOURCE, url, `API error: ${textOf(apiError.summary) || 'unspecified'}`);
	const { kept: rawEntries, dropped } = capEntries(allEntries);

	const entries: ArxivEntry[] = [];
	const rejected: RejectedEntry[] = [];
	rawEntries.forEach((raw, index) => {
		const result = readEntry(raw);
		if (typeof result === 'string') rejected.push({ index, reason: result });
		else entries.push(result);
	});
	if (rawEntries.length > 0 && entries.length === 0) {
		throw new SourceError(SOURCE, url, `all ${rawEntries.length} entries are malformed (first: ${rejected[0]?.reason})`);
	}
	return { entries, rejected, droppedEntries: dropped, totalResults: numberOf(feed.totalResults), startIndex: numberOf(feed.startIndex) };
}

function isErrorEntry(raw: unknown): raw is Record<string, unknown> {
	return isRecord(raw) && textOf(raw.title) === 'Error' && textOf(raw.id).includes('/api/errors');
}

function readEntry(raw: unknown): ArxivEntry | string {
	if (!isRecord(raw)) return 'entry is not an element';
	const absId = ABS_PATH.exec(textOf(raw.id))?.[1];
	const arxivId = absId ? normalizeArxivId(absId) : undefined;
	if (!absId || !arxivId) return `id is not an arXiv abs URL: ${JSON.stringify(textOf(raw.id).slice(0, 80))}`;
	const title = cleanText(textOf(raw.title));
	if (!title) return `${arxivId}: missing title`;
	const published = textOf(raw.published);
	if (!Number.isFinite(Date.parse(published))) return `${arxivId}: missing or invalid published date`;
	const version = VERSION.exec(absId)?.[1];
	const primary = isRecord(raw.primary_category) ? attribute(raw.primary_category, 'term') : undefined;
	return {
		arxivId,
		version: version ? Number(version) : undefined,
		title,
		summary: cleanText(textOf(raw.summary)),
		published,
		updated: textOf(raw.updated) || undefined,
		authors: arrayOf(raw.author)
			.map((author) => cleanText(textOf(isRecord(author) ? author.name : undefined)))
			.filter(Boolean),
		primaryCategory: primary,
		categories: arrayOf(raw.category)
			.map((category) => attribute(category, 'term'))
			.filter((term): term is string => Boolean(term)),
		comment: cleanText(textOf(raw.comment)) || undefined,
		links: arrayOf(raw.link).flatMap(readLink),
	};
}

function readLink(raw: unknown): ArxivLink[] {
	const href = attribute(raw, 'href');
	if (!href) return [];
	const link: ArxivLink = { href };
	for (const key of ['rel', 'title', 'type'] as const) {
		const value = attribute(raw, key);
		if (value) link[key] = value;
	}
	return [link];
}

/** Listed on the UTC day it was first published; a later version keeps that day, so it is never re-listed. */
export function paperFromArxivEntry(entry: ArxivEntry): Paper {
	const paper: Paper = {
		id: entry.arxivId,
		title: entry.title,
		abstract: entry.summary,
		authors: entry.authors,
		listedOn: new Date(Date.parse(entry.published)).toISOString().slice(0, 10),
		arxivId: entry.arxivId,
		source: 'arxiv',
	};
	const codeUrl = GITHUB_URL.exec(entry.comment ?? '')?.[0] ?? GITHUB_URL.exec(entry.summary)?.[0];
	if (codeUrl) paper.codeUrl = codeUrl;
	return paper;
}

/** Element text whether the parser gave a plain string or `{ '#text', @attributes }`. */
function textOf(node: unknown): string {
	if (typeof node === 'string') return node;
	if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
	return '';
}

function attribute(node: unknown, name: string): string | undefined {
	const value = isRecord(node) ? node[`@${name}`] : undefined;
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function numberOf(node: unknown): number | undefined {
	const text = textOf(node).trim();
	return /^\d+$/.test(text) ? Number(text) : undefined;
}

function arrayOf(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	return value === undefined ? [] : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
