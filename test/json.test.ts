import { describe, expect, it } from 'vitest';
import { createJsonLinesReader, parsePaperJson, parsePaperJsonLines } from '../src/papers/json.js';
import { PAPER_LIMITS } from '../src/papers/limits.js';

const entry = (id: string, title: string) => ({
	paper: {
		id,
		title,
		summary: `Abstract of ${title}.`,
		authors: [{ name: 'Ada Lovelace', hidden: true }],
		publishedAt: '2025-03-02T10:00:00.000Z',
		upvotes: 4,
	},
	publishedAt: '2025-03-03T00:00:00.000Z',
	numComments: 0,
});
const exported = {
	id: '2401.01234',
	title: 'Exported',
	abstract: 'An exported paper.',
	authors: ['A. Author'],
	listedOn: '2024-01-03',
	arxivId: '2401.01234v2',
	source: 'paper-json',
};

describe('parsePaperJson', () => {
	it('reads an array of Hugging Face API entries', () => {
		const result = parsePaperJson(JSON.stringify([entry('2503.00001', 'First\n  Paper'), entry('2503.00002', 'Second')]), 'day.json');
		expect(result.problems).toEqual([]);
		expect(result.papers.map((paper) => [paper.id, paper.title, paper.authors, paper.listedOn])).toEqual([
			['2503.00001', 'First Paper', ['Ada Lovelace'], '2025-03-03'],
			['2503.00002', 'Second', ['Ada Lovelace'], '2025-03-03'],
		]);
	});

	it('reads a Paper[] export, validating and normalizing its fields', () => {
		const result = parsePaperJson(JSON.stringify([exported]), 'export.json');
		expect(result.problems).toEqual([]);
		expect(result.papers).toEqual([{ ...exported, arxivId: '2401.01234' }]);
	});

	it('skips bad records with their 1-based index and keeps the good ones', () => {
		const records = [
			entry('2503.00001', 'Good'),
			{ paper: { id: '2503.00002', summary: 'No title here.' }, publishedAt: '2025-03-03' },
			{ ...exported, listedOn: 'March 3' },
			{ ...exported, authors: 'A. Author' },
			{ ...exported, upvotes: -1 },
			{ ...exported, codeUrl: 'javascript:alert(1)' },
			"{'paper': {'id': '2412.07760'}}",
			42,
		];
		const result = parsePaperJson(JSON.stringify(records), 'mixed.json');
		expect(result.papers.map((paper) => paper.title)).toEqual(['Good']);
		expect(result.skipped).toBe(7);
		expect(result.problems.map((problem) => [problem.record, problem.message])).toEqual([
			[2, 'missing title'],
			[3, 'listedOn must be a YYYY-MM-DD date (got "March 3")'],
			[4, 'authors must be a list of names'],
			[5, 'upvotes must be a number ≥ 0'],
			[6, 'codeUrl must be an http(s) URL'],
			[7, "a Python repr string, not a JSON object (\"{'paper': {'id': '2412.07760'}}\")"],
			[8, 'expected an object, got number'],
		]);
	});

	it('keeps a record whose fields are over the limits, shortened, and names the record', () => {
		const long = { ...exported, title: 'T'.repeat(1072), authors: Array.from({ length: 1001 }, (_, index) => `A${index}`) };
		const result = parsePaperJson(JSON.stringify([entry('2503.00001', 'Good'), long]), 'long.json');
		expect(result.skipped).toBe(0);
		expect(result.papers[1]!.title).toHaveLength(PAPER_LIMITS.titleChars);
		expect(result.papers[1]!.authors).toHaveLength(PAPER_LIMITS.authors);
		expect(result.problems).toEqual([
			{ file: 'long.json', record: 2, message: 'title of 1,072 characters is longer than the 1,000 allowed; shortened' },
			{ file: 'long.json', record: 2, message: '1,001 authors are more than the 1,000 kept; the rest left out' },
		]);
	});

	it('reports invalid JSON with its line and skips the file', () => {
		const result = parsePaperJson('[\n  {"title": "A"},\n  {"title": "B",}\n]', 'bad.json');
		expect(result.papers).toEqual([]);
		expect(result.skipped).toBe(1);
		expect(result.problems).toEqual([{ file: 'bad.json', line: 3, message: expect.stringMatching(/^invalid JSON, file skipped: /) }]);
	});

	it('reports an empty file, an empty array and a non-array', () => {
		expect(parsePaperJson(' \n', 'e.json').problems).toEqual([{ file: 'e.json', message: 'empty file, no papers' }]);
		expect(parsePaperJson('[]', 'a.json').problems).toEqual([{ file: 'a.json', message: 'no papers in file (empty array)' }]);
		expect(parsePaperJson('{"count": 3}', 'o.json').problems).toEqual([
			{ file: 'o.json', message: 'expected a JSON array of papers, got an object without a "papers" list' },
		]);
	});

	it('accepts JSON Lines saved with a .json name', () => {
		const text = `${JSON.stringify(entry('2503.00001', 'A'))}\n${JSON.stringify(entry('2503.00002', 'B'))}\n`;
		expect(parsePaperJson(text, 'lines.json').papers).toHaveLength(2);
	});
});

describe('parsePaperJsonLines', () => {
	it('reads one entry per line, tolerating CRLF and blank lines', () => {
		const text = `${JSON.stringify(entry('2503.00001', 'A'))}\r\n\r\n${JSON.stringify(exported)}\r\n`;
		const result = parsePaperJsonLines(text, { file: 'x.jsonl' });
		expect(result.problems).toEqual([]);
		expect(result.papers.map((paper) => paper.id)).toEqual(['2503.00001', '2401.01234']);
	});

	it('skips bad lines with their line number and keeps the rest', () => {
		const text = [
			JSON.stringify(entry('2503.00001', 'A')),
			'{"paper": {',
			JSON.stringify({ paper: { id: '1' } }),
			'xx',
			JSON.stringify(entry('2503.00002', 'B')),
		].join('\n');
		const reader = createJsonLinesReader('x.jsonl');
		for (const [index, line] of text.split('\n').entries()) {
			if (index + 1 === 4) reader.badLine(4);
			else reader.line(line, index + 1);
		}
		const result = reader.finish();
		expect(result.papers).toHaveLength(2);
		expect(result.problems.map((problem) => [problem.line, problem.message.replace(/:.*/, '')])).toEqual([
			[2, 'invalid JSON'],
			[3, 'missing title'],
			[4, 'not valid UTF-8 text, line skipped'],
		]);
	});
});
