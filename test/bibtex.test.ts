import { parse, type Creator } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { citationKey, escapeLatex, formatAuthors, formatBibtex } from '../src/library/bibtex.js';
import type { SavedPaper } from '../src/store/records.js';
import { createRandom, nastyText } from './cards-support.js';

/**
 * Every file is read back with @retorquere/bibtex-parser (the parser behind Better BibTeX for Zotero): it must
 * report no error, and its LaTeX-to-Unicode decoding must give back exactly the title and authors saved.
 */

function saved(overrides: Partial<SavedPaper> = {}): SavedPaper {
	return {
		id: '1706.03762',
		arxivId: '1706.03762',
		title: 'Attention Is All You Need',
		authors: ['Ashish Vaswani', 'Noam Shazeer'],
		year: 2017,
		tags: [],
		savedAt: '2026-03-14T12:00:00.000Z',
		...overrides,
	};
}

/** No sentence-casing or case markup: the title as the file holds it. */
function parseBack(text: string) {
	const library = parse(text, { sentenceCase: false, english: false, caseProtection: false });
	expect(library.errors).toEqual([]);
	return library.entries;
}

function names(creators: Creator[] | undefined): string[] {
	return (creators ?? []).map((creator) => creator.name ?? [creator.firstName, creator.lastName].filter(Boolean).join(' '));
}

/** What a field keeps of a text: one line, spaces collapsed (escapeLatex's promise). */
function asOneLine(text: string): string {
	return text
		.normalize('NFC')
		.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/**
 * As TeX typesets it: -- and --- are the dashes authors mean by them. A backquote is written \textasciigrave, which
 * the parser decodes as U+02CB (its Unicode table's name for that command) rather than U+0060.
 */
function typeset(text: string): string {
	return asOneLine(text).replace(/---/g, '\u2014').replace(/--/g, '\u2013').replace(/`/g, '\u02cb');
}

describe('formatBibtex', () => {
	it('writes an arXiv @misc entry with eprint, archivePrefix, url, year and authors joined by and', () => {
		const text = formatBibtex([saved({ primaryClass: 'cs.CL' })]);
		expect(text).toBe(
			[
				'@misc{vaswani2017attention,',
				'  title         = {{Attention Is All You Need}},',
				'  author        = {Ashish Vaswani and Noam Shazeer},',
				'  year          = {2017},',
				'  eprint        = {1706.03762},',
				'  archivePrefix = {arXiv},',
				'  primaryClass  = {cs.CL},',
				'  url           = {https://arxiv.org/abs/1706.03762},',
				'}',
				'',
			].join('\n'),
		);
		const [entry] = parseBack(text);
		expect(entry).toMatchObject({
			type: 'misc',
			key: 'vaswani2017attention',
			fields: { title: 'Attention Is All You Need', year: '2017', eprint: '1706.03762', archiveprefix: 'arXiv', primaryclass: 'cs.CL' },
		});
		expect(entry?.fields.url).toBe('https://arxiv.org/abs/1706.03762');
		expect(names(entry?.fields.author)).toEqual(['Ashish Vaswani', 'Noam Shazeer']);
	});

	it('leaves out eprint and url for a paper without an arXiv id, and year when unknown', () => {
		const text = formatBibtex([saved({ id: 't-0123456789ab', arxivId: undefined, year: undefined, authors: [] })]);
		const [entry] = parseBack(text);
		expect(Object.keys(entry?.fields ?? {})).toEqual(['title']);
		expect(entry?.key).toBe('attention');
	});

	it('gives every entry its own citation key, b, c … after the first', () => {
		const text = formatBibtex([saved(), saved({ id: '1', arxivId: '2101.00001' }), saved({ id: '2', arxivId: '2101.00002' })]);
		expect(parseBack(text).map((entry) => entry.key)).toEqual(['vaswani2017attention', 'vaswani2017attentionb', 'vaswani2017attentionc']);
	});

	it('escapes every TeX special so the title reads back exactly', () => {
		const title = 'From r to Q^*: 50% of {LLMs} & $5 #1 a_b ~x \\ end';
		const [entry] = parseBack(formatBibtex([saved({ title })]));
		expect(entry?.fields.title).toBe(title);
	});

	it('marks authors the copy left out as "and others", and keeps an organisation one literal name', () => {
		const text = formatBibtex([saved({ authors: ['Ada Lovelace', 'OpenAI, Inc.', 'Research and Development Team'], authorsCut: true })]);
		expect(text).toContain('author        = {Ada Lovelace and {OpenAI, Inc.} and {Research and Development Team} and others},');
		expect(names(parseBack(text)[0]?.fields.author)).toEqual(['Ada Lovelace', 'OpenAI, Inc.', 'Research and Development Team', 'others']);
	});

	it('reads back 300 adversarial papers without an error, titles and authors intact, keys unique', () => {
		const random = createRandom(12);
		const papers = Array.from({ length: 300 }, (_, n) =>
			saved({
				id: `2401.${String(n).padStart(5, '0')}`,
				arxivId: `2401.${String(n).padStart(5, '0')}`,
				title: nastyText(random, 300) || 'x',
				authors: Array.from({ length: Math.floor(random() * 4) }, () => nastyText(random, 30)).filter((name) => asOneLine(name) !== ''),
				year: random() < 0.5 ? 2024 : undefined,
			}),
		);
		const entries = parseBack(formatBibtex(papers));
		expect(entries).toHaveLength(papers.length);
		expect(new Set(entries.map((entry) => entry.key)).size).toBe(papers.length);
		entries.forEach((entry, n) => {
			const paper = papers[n] as SavedPaper;
			expect(entry.fields.title).toBe(typeset(paper.title));
			expect(entry.fields.author?.length ?? 0).toBe(paper.authors.length);
		});
	});
});

describe('citationKey', () => {
	it('folds accents, drops stop words and falls back to the id when nothing is left', () => {
		expect(citationKey({ authors: ['Jürgen Schmidhuber'], year: 1997, title: 'Long Short-Term Memory', id: 'x' })).toBe('schmidhuber1997long');
		expect(citationKey({ authors: [], year: 2026, title: 'On the Origin', id: 't-00ab' })).toBe('2026origin');
		expect(citationKey({ authors: [], year: 2026, title: '論文', id: 't-00ab' })).toBe('papert00ab2026');
	});
});

describe('escapeLatex', () => {
	it('turns line breaks and controls into single spaces', () => {
		expect(escapeLatex('a\n\tb\u0000 c')).toBe('a b c');
	});
});

describe('formatAuthors', () => {
	it('writes nothing for no authors, even when marked cut', () => {
		expect(formatAuthors([], true)).toBe('');
	});
});
