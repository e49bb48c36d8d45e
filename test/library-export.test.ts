import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { buildExport, CSV_HEADER, exportFilename, formatLibraryCsv, formatLibraryJson } from '../src/library/export.js';
import { LibraryMessages } from '../src/library/messages.js';
import type { SavedPaper } from '../src/store/records.js';

const PAPERS: SavedPaper[] = [
	{
		id: '2403.09611',
		arxivId: '2403.09611',
		title: 'From r to Q^*: Your Language Model is Secretly a Q-Function',
		authors: ['Rafael Rafailov', 'Joey Hejna'],
		year: 2024,
		listedOn: '2024-04-19',
		tags: ['rlhf', 'to-read'],
		savedAt: '2026-03-14T12:00:00.000Z',
	},
	{ id: 't-b6da3eceecac', title: 'VQ4DiT, "quoted"', authors: [], tags: [], savedAt: '2026-03-14T12:01:00.000Z', listedOn: '2026-03-14', year: 2026 },
];

describe('buildExport', () => {
	it('names the file by format and tag, and sizes it in bytes', () => {
		const file = buildExport(PAPERS, 'bibtex', 'to-read', 10_000);
		expect(file).toMatchObject({ filename: 'paperboy-library-to-read.bib', contentType: 'application/x-bibtex; charset=utf-8' });
		expect(file.bytes).toBe(Buffer.byteLength(file.text));
		expect(parseBibtex(file.text).entries).toHaveLength(2);
		expect(buildExport(PAPERS, 'csv', undefined, 10_000).filename).toBe('paperboy-library.csv');
		expect(buildExport(PAPERS, 'json', undefined, 10_000).filename).toBe('paperboy-library.json');
	});

	it('refuses an empty export and one over the upload limit, naming the size', () => {
		expect(() => buildExport([], 'json', undefined, 10_000)).toThrow(new UserError(LibraryMessages.emptyLibrary));
		const big = buildExport(PAPERS, 'json', undefined, 10_000).bytes;
		expect(() => buildExport(PAPERS, 'json', undefined, big - 1)).toThrow(LibraryMessages.exportTooLarge(big, big - 1));
	});
});

describe('formatLibraryCsv', () => {
	it('writes a header and one row per paper that RFC 4180 reads back', () => {
		const rows = parseCsv(formatLibraryCsv(PAPERS), { relax_quotes: false, record_delimiter: '\r\n' }) as string[][];
		expect(rows[0]).toEqual([...CSV_HEADER]);
		expect(rows[1]).toEqual([
			'2403.09611',
			'2403.09611',
			'From r to Q^*: Your Language Model is Secretly a Q-Function',
			'Rafael Rafailov; Joey Hejna',
			'2024',
			'2024-04-19',
			'rlhf to-read',
			'2026-03-14T12:00:00.000Z',
			'https://arxiv.org/abs/2403.09611',
		]);
		expect(rows[2]).toEqual(['t-b6da3eceecac', '', 'VQ4DiT, "quoted"', '', '2026', '2026-03-14', '', '2026-03-14T12:01:00.000Z', '']);
	});
});

describe('formatLibraryJson', () => {
	it('writes an array of plain objects, leaving out what is unknown', () => {
		const back = JSON.parse(formatLibraryJson(PAPERS)) as unknown[];
		expect(Array.isArray(back)).toBe(true);
		expect(back[0]).toEqual({
			id: '2403.09611',
			arxivId: '2403.09611',
			title: 'From r to Q^*: Your Language Model is Secretly a Q-Function',
			authors: ['Rafael Rafailov', 'Joey Hejna'],
			year: 2024,
			listedOn: '2024-04-19',
			tags: ['rlhf', 'to-read'],
			savedAt: '2026-03-14T12:00:00.000Z',
			url: 'https://arxiv.org/abs/2403.09611',
		});
		expect(Object.keys(back[1] as object)).toEqual(['id', 'title', 'authors', 'year', 'listedOn', 'tags', 'savedAt']);
	});
});

describe('exportFilename', () => {
	it('keeps only ASCII letters, digits and dashes of the tag, leaving a tag with none out', () => {
		expect(exportFilename('grüße', 'csv')).toBe('paperboy-library-grue.csv');
		expect(exportFilename('論文', 'bib')).toBe('paperboy-library.bib');
	});
});
