import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createJsonLinesReader, type JsonResult, type PapersRead } from './json.js';

export type JsonLinesFileResult = { ok: true; parsed: JsonResult } | { ok: false; line?: number; reason: string };

const NEWLINE = 0x0a;
const BOM = '\uFEFF';

/**
 * A `.jsonl` file (or `.jsonl.gz`), read and parsed a line at a time. Read whole, 100,000 real Daily Papers
 * entries were a 100 MB file, 600 MB unzipped, a string twice that and every entry decoded at once: 2.4 GB at
 * the first start's peak. Streamed, only the papers stay. Same verdicts as reading it whole: a NUL byte
 * anywhere skips the file (binary), a line that is not UTF-8 is skipped alone, a damaged gzip skips the file.
 */
export async function readJsonLinesFile(path: string, gzipped: boolean, onRead?: PapersRead): Promise<JsonLinesFileResult> {
	const reader = createJsonLinesReader(path, onRead);
	let lineNumber = 0;
	let binaryAt: number | undefined;
	const takeLine = (line: Buffer) => {
		lineNumber += 1;
		if (binaryAt !== undefined) return;
		if (line.includes(0)) {
			binaryAt = lineNumber;
			return;
		}
		if (!isUtf8(line)) return reader.badLine(lineNumber);
		const text = line.toString('utf8');
		reader.line(lineNumber === 1 && text.startsWith(BOM) ? text.slice(1) : text, lineNumber);
	};

	const file = createReadStream(path);
	const source: Readable = gzipped ? file.pipe(createGunzip()) : file;
	// A read error on the file does not travel through pipe(): it is passed on here, as the gunzip's own would be.
	if (gzipped) file.once('error', (error) => source.destroy(error));
	let rest: Buffer | undefined;
	try {
		for await (const chunk of source as AsyncIterable<Buffer>) {
			let data = rest ? Buffer.concat([rest, chunk]) : chunk;
			let start = 0;
			for (let end = data.indexOf(NEWLINE, start); end >= 0; end = data.indexOf(NEWLINE, start)) {
				takeLine(data.subarray(start, end));
				start = end + 1;
			}
			// The unfinished last line, copied so the chunk it came in can go.
			rest = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
			data = Buffer.alloc(0);
		}
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? '';
		const reason = gzipped && code.startsWith('Z_') ? 'not a valid gzip file' : 'cannot read file';
		return { ok: false, reason: `${reason}: ${(error as Error).message}` };
	}
	// Like split('\n'): text after the last newline is a line, and so is the empty text of an empty file's end.
	takeLine(rest ?? Buffer.alloc(0));
	if (binaryAt !== undefined) return { ok: false, line: binaryAt, reason: 'binary data (a NUL byte), not a text file; file skipped' };
	return { ok: true, parsed: reader.finish() };
}
