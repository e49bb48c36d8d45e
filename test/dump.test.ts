import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDailyDump } from '../src/papers/dump.js';
import { PAPER_LIMITS } from '../src/papers/limits.js';
import { titleId } from '../src/papers/paper.js';

const seedText = readFileSync(new URL('../seeds/000_44d1e5d38125c694.txt', import.meta.url), 'utf8');
const now = new Date('2026-05-01T12:00:00Z');
const header = 'new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 14\n\n';
const abstractA = 'We study alpha models. They are great at many tasks and we show it with experiments.';
const abstractB = 'We study beta models. Code: https://github.com/org/beta.git. Project page: https://beta.example.org/demo.';

describe('parseDailyDump', () => {
	it('reads exactly 63 papers from the shipped seed without problems', () => {
		const result = parseDailyDump(seedText, { file: 'seed.txt', now });
		expect(result.papers).toHaveLength(63);
		expect(result.problems).toEqual([]);
		expect(result.skipped).toBe(0);
		const first = result.papers[0]!;
		expect(first.title).toBe('VQ4DiT: Efficient Post-Training Vector Quantization for Diffusion Transformers');
		expect(first.abstract).toMatch(/^The Diffusion Transformers Models/);
		expect(first).toMatchObject({ id: titleId(first.title), authors: [], listedOn: '2026-03-14', source: 'seed-dump' });
		expect(new Set(result.papers.map((paper) => paper.id)).size).toBe(63);
	});

	it('finds code and project links in the seed abstracts, without trailing punctuation', () => {
		const papers = parseDailyDump(seedText, { file: 'seed.txt', now }).papers;
		const promst = papers.find((paper) => paper.title.startsWith('PRompt Optimization'))!;
		expect(promst.codeUrl).toBe('https://github.com/yongchao98/PROMST');
		expect(promst.projectUrl).toBe('https://yongchao98.github.io/MIT-REALM-PROMST');
		expect(papers.find((paper) => paper.title.startsWith('LLM+P'))!.codeUrl).toBe('https://github.com/Cranial-XIX/llm-pddl');
	});

	it('dates the year-less "Mar 14" by the configured year, else the most recent Mar 14 not in the future', () => {
		const text = `${header}Alpha\n\n${abstractA}\n`;
		expect(parseDailyDump(text, { file: 'x', papersYear: 2024, now }).papers[0]!.listedOn).toBe('2024-03-14');
		expect(parseDailyDump(text, { file: 'x', now: new Date('2026-03-13T23:00:00Z') }).papers[0]!.listedOn).toBe('2025-03-14');
		expect(parseDailyDump(text, { file: 'x', now: new Date('2026-03-14T00:00:00Z') }).papers[0]!.listedOn).toBe('2026-03-14');
	});

	it('reads CRLF line endings the same as LF', () => {
		const lf = parseDailyDump(seedText, { file: 'seed.txt', now });
		const crlf = parseDailyDump(seedText.replace(/\n/g, '\r\n'), { file: 'seed.txt', now });
		expect(crlf.papers).toEqual(lf.papers);
		expect(crlf.problems).toEqual([]);
	});

	it('skips a title with no abstract, naming its line, and reads the rest', () => {
		const text = `${header}Lonely Title\n\nAlpha\n\n${abstractA}\n\nBeta\n\n${abstractB}\n\nLast Lonely Title\n`;
		const result = parseDailyDump(text, { file: 'dump.txt', now });
		expect(result.papers.map((paper) => paper.title)).toEqual(['Alpha', 'Beta']);
		expect(result.skipped).toBe(2);
		expect(result.problems).toEqual([
			{ file: 'dump.txt', line: 11, message: 'title with no abstract skipped ("Lonely Title")' },
			{ file: 'dump.txt', line: 21, message: 'title with no abstract skipped ("Last Lonely Title")' },
		]);
	});

	it('skips an abstract with no title before it', () => {
		const text = `${header}${abstractA}\n\nBeta\n\n${abstractB}\n`;
		const result = parseDailyDump(text, { file: 'dump.txt', now });
		expect(result.papers.map((paper) => paper.title)).toEqual(['Beta']);
		expect(result.problems[0]).toMatchObject({ line: 11, message: expect.stringMatching(/^text with no title before it skipped/) });
	});

	it('keeps a paper whose title line is 1,072 characters, shortened for display, and says so with its line', () => {
		const longTitle = `Towards ${'a very long and winding title '.repeat(36)}`.trim().slice(0, 1072);
		expect(longTitle).toHaveLength(1072);
		const text = `${header}${longTitle}\n\n${abstractA}\n\nBeta\n\n${abstractB}\n`;
		const result = parseDailyDump(text, { file: 'dump.txt', now });
		expect(result.papers.map((paper) => paper.abstract)).toEqual([abstractA, abstractB]);
		expect(result.skipped).toBe(0);
		const [paper] = result.papers;
		expect(paper!.title.length).toBeLessThanOrEqual(PAPER_LIMITS.titleChars);
		expect(paper!.title.endsWith('…')).toBe(true);
		expect(longTitle.startsWith(paper!.title.slice(0, -1))).toBe(true);
		expect(paper!.id).toBe(titleId(paper!.title));
		expect(result.problems).toEqual([
			{
				file: 'dump.txt',
				line: 11,
				message: expect.stringMatching(/^title of 1,072 characters is longer than the 1,000 allowed; shortened \("Towards a very long/),
			},
		]);
		expect(result.problems[0]!.message).not.toContain('no title before it');
	});

	it('keeps a title longer than any real one but within the limit, whole and without a problem', () => {
		const title = `Long ${'x'.repeat(395)}`;
		const result = parseDailyDump(`${header}${title}\n\n${abstractA}\n`, { file: 'dump.txt', now });
		expect(result.papers.map((paper) => paper.title)).toEqual([title]);
		expect(result.problems).toEqual([]);
	});

	it('names a long line with no abstract after it as such, not as an abstract without a title', () => {
		const result = parseDailyDump(`${header}Alpha\n\n${abstractA}\n\n${'w'.repeat(1072)}\n`, { file: 'dump.txt', now });
		expect(result.papers.map((paper) => paper.title)).toEqual(['Alpha']);
		expect(result.problems).toEqual([
			{
				file: 'dump.txt',
				line: 15,
				message: expect.stringMatching(/^line of 1,072 characters with no closing period and no abstract after it skipped \("w{57}…"\)$/),
			},
		]);
	});

	it('shortens an abstract over the limit and says so', () => {
		const abstract = `${'We measure it again. '.repeat(600)}`.trim();
		const result = parseDailyDump(`${header}Alpha\n\n${abstract}\n`, { file: 'dump.txt', now });
		expect(result.papers[0]!.abstract.length).toBeLessThanOrEqual(PAPER_LIMITS.abstractChars);
		expect(result.problems).toEqual([
			{ file: 'dump.txt', line: 11, message: 'abstract of 12,599 characters is longer than the 10,000 allowed; shortened ("Alpha")' },
		]);
	});

	it('reports a stray header line in the middle and keeps reading', () => {
		const text = `${header}Alpha\n\n${abstractA}\n\nSubscribe\n\nBeta\n\n${abstractB}\n`;
		const result = parseDailyDump(text, { file: 'dump.txt', now });
		expect(result.papers).toHaveLength(2);
		expect(result.skipped).toBe(0);
		expect(result.problems).toEqual([{ file: 'dump.txt', line: 15, message: 'stray header line "Subscribe" ignored' }]);
	});

	it('loads papers with no header or date line on today, and says so', () => {
		const result = parseDailyDump(`Alpha\n\n${abstractA}\n`, { file: 'dump.txt', now });
		expect(result.papers[0]!.listedOn).toBe('2026-05-01');
		expect(result.problems).toEqual([
			{ file: 'dump.txt', line: 1, message: 'no Daily Papers header or date line (like "Mar 14") before the first paper; listing the papers on 2026-05-01' },
		]);
	});

	it('follows later date lines, with or without a year, and reports an impossible one', () => {
		const text = `${header}Alpha\n\n${abstractA}\n\nMar 15, 2023\n\nBeta\n\n${abstractB}\n\nFeb 30\n\nGamma\n\n${abstractA}\n`;
		const result = parseDailyDump(text, { file: 'dump.txt', now });
		expect(result.papers.map((paper) => paper.listedOn)).toEqual(['2026-03-14', '2023-03-15', '2023-03-15']);
		expect(result.problems).toEqual([{ file: 'dump.txt', line: 21, message: '"Feb 30" is not a real date; the papers after it keep the previous date' }]);
	});

	it('accepts a title and abstract with no blank line between them, and a wrapped abstract', () => {
		const text = `${header}Alpha\n${abstractA}\n\nBeta\n\nWe study beta models.\nThe abstract is wrapped.\n`;
		const result = parseDailyDump(text, { file: 'dump.txt', now });
		expect(result.papers.map((paper) => [paper.title, paper.abstract])).toEqual([
			['Alpha', abstractA],
			['Beta', 'We study beta models. The abstract is wrapped.'],
		]);
	});

	it('reports an empty or header-only file', () => {
		expect(parseDailyDump('', { file: 'e.txt', now }).problems).toEqual([{ file: 'e.txt', message: 'no papers found' }]);
		expect(parseDailyDump(header, { file: 'h.txt', now }).problems).toEqual([{ file: 'h.txt', message: 'header only, no papers' }]);
	});
});
