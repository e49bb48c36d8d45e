import { isAscii } from 'node:buffer';
import type { Paper } from '../papers/paper.js';
import { yieldToInteractions } from '../interactive-priority.js';

/**
 * A snapshot's papers, without their abstracts (those are shelved, see abstract-shelf.ts). Author names, keywords
 * and listing days are written once, in a string table, and papers name them by number: loading then makes one
 * string per distinct name instead of one per mention (most of a million papers' heap) and parses less JSON.
 * Both sections are JSON arrays, one per line: a million papers are more text than one JavaScript string holds,
 * and JSON escapes every newline inside a value, so a line is a whole array.
 */

/** Papers (or table strings) per line, and per slice of the writer: between slices the event loop runs. */
const PER_LINE = 500;
/** An `arxivId` equal to the paper's id (nearly all of them) is written as this. */
const SAME_AS_ID = 1;

export interface PaperRecordLines {
	/** The papers' section, a line at a time; the event loop runs between lines. */
	papers: AsyncGenerator<Buffer>;
	/** The string table's section: read it after `papers`, which fills the table. */
	strings: () => Generator<Buffer>;
}

/**
 * The records as lines made while they are written, not one buffer: holding a million papers' lines and then
 * their concatenation cost a first start 0.6 GB during its first snapshot, plus the lines' buffers malloc kept.
 */
export function encodePaperRecords(papers: readonly Paper[]): PaperRecordLines {
	const table = new Map<string, number>();
	const ref = (text: string) => {
		let at = table.get(text);
		if (at === undefined) {
			at = table.size;
			table.set(text, at);
		}
		return at;
	};
	async function* paperLines(): AsyncGenerator<Buffer> {
		for (let from = 0; from < papers.length; from += PER_LINE) {
			const to = Math.min(papers.length, from + PER_LINE);
			const texts: string[] = [];
			for (let doc = from; doc < to; doc++) texts.push(JSON.stringify(encodeRecord(papers[doc] as Paper, ref)));
			yield Buffer.from(`[${escapeNonAscii(texts.join(','))}]\n`, 'latin1');
			await yieldToInteractions();
		}
	}
	function* stringLines(): Generator<Buffer> {
		const strings = [...table.keys()];
		for (let from = 0; from < strings.length; from += PER_LINE * 20)
			yield Buffer.from(`${JSON.stringify(strings.slice(from, from + PER_LINE * 20))}\n`, 'utf8');
	}
	return { papers: paperLines(), strings: stringLines };
}

/**
 * JSON with every non-ASCII character written as a \u escape, so a line is read back as a one-byte string: nine
 * lines in ten of a real-shaped corpus hold one (a title's accent or dash), which made the whole line a two-byte
 * string, decoded from UTF-8 at half the speed of plain bytes and parsed a third slower.
 */
function escapeNonAscii(json: string): string {
	return json.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NON_ASCII = /[\u0080-\uffff]/g;

function encodeRecord(paper: Paper, ref: (text: string) => number): Record<string, unknown> {
	const record: Record<string, unknown> = {};
	// Keys, not a spread: a shelved abstract would be read from disk only to be dropped.
	for (const key of Object.keys(paper) as (keyof Paper)[]) {
		if (key === 'abstract') continue;
		const value = paper[key];
		if (key === 'authors' || key === 'keywords') record[key] = (value as string[]).map(ref);
		else if (key === 'listedOn') record[key] = ref(value as string);
		else if (key === 'arxivId' && value === paper.id) record[key] = SAME_AS_ID;
		else record[key] = value;
	}
	return record;
}

/**
 * The papers back, every reference resolved; `fail` throws for anything that is not a paper record. The papers'
 * bytes may come in chunks (lines split anywhere), so a large section is read through one small buffer.
 */
export function decodePaperRecords(papersBytes: Uint8Array | Iterable<Uint8Array>, stringsBytes: Uint8Array, fail: (message: string) => never): Paper[] {
	const strings: string[] = [];
	forEachLine(stringsBytes, 'string table', fail, (text) => {
		if (typeof text !== 'string') fail('the string table holds a non-string');
		strings.push(text);
	});
	const text = (ref: unknown): string => {
		const value = typeof ref === 'number' ? strings[ref] : undefined;
		return value ?? fail('a paper names a string the table does not hold');
	};
	const papers: Paper[] = [];
	forEachLine(papersBytes, 'papers', fail, (value) => {
		const record = value as Record<string, unknown>;
		if (typeof record !== 'object' || record === null || typeof record.id !== 'string' || typeof record.title !== 'string')
			fail('a paper record is not a paper');
		resolveList(record.authors, text, fail);
		if (record.keywords !== undefined) resolveList(record.keywords, text, fail);
		record.listedOn = text(record.listedOn);
		if (record.arxivId === SAME_AS_ID) record.arxivId = record.id;
		papers.push(record as unknown as Paper);
	});
	return papers;
}

function resolveList(list: unknown, text: (ref: unknown) => string, fail: (message: string) => never): void {
	if (!Array.isArray(list)) fail('a paper record is not a paper');
	// In place: the parsed array becomes the paper's, with no second allocation.
	for (let i = 0; i < list.length; i++) list[i] = text(list[i]);
}

function forEachLine(bytes: Uint8Array | Iterable<Uint8Array>, what: string, fail: (message: string) => never, visit: (value: unknown) => void): void {
	const visitLine = (buffer: Buffer, start: number, end: number) => {
		let line: unknown;
		try {
			// Lines written by escapeNonAscii are plain ASCII; older snapshots' lines may hold UTF-8.
			line = JSON.parse(buffer.toString(isAscii(buffer.subarray(start, end)) ? 'latin1' : 'utf8', start, end));
		} catch {
			fail(`the ${what} are not valid JSON`);
		}
		if (!Array.isArray(line)) fail(`the ${what} are not lists`);
		for (const value of line) visit(value);
	};
	// The start of a line that a chunk cut, copied: the chunk's buffer may be refilled with the next.
	let carried: Buffer | undefined;
	for (const chunk of bytes instanceof Uint8Array ? [bytes] : bytes) {
		const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
		let start = 0;
		if (carried) {
			const end = buffer.indexOf(10);
			if (end < 0) {
				carried = Buffer.concat([carried, buffer]);
				continue;
			}
			const line = Buffer.concat([carried, buffer.subarray(0, end)]);
			carried = undefined;
			visitLine(line, 0, line.length);
			start = end + 1;
		}
		for (let end = buffer.indexOf(10, start); end >= 0; end = buffer.indexOf(10, start)) {
			visitLine(buffer, start, end);
			start = end + 1;
		}
		if (start < buffer.length) carried = Buffer.from(buffer.subarray(start));
	}
	if (carried) visitLine(carried, 0, carried.length);
}
