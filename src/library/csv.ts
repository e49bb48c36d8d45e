/**
 * RFC 4180 CSV: CRLF line ends; a field holding a comma, a quote, CR or LF is quoted, inner quotes doubled.
 * Written here rather than with a library: these dozen lines are the whole format, and they have no options to get
 * wrong. Cells a spreadsheet would run as a formula (starting with = + - @ or a tab) get a leading apostrophe,
 * OWASP's advice against CSV injection, since titles and author names come from outside.
 */

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function formatCsv(header: readonly string[], rows: ReadonlyArray<readonly (string | number | undefined)[]>): string {
	return [header, ...rows]
		.map((row) => row.map(formatCell).join(','))
		.join('\r\n')
		.concat('\r\n');
}

function formatCell(value: string | number | undefined): string {
	if (value === undefined) return '';
	const text = typeof value === 'number' ? String(value) : defuseFormula(value);
	return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function defuseFormula(text: string): string {
	return FORMULA_START.test(text) ? `'${text}` : text;
}
