import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatCsv } from '../src/library/csv.js';
import { createRandom, nastyText } from './cards-support.js';

/** Read back with csv-parse in its strict RFC 4180 shape: any stray quote or ragged row is an error. */
function parseStrict(text: string): string[][] {
	return parse(text, { relax_quotes: false, relax_column_count: false, record_delimiter: '\r\n', bom: false });
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

describe('formatCsv', () => {
	it('quotes only fields with a comma, quote or line break, doubling inner quotes, with CRLF line ends', () => {
		const text = formatCsv(
			['a', 'b'],
			[
				['plain', 'with, comma'],
				['say "hi"', 'two\nlines'],
				[3, undefined],
			],
		);
		expect(text).toBe('a,b\r\nplain,"with, comma"\r\n"say ""hi""","two\nlines"\r\n3,\r\n');
		expect(parseStrict(text)).toEqual([
			['a', 'b'],
			['plain', 'with, comma'],
			['say "hi"', 'two\nlines'],
			['3', ''],
		]);
	});

	it('puts an apostrophe before a cell a spreadsheet would run as a formula', () => {
		const text = formatCsv(['title'], [['=HYPERLINK("x")'], ['+1'], ['-2'], ['@SUM(A1)'], ['safe - not first']]);
		expect(parseStrict(text).slice(1).flat()).toEqual(['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", 'safe - not first']);
	});

	it('reads back 500 adversarial rows exactly (as UTF-8 holds them: a lone surrogate is U+FFFD)', () => {
		const random = createRandom(9);
		const text = (max: number) => nastyText(random, max).replace(LONE_SURROGATE, '\ufffd');
		const rows = Array.from({ length: 500 }, () => [text(200), text(50), `${text(20)}"\r\n,`]);
		const back = parseStrict(formatCsv(['x', 'y', 'z'], rows));
		expect(back.slice(1)).toEqual(rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell))));
	});
});
