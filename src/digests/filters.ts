import { UserError } from '../errors.js';
import { normalizeTitle, type Paper } from '../papers/paper.js';
import type { DigestSchedule } from '../store/records.js';
import { DigestMessages } from './messages.js';

/**
 * What narrows a digest beyond its topics: `include` (a paper must contain one of these words or phrases), `exclude`
 * (a paper containing one is dropped) and `authors` (followed like topics, by name). Words match at word starts, as
 * search's `-word` does (`video` also matches `videos`); a phrase's words must stand together and in order.
 */

export const FilterLimits = Object.freeze({
	phrases: 25,
	phraseLength: 100,
	authors: 25,
	/** As long as an author name a source may send (src/papers/limits.ts). */
	authorLength: 200,
});

/** Typed as the value of an option to clear that list on an update. */
export const CLEAR_WORD = 'none';

/** Comma-separated phrases, trimmed, case-insensitive duplicates dropped. `none` → an empty list (clears on update). */
export function parsePhrases(raw: string, option: 'include' | 'exclude'): string[] {
	return parseList(
		raw,
		FilterLimits.phrases,
		FilterLimits.phraseLength,
		(count, max) => DigestMessages.tooManyPhrases(option, count, max),
		(length, max) => DigestMessages.phraseTooLong(option, length, max),
	);
}

/** Comma-separated author names (`Ada Lovelace, G. Hinton`). */
export function parseAuthors(raw: string): string[] {
	const authors = parseList(raw, FilterLimits.authors, FilterLimits.authorLength, DigestMessages.tooManyAuthors, DigestMessages.authorTooLong);
	for (const author of authors) if (normalizeAuthor(author) === '') throw new UserError(DigestMessages.authorNoLetters(author));
	return authors;
}

function parseList(
	raw: string,
	maxCount: number,
	maxLength: number,
	tooMany: (count: number, max: number) => string,
	tooLong: (length: number, max: number) => string,
): string[] {
	if (raw.trim().toLowerCase() === CLEAR_WORD) return [];
	const items: string[] = [];
	const seen = new Set<string>();
	for (const part of raw.split(',')) {
		const item = part.trim().replace(/\s+/g, ' ');
		if (!item) continue;
		if (item.length > maxLength) throw new UserError(tooLong(item.length, maxLength));
		const key = item.toLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		items.push(item);
	}
	if (items.length > maxCount) throw new UserError(tooMany(items.length, maxCount));
	return items;
}

/**
 * An author name as compared: accents folded, case and punctuation dropped, spaces collapsed (`José  García-López` →
 * `jose garcia lopez`). Two names are the same author only when these are equal; `Hinton` is not `Geoffrey Hinton`.
 */
export function normalizeAuthor(name: string): string {
	return normalizeTitle(name);
}

/** The ids of `papers` with one of `authors` among their authors. */
export function matchAuthors(authors: readonly string[], papers: readonly Paper[]): ReadonlySet<string> {
	const wanted = new Set(authors.map(normalizeAuthor).filter(Boolean));
	const ids = new Set<string>();
	if (wanted.size === 0) return ids;
	for (const paper of papers) if ((paper.authors ?? []).some((author) => wanted.has(normalizeAuthor(author)))) ids.add(paper.id);
	return ids;
}

/** The schedule's include/exclude test, or undefined when it has neither (every paper passes). */
export function phraseFilter(schedule: Pick<DigestSchedule, 'include' | 'exclude'>): ((paper: Paper) => boolean) | undefined {
	const include = (schedule.include ?? []).map(normalizePhrase).filter(Boolean);
	const exclude = (schedule.exclude ?? []).map(normalizePhrase).filter(Boolean);
	if (include.length === 0 && exclude.length === 0) return undefined;
	return (paper) => {
		const text = phraseText(paper);
		if (include.length > 0 && !include.some((phrase) => text.includes(phrase))) return false;
		return !exclude.some((phrase) => text.includes(phrase));
	};
}

/** ` word word`: found in a paper's text only where its first word starts a word. */
function normalizePhrase(phrase: string): string {
	const words = normalizeTitle(phrase);
	return words ? ` ${words}` : '';
}

const phraseTexts = new WeakMap<Paper, string>();

/** Title, abstract and keywords, normalized once per paper object (a pass asks about the same recent papers often). */
function phraseText(paper: Paper): string {
	let text = phraseTexts.get(paper);
	if (text === undefined) {
		text = ` ${normalizeTitle([paper.title, paper.abstract, ...(paper.keywords ?? [])].join(' '))} `;
		phraseTexts.set(paper, text);
	}
	return text;
}

/** Whether the schedule follows anything (topics or authors); without either it takes every new paper. */
export function followsSomething(schedule: Pick<DigestSchedule, 'topics' | 'authors'>): boolean {
	return schedule.topics.length > 0 || (schedule.authors ?? []).length > 0;
}

/** A stable key of everything that decides which papers a schedule takes, for sharing work between targets of a pass. */
export function selectionKey(schedule: Pick<DigestSchedule, 'topics' | 'authors' | 'include' | 'exclude'>): string {
	const part = (items: readonly string[] | undefined) =>
		(items ?? [])
			.map((item) => item.toLowerCase())
			.sort()
			.join('\u0000');
	return [part(schedule.topics), part(schedule.authors), part(schedule.include), part(schedule.exclude)].join('\u0001');
}
