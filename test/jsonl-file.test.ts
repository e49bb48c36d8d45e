import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePaperJsonLines } from '../src/papers/json.js';
import { readJsonLinesFile } from '../src/papers/jsonl-file.js';
import { hfEntryLine } from './support/hf-entry.js';

const entryLine = (id: string, title: string, summary = 'An abstract.') => hfEntryLine(id, title, { summary });

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'paperboy-jsonl-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

async function read(name: string, content: Buffer | string) {
	const file = join(dir, name);
	await writeFile(file, content);
	return { file, result: await readJsonLinesFile(file, name.endsWith('.gz')) };
}

describe('readJsonLinesFile', () => {
	it('reads what parsePaperJsonLines reads from the whole text, lines split across chunks included', async () => {
		// Long abstracts put line ends everywhere relative to the stream's 64 KB chunks.
		const lines = Array.from({ length: 300 }, (_, i) => entryLine(`2503.${String(i).padStart(5, '0')}`, `Paper ${i}`, 'word '.repeat(50 + ((i * 37) % 900))));
		const text = `\uFEFF${lines.join('\r\n')}\n\n{not json}\n${entryLine('2503.99999', 'Last, no newline')}`;
		const { file, result } = await read('big.jsonl.gz', gzipSync(text));
		expect(result).toEqual({ ok: true, parsed: parsePaperJsonLines(text, { file }) });
		if (!result.ok) return;
		expect(result.parsed.papers).toHaveLength(301);
		expect(result.parsed.problems).toEqual([{ file, line: 302, message: expect.stringMatching(/^invalid JSON: /) }]);
	});

	it('skips a line that is not UTF-8 alone, with its line number', async () => {
		const content = Buffer.concat([
			Buffer.from(`${entryLine('2503.00001', 'A')}\n`),
			Buffer.from([0xc3, 0x28, 0x0a]),
			Buffer.from(entryLine('2503.00002', 'B')),
		]);
		const { file, result } = await read('day.jsonl', content);
		expect(result.ok && result.parsed.papers.map((paper) => paper.id)).toEqual(['2503.00001', '2503.00002']);
		expect(result.ok && result.parsed.problems).toEqual([{ file, line: 2, message: 'not valid UTF-8 text, line skipped' }]);
	});

	it('refuses the whole file for a NUL byte, naming its line, even after good lines', async () => {
		const { result } = await read('image.jsonl', Buffer.concat([Buffer.from(`${entryLine('2503.00001', 'A')}\n{"a":1}\n`), Buffer.from([0x7b, 0x00, 0x7d])]));
		expect(result).toEqual({ ok: false, line: 3, reason: 'binary data (a NUL byte), not a text file; file skipped' });
	});

	it('refuses a damaged or truncated gzip, and names a file it cannot read', async () => {
		const damaged = await read('broken.jsonl.gz', 'not gzip');
		expect(damaged.result).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a valid gzip file: /) });
		const whole = gzipSync(`${entryLine('2503.00001', 'A')}\n`.repeat(50));
		const truncated = await read('cut.jsonl.gz', whole.subarray(0, whole.length - 20));
		expect(truncated.result).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a valid gzip file: /) });
		const missing = await readJsonLinesFile(join(dir, 'missing.jsonl'), false);
		expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/^cannot read file: .*ENOENT/) });
	});

	it('reports an empty file as having no papers', async () => {
		const { file, result } = await read('empty.jsonl', '');
		expect(result).toEqual({ ok: true, parsed: { papers: [], skipped: 0, problems: [{ file, message: 'empty file, no papers' }] } });
	});
});
