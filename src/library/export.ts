import { UserError } from '../errors.js';
import type { SavedPaper } from '../store/records.js';
import { formatBibtex } from './bibtex.js';
import { formatCsv } from './csv.js';
import { LibraryMessages } from './messages.js';

export const EXPORT_FORMATS = ['bibtex', 'csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportFile {
	/** ASCII letters, digits, '-' and '.': a name Discord keeps as it is. */
	filename: string;
	contentType: string;
	text: string;
	bytes: number;
}

const FORMAT_DETAILS: Record<ExportFormat, { extension: string; contentType: string; label: string }> = {
	bibtex: { extension: 'bib', contentType: 'application/x-bibtex; charset=utf-8', label: 'BibTeX' },
	csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8', label: 'CSV' },
	json: { extension: 'json', contentType: 'application/json; charset=utf-8', label: 'JSON' },
};

export const CSV_HEADER = ['id', 'arxiv_id', 'title', 'authors', 'year', 'listed_on', 'tags', 'saved_at', 'url'] as const;

export function isExportFormat(value: string): value is ExportFormat {
	return (EXPORT_FORMATS as readonly string[]).includes(value);
}

export function formatLabel(format: ExportFormat): string {
	return FORMAT_DETAILS[format].label;
}

/** The file for `papers` in `format`; over `maxBytes` (Discord's upload limit) it is a UserError, never a failed upload. */
export function buildExport(papers: readonly SavedPaper[], format: ExportFormat, tag: string | undefined, maxBytes: number): ExportFile {
	if (papers.length === 0) throw new UserError(LibraryMessages.emptyLibrary);
	const { extension, contentType } = FORMAT_DETAILS[format];
	const text = format === 'bibtex' ? formatBibtex(papers) : format === 'csv' ? formatLibraryCsv(papers) : formatLibraryJson(papers);
	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > maxBytes) throw new UserError(LibraryMessages.exportTooLarge(bytes, maxBytes));
	return { filename: exportFilename(tag, extension), contentType, text, bytes };
}

export function formatLibraryCsv(papers: readonly SavedPaper[]): string {
	return formatCsv(
		CSV_HEADER,
		papers.map((paper) => [
			paper.id,
			paper.arxivId,
			paper.title,
			paper.authors.join('; ') + (paper.authorsCut ? '; et al.' : ''),
			paper.year,
			paper.listedOn,
			paper.tags.join(' '),
			paper.savedAt,
			paperLink(paper),
		]),
	);
}

/** An array of plain objects, fields absent when unknown, so a script reads it without guessing. */
export function formatLibraryJson(papers: readonly SavedPaper[]): string {
	const entries = papers.map((paper) => {
		const url = paperLink(paper);
		return {
			id: paper.id,
			...(paper.arxivId ? { arxivId: paper.arxivId } : {}),
			title: paper.title,
			authors: paper.authors,
			...(paper.authorsCut ? { authorsCut: true } : {}),
			...(paper.year === undefined ? {} : { year: paper.year }),
			...(paper.listedOn ? { listedOn: paper.listedOn } : {}),
			tags: paper.tags,
			savedAt: paper.savedAt,
			...(url ? { url } : {}),
		};
	});
	return `${JSON.stringify(entries, null, 2)}\n`;
}

/** The arXiv abstract page; a paper without an arXiv id has no page of its own to point at. */
function paperLink(paper: SavedPaper): string | undefined {
	return paper.arxivId ? `https://arxiv.org/abs/${paper.arxivId}` : undefined;
}

/** `paperboy-library.bib`, `paperboy-library-to-read.csv`; a tag with no ASCII letters or digits is left out of the name. */
export function exportFilename(tag: string | undefined, extension: string): string {
	const slug = (tag ?? '')
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.replace(/[^A-Za-z0-9-]+/g, '')
		.replace(/^-+|-+$/g, '');
	return `paperboy-library${slug ? `-${slug}` : ''}.${extension}`;
}
