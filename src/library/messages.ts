import { quoteInput } from '../cards/escape.js';
import { LibraryLimits } from './limits.js';

/** Every user-facing text of the library (/paper save, library, unsave, tag, export), in one place. */
export const LibraryMessages = Object.freeze({
	tagEmpty: 'A tag needs at least one letter or digit, e.g. to-read.',
	tagTooLong: (tag: string, length: number) =>
		`The tag “${quote(tag, 40)}” is ${count(length)} characters long; a tag has 1 to ${LibraryLimits.tagChars} characters.`,
	tagBadCharacters: (tag: string) =>
		`The tag “${quote(tag, 40)}” can only use letters, digits and '-', starting with a letter or digit (e.g. to-read, rlhf, 2024).`,
	noTagsGiven: 'Name at least one tag, e.g. tags:to-read (several: separate them with spaces or commas).',
	tooManyTags: (title: string, wanted: number) =>
		`“${quote(title)}” would have ${count(wanted)} tags; a paper can have at most ${LibraryLimits.tagsPerPaper}. Remove some with /paper tag remove.`,
	libraryFull: `Your library is full: it holds ${count(LibraryLimits.papersPerUser)} papers, the most it can. Remove some with /paper unsave first.`,
	emptyLibrary: 'Your library is empty. Save a paper with /paper save, or the Save button on any paper card or digest.',
	notSaved: (ref: string) => `“${quote(ref)}” is not in your library. Save it first with /paper save, or pick one of the suggestions.`,
	unknownTag: (tag: string, tags: readonly string[]) =>
		tags.length === 0
			? `No paper in your library is tagged “${quote(tag, 40)}”; you have no tags yet. Add one with /paper tag add.`
			: `No paper in your library is tagged “${quote(tag, 40)}”. Your tags: ${listTags(tags)}.`,
	tagNotOnPaper: (title: string, missing: readonly string[], tags: readonly string[]) =>
		`“${quote(title)}” has no tag ${missing.map((tag) => `“${quote(tag, 40)}”`).join(', ')}; ` +
		(tags.length === 0 ? 'it has no tags.' : `its tags: ${listTags(tags)}.`) +
		' Nothing was changed.',
	pageOutOfRange: (page: number, pageCount: number) =>
		`There is no page ${count(page)}: ${pageCount === 1 ? 'it has 1 page' : `it has pages 1 to ${count(pageCount)}`}.`,
	exportTooLarge: (bytes: number, limit: number) =>
		`That export would be ${megabytes(bytes)}, over Discord's ${megabytes(limit)} file limit. Export one tag at a time with /paper export tag:…`,
	saved: (title: string, total: number, tags: readonly string[]) =>
		`Saved “${quote(title)}” to your library (${papers(total)})${tags.length > 0 ? `, tagged ${listTags(tags)}` : ''}. See it with /paper library.`,
	alreadySaved: (title: string, total: number, tags: readonly string[]) =>
		`“${quote(title)}” is already in your library (${papers(total)})${tags.length > 0 ? `; its tags: ${listTags(tags)}` : ''}.`,
	unsaved: (title: string, total: number) => `Removed “${quote(title)}” from your library (${papers(total)} left).`,
	tagsAdded: (title: string, tags: readonly string[]) => `“${quote(title)}” is now tagged ${listTags(tags)}.`,
	tagsRemoved: (title: string, removed: readonly string[], left: readonly string[]) =>
		`Removed ${listTags(removed)} from “${quote(title)}”; ${left.length === 0 ? 'it has no tags now' : `its tags: ${listTags(left)}`}.`,
	exported: (total: number, format: string, tag: string | undefined) =>
		`Your library${tag ? ` (tag “${quote(tag, 40)}”)` : ''} as ${format}: ${papers(total)}. Only you can see this file.`,
	unknownFormat: (format: string) => `“${quote(format, 20)}” is not an export format: pick bibtex, csv or json.`,
	nothingToRecommend: (windowDays: number) =>
		`Nothing listed in the last ${windowDays} days is close to your saved papers. Save a few more, or try /paper trending.`,
	forYouTitle: (tag: string | undefined) => (tag ? `Picked for you · ${quote(tag, 40)}` : 'Picked for you'),
	forYouFooter: (saved: number, windowDays: number) => `From your ${papers(saved)} saved · papers listed in the last ${windowDays} days`,
	libraryTitle: (tag: string | undefined) => (tag ? `Your library · ${quote(tag, 40)}` : 'Your library'),
	libraryFooter: (total: number, tag: string | undefined) => `${papers(total)}${tag ? ` tagged ${tag}` : ''} · newest first`,
});

function quote(text: string, max = 80): string {
	return quoteInput(text, max);
}

function count(value: number): string {
	return value.toLocaleString('en-US');
}

function papers(total: number): string {
	return `${count(total)} paper${total === 1 ? '' : 's'}`;
}

function listTags(tags: readonly string[]): string {
	const shown = tags.slice(0, LibraryLimits.tagsListed).map((tag) => quote(tag, 40));
	const hidden = tags.length - shown.length;
	return hidden > 0 ? `${shown.join(', ')} and ${count(hidden)} more` : shown.join(', ');
}

function megabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
