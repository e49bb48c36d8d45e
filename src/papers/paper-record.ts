import { isRecord, paperFromHfEntry } from './hf-entry.js';
import { cleanText, normalizeArxivId, paperIdFor, type Paper, type PaperSource } from './paper.js';

/**
 * Turns one JSON record into a Paper, whichever of the two shapes it has: a Hugging Face Daily
 * Papers API entry, or a Paper exported by Paperboy itself. A record that is neither gets a reason.
 */

export type RecordResult = { ok: true; paper: Paper } | { ok: false; reason: string };

const SOURCES: readonly PaperSource[] = ['seed-dump', 'hf-daily', 'paper-json', 'arxiv'];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function paperFromRecord(value: unknown): RecordResult {
	if (typeof value === 'string' && /^\s*\{\s*'/.test(value)) {
		// One archived day stored each entry as Python's str(dict): quoted with ' and True/False, not JSON.
		return { ok: false, reason: `a Python repr string, not a JSON object (${preview(value)})` };
	}
	if (isRecord(value) && !isRecord(value.paper) && !('summary' in value) && ('abstract' in value || 'listedOn' in value)) {
		return paperFromExport(value);
	}
	return paperFromHfEntry(value);
}

/** A Paper as Paperboy writes it; every field is checked because the file may have been edited by hand. */
export function paperFromExport(record: Record<string, unknown>): RecordResult {
	const fail = (reason: string): RecordResult => ({ ok: false, reason });
	const title = typeof record.title === 'string' ? cleanText(record.title) : '';
	if (!title) return fail('missing title');
	if (typeof record.abstract !== 'string') return fail('missing abstract');
	if (typeof record.listedOn !== 'string' || !isRealDay(record.listedOn)) {
		return fail(`listedOn must be a YYYY-MM-DD date (got ${JSON.stringify(record.listedOn) ?? 'nothing'})`);
	}
	const authors = record.authors ?? [];
	if (!isStringList(authors)) return fail('authors must be a list of names');

	let arxivId: string | undefined;
	if (record.arxivId !== undefined) {
		arxivId = typeof record.arxivId === 'string' ? normalizeArxivId(record.arxivId) : undefined;
		if (!arxivId) return fail(`arxivId is not an arXiv id (got ${JSON.stringify(record.arxivId)})`);
	} else if (typeof record.id === 'string') {
		arxivId = normalizeArxivId(record.id);
	}

	const source = SOURCES.includes(record.source as PaperSource) ? (record.source as PaperSource) : 'paper-json';
	const paper: Paper = {
		id: paperIdFor(title, arxivId),
		title,
		abstract: cleanText(record.abstract),
		authors: authors.map(cleanText).filter(Boolean),
		listedOn: record.listedOn,
		source,
	};
	if (arxivId) paper.arxivId = arxivId;
	if (record.upvotes !== undefined) {
		if (typeof record.upvotes !== 'number' || !Number.isFinite(record.upvotes) || record.upvotes < 0) return fail('upvotes must be a number ≥ 0');
		paper.upvotes = record.upvotes;
	}
	for (const field of ['codeUrl', 'projectUrl'] as const) {
		const url = record[field];
		if (url === undefined) continue;
		if (typeof url !== 'string' || !/^https?:\/\/\S+$/i.test(url)) return fail(`${field} must be an http(s) URL`);
		paper[field] = url;
	}
	if (record.keywords !== undefined) {
		if (!isStringList(record.keywords)) return fail('keywords must be a list of strings');
		const keywords = record.keywords.map(cleanText).filter(Boolean);
		if (keywords.length > 0) paper.keywords = keywords;
	}
	return { ok: true, paper };
}

function isRealDay(value: string): boolean {
	if (!ISO_DAY.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function isStringList(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function preview(text: string): string {
	return JSON.stringify(text.length > 50 ? `${text.slice(0, 50)}…` : text);
}
