import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { JsonLinesDefaults } from '../src/papers/json.js';
import { formatLoadProblem, loadPaperFile, loadSeedsDir } from '../src/papers/loader.js';
import type { Paper } from '../src/papers/paper.js';
import { hfEntryLine } from './support/hf-entry.js';

const seedsDir = fileURLToPath(new URL('../seeds', import.meta.url));
const seedFile = join(seedsDir, '000_44d1e5d38125c694.txt');
const shared = fileURLToPath(new URL('../../shared', import.meta.url));
const corpusFile = join(shared, 'corpora', 'hf-daily-papers.jsonl.gz');
const dayFixtures = join(shared, 'fixtures', 'hf-daily');
const malformedDay = join(dayFixtures, 'malformed-python-repr-2024-12-12.json');
const noShared = !existsSync(shared);
const now = new Date('2026-05-01T00:00:00Z');
const entryLine = (id: string, title: string) => hfEntryLine(id, title);

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-loader-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('loadPaperFile', () => {
	it('loads the shipped seed: 63 papers, no problems', async () => {
		const { papers, report } = await loadPaperFile(seedFile, { now });
		expect(papers).toHaveLength(63);
		expect(report).toEqual({ file: seedFile, loaded: 63, skipped: 0, problems: [] });
	});

	it('loads gzipped JSON Lines', async () => {
		const file = join(dir, 'day.jsonl.gz');
		await writeFile(file, gzipSync(`${entryLine('2503.00001', 'A')}\n${entryLine('2503.00002', 'B')}\n`));
		const { papers, report } = await loadPaperFile(file);
		expect(papers.map((paper) => paper.id)).toEqual(['2503.00001', '2503.00002']);
		expect(report.problems).toEqual([]);
	});

	it('rejects a binary file, naming it, without throwing', async () => {
		const file = join(dir, 'image.txt');
		await writeFile(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0a, 0x00, 0x01]));
		const { papers, report } = await loadPaperFile(file);
		expect(papers).toEqual([]);
		expect(report.skipped).toBe(1);
		expect(formatLoadProblem(report.problems[0]!)).toBe(`${file} line 2: binary data (a NUL byte), not a text file; file skipped`);
	});

	it('rejects a text dump with invalid UTF-8 at the line where it is', async () => {
		const file = join(dir, 'latin1.txt');
		await writeFile(file, Buffer.concat([Buffer.from('Mar 14\n\nCaf'), Buffer.from([0xe9]), Buffer.from('\n\nAn abstract.\n')]));
		const { report } = await loadPaperFile(file);
		expect(report.problems).toEqual([{ file, line: 3, message: 'not valid UTF-8 text; file skipped' }]);
	});

	it('skips only the invalid UTF-8 lines of JSON Lines', async () => {
		const file = join(dir, 'day.jsonl');
		await writeFile(
			file,
			Buffer.concat([Buffer.from(`${entryLine('2503.00001', 'A')}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(entryLine('2503.00002', 'B'))]),
		);
		const { papers, report } = await loadPaperFile(file);
		expect(papers).toHaveLength(2);
		expect(report.problems).toEqual([{ file, line: 2, message: 'not valid UTF-8 text, line skipped' }]);
	});

	it('reports an empty file, an unknown extension and a corrupt gzip', async () => {
		await writeFile(join(dir, 'empty.txt'), '');
		await writeFile(join(dir, 'notes.md'), '# notes');
		await writeFile(join(dir, 'broken.json.gz'), 'not gzip');
		expect((await loadPaperFile(join(dir, 'empty.txt'))).report.problems[0]!.message).toBe('empty file, no papers');
		expect((await loadPaperFile(join(dir, 'notes.md'))).report.problems[0]!.message).toBe(
			'unsupported file type (".md"); expected .txt, .json or .jsonl, optionally .gz; skipped',
		);
		expect((await loadPaperFile(join(dir, 'broken.json.gz'))).report.problems[0]!.message).toMatch(/^not a valid gzip file: /);
	});

	it.skipIf(noShared)('loads all 9,577 entries of the real corpus with clean titles and hidden authors (needs ../shared)', async () => {
		const { papers, report } = await loadPaperFile(corpusFile);
		expect(report).toMatchObject({ loaded: 9577, skipped: 0, problems: [] });
		expect(papers.every((paper) => paper.title !== '' && !/\s{2}|\n/.test(paper.title))).toBe(true);
		expect(papers.every((paper) => /^\d{4}-\d{2}-\d{2}$/.test(paper.listedOn) && paper.arxivId === paper.id)).toBe(true);
		expect(papers.filter((paper) => paper.codeUrl?.endsWith('.')).length).toBe(0);
		expect(new Set(papers.map((paper) => paper.id)).size).toBe(9577);
	});

	it.skipIf(noShared)('rejects every record of the Python-repr day with its index, without throwing (needs ../shared)', async () => {
		const { papers, report } = await loadPaperFile(malformedDay);
		expect(papers).toEqual([]);
		expect(report.skipped).toBeGreaterThan(0);
		expect(report.problems).toHaveLength(report.skipped);
		expect(report.problems.map((problem) => problem.record)).toEqual(report.problems.map((_, index) => index + 1));
		expect(formatLoadProblem(report.problems[0]!)).toMatch(/malformed-python-repr-2024-12-12\.json record 1: a Python repr string, not a JSON object/);
	});
});

describe('loadSeedsDir', () => {
	it('loads the shipped seeds directory', async () => {
		const report = await loadSeedsDir(seedsDir, { papersYear: 2025 });
		expect(report).toMatchObject({ loaded: 63, merged: 0, skipped: 0, problems: [] });
		expect(report.papers).toHaveLength(63);
		expect(report.papers.every((paper) => paper.listedOn === '2025-03-14')).toBe(true);
	});

	it('merges duplicates across files, reports per file, and goes on past bad files', async () => {
		await copyFile(seedFile, join(dir, 'a-seed.txt'));
		const seedTitle = 'SqueezeLLM: Dense-and-Sparse Quantization';
		await writeFile(
			join(dir, 'b-day.jsonl'),
			`${entryLine('2306.07629', seedTitle)}\n${entryLine('2306.07629v2', 'SqueezeLLM: Dense and Sparse Quantization')}\n`,
		);
		await writeFile(join(dir, 'c-bad.json'), '[{"title": ');
		await writeFile(join(dir, 'd.csv'), 'a,b');
		await writeFile(join(dir, '.gitkeep'), '');
		await mkdir(join(dir, 'nested'));
		const report = await loadSeedsDir(dir, { now });
		expect(report.files.map((file) => [file.file.slice(dir.length + 1), file.loaded, file.skipped])).toEqual([
			['a-seed.txt', 63, 0],
			['b-day.jsonl', 2, 0],
			['c-bad.json', 0, 1],
			['d.csv', 0, 1],
			['nested', 0, 1],
		]);
		expect(report).toMatchObject({ loaded: 65, merged: 2, skipped: 3 });
		expect(report.papers).toHaveLength(63);
		const squeeze = report.papers.find((paper) => paper.arxivId === '2306.07629');
		expect(squeeze).toMatchObject({ id: '2306.07629', title: seedTitle, upvotes: 1 });
		expect(report.problems.map(formatLoadProblem)).toEqual([
			expect.stringMatching(/c-bad\.json line 1: invalid JSON, file skipped: /),
			`${join(dir, 'd.csv')}: unsupported file type (".csv"); expected .txt, .json or .jsonl, optionally .gz; skipped`,
			`${join(dir, 'nested')}: not a regular file (subfolders are not read); skipped`,
		]);
	});

	it('shows the papers as they are read, a few hundred at a time, and keeps the ones put in their places, even later', async () => {
		const lines = Array.from({ length: JsonLinesDefaults.papersPerRead * 2 + 7 }, (_, i) =>
			entryLine(`2401.${String(i).padStart(5, '0')}`, `Paper number ${i}`),
		);
		await writeFile(join(dir, 'a.jsonl'), `${lines.join('\n')}\n`);
		await copyFile(seedFile, join(dir, 'b-seed.txt'));
		const seen: [from: number, to: number][] = [];
		let first: Paper[] | undefined;
		const report = await loadSeedsDir(dir, {
			now,
			onPapersRead: (papers, from, to) => {
				seen.push([from, to]);
				first ??= papers;
				// A replacement made at a later call, as a spool holding papers back makes it.
				if (papers !== first) for (let at = 0; at < first.length; at++) first[at] = { ...(first[at] as Paper), title: `${first[at]?.title} (kept)` };
			},
		});
		const per = JsonLinesDefaults.papersPerRead;
		expect(seen).toEqual([
			[0, per],
			[per, per * 2],
			[per * 2, per * 2 + 7],
			[0, 63],
		]);
		expect(report.papers).toHaveLength(per * 2 + 7 + 63);
		expect(report.papers.filter((paper) => paper.title.endsWith(' (kept)'))).toHaveLength(per * 2 + 7);
	});

	it('throws a UserError naming a missing directory', async () => {
		const missing = join(dir, 'nope');
		await expect(loadSeedsDir(missing)).rejects.toThrow(UserError);
		await expect(loadSeedsDir(missing)).rejects.toThrow(missing);
	});

	it('reports an empty directory', async () => {
		const report = await loadSeedsDir(dir);
		expect(report.papers).toEqual([]);
		expect(report.problems).toEqual([{ file: dir, message: 'no corpus files in the seeds directory' }]);
	});

	it.skipIf(noShared)('loads the four real API days and reports the malformed one (needs ../shared)', async () => {
		const report = await loadSeedsDir(dayFixtures);
		const byName = Object.fromEntries(report.files.map((file) => [file.file.slice(dayFixtures.length + 1), file]));
		for (const day of ['2024-05-27.json', '2025-03-03.json', '2025-10-15.json', '2026-08-21.json']) {
			expect(byName[day]).toMatchObject({ skipped: 0, problems: [] });
			expect(byName[day]!.loaded).toBeGreaterThan(0);
		}
		expect(byName['malformed-python-repr-2024-12-12.json']!.loaded).toBe(0);
		expect(report.papers.length).toBe(report.loaded - report.merged);
		expect(report.problems.every((problem) => problem.file.endsWith('malformed-python-repr-2024-12-12.json'))).toBe(true);
	});
});

describe('formatLoadProblem', () => {
	it('names the file and the line or record', () => {
		expect(formatLoadProblem({ file: 'seeds/x.json', record: 3, message: 'missing title' })).toBe('seeds/x.json record 3: missing title');
		expect(formatLoadProblem({ file: 'seeds/d.txt', line: 12, message: 'title with no abstract skipped' })).toBe(
			'seeds/d.txt line 12: title with no abstract skipped',
		);
		expect(formatLoadProblem({ file: 'seeds/e.txt', message: 'empty file, no papers' })).toBe('seeds/e.txt: empty file, no papers');
	});
});
