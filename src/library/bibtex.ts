import type { SavedPaper } from '../store/records.js';

/**
 * BibTeX for saved papers, as arXiv's own export writes preprints: `@misc` with eprint, archivePrefix and
 * primaryClass (when known), authors joined by " and ", the title in double braces so styles keep its capitals.
 * Field text is escaped for (La)TeX; braces are written as commands because BibTeX counts every brace, escaped
 * or not, and a lone `\{` would end the field early.
 */

const LATEX_SPECIALS: Readonly<Record<string, string>> = Object.freeze({
	'\\': '\\textbackslash{}',
	'{': '\\textbraceleft{}',
	'}': '\\textbraceright{}',
	'%': '\\%',
	'&': '\\&',
	$: '\\$',
	'#': '\\#',
	_: '\\_',
	'^': '\\textasciicircum{}',
	'~': '\\textasciitilde{}',
	// OT1, TeX's default font encoding, sets these three as ¡, ¿ and an em dash.
	'<': '\\textless{}',
	'>': '\\textgreater{}',
	'|': '\\textbar{}',
	// A backquote opens a typographic quote in TeX; a title's backquote is a backquote.
	'`': '\\textasciigrave{}',
});
const SPECIAL = /[\\{}%&$#_^~<>|`]/g;
/** TeX's ligatures a plain-text title never means: '' (a closing quote) and ,, (a low quote). Dashes stay typographic. */
const STRAY_LIGATURE = /([',])(?=\1)/g;
/** Control characters and line breaks have no place inside one field. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One `@misc` entry per paper, citation keys unique within the file, entries separated by a blank line. */
export function formatBibtex(papers: readonly SavedPaper[]): string {
	const keys = new Set<string>();
	return papers.map((paper) => formatEntry(paper, uniqueKey(citationKey(paper), keys))).join('\n');
}

function formatEntry(paper: SavedPaper, key: string): string {
	const fields: [string, string][] = [['title', `{${escapeLatex(paper.title)}}`]];
	const authors = formatAuthors(paper.authors, paper.authorsCut === true);
	if (authors) fields.push(['author', authors]);
	if (paper.year !== undefined) fields.push(['year', String(paper.year)]);
	if (paper.arxivId) {
		fields.push(['eprint', paper.arxivId], ['archivePrefix', 'arXiv']);
		if (paper.primaryClass) fields.push(['primaryClass', escapeLatex(paper.primaryClass)]);
		fields.push(['url', `https://arxiv.org/abs/${paper.arxivId}`]);
	}
	const width = Math.max(...fields.map(([name]) => name.length));
	const lines = fields.map(([name, value]) => `  ${name.padEnd(width)} = {${value}},`);
	return `@misc{${key},\n${lines.join('\n')}\n}\n`;
}

/**
 * "First Last and …": BibTeX reads the last word as the family name. A name holding a comma or the word "and"
 * (an organisation) is braced so it stays one literal name; "and others" marks the authors the copy left out.
 */
export function formatAuthors(authors: readonly string[], more: boolean): string {
	const names = authors.map((name) => escapeLatex(name)).filter((name) => name !== '');
	const literal = names.map((name) => (/,|\band\b/i.test(name) ? `{${name}}` : name));
	if (more && literal.length > 0) literal.push('others');
	return literal.join(' and ');
}

/** Text safe inside a braced BibTeX field: specials escaped, controls turned to spaces, runs of space collapsed. */
export function escapeLatex(text: string): string {
	return String(text)
		.normalize('NFC')
		.replace(CONTROL, ' ')
		.replace(SPECIAL, (char) => LATEX_SPECIALS[char] ?? char)
		.replace(STRAY_LIGATURE, '$1{}')
		.replace(/\s+/g, ' ')
		.trim();
}

/** Google Scholar's shape: first author's family name, year, first significant title word (`vaswani2017attention`), ASCII only. */
export function citationKey(paper: Pick<SavedPaper, 'authors' | 'year' | 'title' | 'id'>): string {
	const family = asciiWord((paper.authors[0] ?? '').trim().split(/\s+/).at(-1) ?? '');
	const word = significantWords(paper.title)[0] ?? '';
	const key = `${family}${paper.year ?? ''}${word}`;
	return key === '' || /^\d+$/.test(key) ? `paper${asciiWord(paper.id)}${key}` : key;
}

/** The key itself if unused, else with the first free suffix b, c, …, z, ba, … (the `smith2020b` convention). */
function uniqueKey(base: string, used: Set<string>): string {
	let key = base;
	for (let n = 1; used.has(key); n += 1) key = `${base}${letters(n)}`;
	used.add(key);
	return key;
}

function letters(n: number): string {
	let value = n;
	let text = '';
	do {
		text = String.fromCharCode(97 + (value % 26)) + text;
		value = Math.floor(value / 26);
	} while (value > 0);
	return text;
}

const STOP_WORDS = new Set([
	'a',
	'an',
	'the',
	'on',
	'of',
	'for',
	'in',
	'to',
	'and',
	'with',
	'towards',
	'toward',
	'is',
	'are',
	'how',
	'what',
	'why',
	'do',
	'does',
]);

function significantWords(title: string): string[] {
	return title
		.split(/\s+/)
		.map(asciiWord)
		.filter((word) => word !== '' && !STOP_WORDS.has(word));
}

/** Accents folded, lower case, letters and digits only: keys must survive every BibTeX implementation. */
function asciiWord(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/[^a-z0-9]/g, '');
}
