import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Paper } from '../papers/paper.js';
import { AbstractShelf, shelfOf, shelveAbstract, shelvedPaper, shelvedRange } from './abstract-shelf.js';
import { indexState, restorePaperIndex, type PaperIndex } from './index.js';
import { ImpactDefaults, SEGMENT_ARRAYS, segmentFromParts, type SegmentParts } from './segment.js';
import { yieldToInteractions } from '../interactive-priority.js';
import { checkSectionsAside, type ChecksummedSection, type SectionChecks } from './section-checks.js';
import { decodePaperRecords, encodePaperRecords } from './paper-records.js';

/**
 * The search index on disk, so a restart loads it instead of tokenizing the corpus again. Layout: sections
 * (each 8-byte aligned, each with its CRC-32 in the header), then the header (JSON), then a fixed trailer
 * naming where the header is. The header goes last because the abstracts section is streamed and its size
 * is known only once written. Abstracts are not read at load (see abstract-shelf.ts): their section is
 * bounds-checked, every other section is checksummed, and the arrays are checked to fit together.
 */

/** Bump when the segment's layout, the tokenizer or the impact formula changes: older snapshots are rebuilt. */
export const INDEX_SNAPSHOT_FORMAT = 3;

const MAGIC = 'PBINDEX1';
const TRAILER_BYTES = 24;
const ALIGN = 8;
/** Papers per slice of the writer: between slices the event loop runs (a snapshot is written while serving). */
const PAPERS_PER_SLICE = 500;
/** The papers' section is read this much at a time (a line holds 500 papers, about 170 KB). */
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

export interface SnapshotHeader {
	format: number;
	/** The build's tunables: a snapshot built with other ones ranks differently. */
	impacts: typeof ImpactDefaults;
	/** What the caller checks the snapshot against (seed files, store identity): compared as JSON. */
	fingerprint: unknown;
	/** Wall-clock ms when the index state was taken: papers stored after it come from the paper feed. */
	takenAt: number;
	/** Anything the caller wants back (a load report). */
	extra: unknown;
	sections: Record<string, SectionEntry>;
}

interface SectionEntry {
	offset: number;
	length: number;
	crc?: number;
}

export class SnapshotError extends Error {
	override name = 'SnapshotError';
}

const UINT32_SECTIONS = SEGMENT_ARRAYS.filter((name): name is Exclude<typeof name, 'impacts' | 'postings'> => name !== 'impacts' && name !== 'postings');

export interface WrittenSnapshot {
	bytes: number;
	papers: number;
	/** The base segment's generation written (see IndexState). */
	baseGeneration: number;
	shelf: AbstractShelf;
}

/**
 * Writes `index` to `path` atomically (a temporary file, fsync, rename), then moves the base papers' abstracts
 * onto the new file, so the heap drops its copies and the previous file can be let go.
 */
export async function writeIndexSnapshot(
	path: string,
	index: PaperIndex,
	options: { fingerprint: unknown; takenAt: number; extra?: unknown },
): Promise<WrittenSnapshot> {
	const state = indexState(index);
	if (!state) throw new SnapshotError('only an index built by buildPaperIndex can be saved');
	const papers = state.base.papers;
	// Copied now, with the live papers: an upsert while the file is written must not split between the two.
	const deleted = state.base.deleted.slice();
	// data/ is made on a first start by the SQLite store; with a server database nothing else makes it.
	await mkdir(dirname(path), { recursive: true });
	const temporary = join(dirname(path), `.${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.index-tmp`);
	const handle = await open(temporary, 'w');
	let position = 0;
	const sections: Record<string, SectionEntry> = {};
	const put = async (bytes: Uint8Array) => {
		let written = 0;
		while (written < bytes.length) {
			const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
			written += bytesWritten;
		}
		position += bytes.length;
	};
	const pad = async () => {
		if (position % ALIGN !== 0) await put(new Uint8Array(ALIGN - (position % ALIGN)));
	};
	const streamedSection = async (name: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>) => {
		await pad();
		const offset = position;
		let crc = 0;
		for await (const bytes of chunks) {
			crc = crc32(bytes, crc);
			await put(bytes);
		}
		sections[name] = { offset, length: position - offset, crc };
	};
	const section = (name: string, bytes: Uint8Array) => streamedSection(name, [bytes]);
	const abstractStarts = new Float64Array(papers.length + 1);
	try {
		await pad();
		const abstractsAt = position;
		for (let from = 0; from < papers.length; from += PAPERS_PER_SLICE) {
			const to = Math.min(papers.length, from + PAPERS_PER_SLICE);
			await put(abstractBytes(papers, from, to, abstractStarts, position));
		}
		abstractStarts[papers.length] = position;
		sections.abstracts = { offset: abstractsAt, length: position - abstractsAt };
		await section('abstractStarts', bytesOf(abstractStarts));
		const records = encodePaperRecords(papers);
		await streamedSection('papers', records.papers);
		await streamedSection('strings', records.strings());
		await section('livePapers', Buffer.from(JSON.stringify(state.livePapers), 'utf8'));
		const parts = state.base.parts();
		await section('terms', Buffer.from(parts.terms.join('\n'), 'utf8'));
		await section('grams', Buffer.from(parts.grams.join('\n'), 'utf8'));
		await section('impacts', parts.impacts);
		await section('postings', parts.postings);
		await section('deleted', deleted);
		for (const name of UINT32_SECTIONS) await section(name, bytesOf(parts[name]));
		const header: SnapshotHeader = {
			format: INDEX_SNAPSHOT_FORMAT,
			impacts: ImpactDefaults,
			fingerprint: options.fingerprint,
			takenAt: options.takenAt,
			extra: options.extra,
			sections,
		};
		const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
		const headerAt = position;
		await put(headerBytes);
		await put(trailer(headerAt, headerBytes));
		await handle.sync();
	} catch (error) {
		await handle.close().catch(() => {});
		await rm(temporary, { force: true });
		throw error;
	}
	await handle.close();
	// Opened before the rename: another process may rename its own snapshot over `path` right after ours.
	const fd = openSync(temporary, 'r');
	try {
		await rename(temporary, path);
	} catch (error) {
		closeSync(fd);
		await rm(temporary, { force: true });
		throw error;
	}
	const shelf = new AbstractShelf(fd, abstractStarts);
	// In slices too: re-pointing a million papers at once would hold the loop for a second.
	for (let from = 0; from < papers.length; from += PAPERS_PER_SLICE * 5) {
		const to = Math.min(papers.length, from + PAPERS_PER_SLICE * 5);
		for (let doc = from; doc < to; doc++) state.swapBasePaper(doc, shelvedPaper(papers[doc] as Paper, shelf, doc));
		await yieldToInteractions();
	}
	return { bytes: position + TRAILER_BYTES, papers: papers.length, baseGeneration: state.baseGeneration, shelf };
}

/**
 * The abstracts of papers [from, to) as one buffer, each one's file offset (from `at`) put in `starts`. A shelved
 * abstract's bytes are copied from its file: decoded to strings, a million of them outlived the young generation
 * and the first snapshot's heap grew by 1.6 GB of garbage before V8 collected it.
 */
function abstractBytes(papers: readonly Paper[], from: number, to: number, starts: Float64Array, at: number): Buffer {
	const sources: (Buffer | NonNullable<ReturnType<typeof shelvedRange>>)[] = [];
	let total = 0;
	for (let doc = from; doc < to; doc++) {
		const paper = papers[doc] as Paper;
		const source = shelvedRange(paper) ?? Buffer.from(paper.abstract, 'utf8');
		sources.push(source);
		total += Buffer.isBuffer(source) ? source.length : source.range[1] - source.range[0];
	}
	const chunk = Buffer.allocUnsafe(total);
	let offset = 0;
	for (let doc = from; doc < to; doc++) {
		starts[doc] = at + offset;
		const source = sources[doc - from] as (typeof sources)[number];
		offset += Buffer.isBuffer(source) ? source.copy(chunk, offset) : source.shelf.copyRange(source.range, chunk, offset);
	}
	return chunk.subarray(0, offset);
}

export interface LoadedSnapshot {
	index: PaperIndex;
	header: SnapshotHeader;
	shelf: AbstractShelf;
	bytes: number;
}

/**
 * Reads the snapshot's header only: what the caller compares with the current seeds and store before paying
 * for the load. Throws SnapshotError for a file that is not a whole snapshot of this format.
 */
export function readSnapshotHeader(path: string): SnapshotHeader {
	const fd = openSnapshot(path);
	try {
		return readHeader(fd).header;
	} finally {
		closeSync(fd);
	}
}

/** The index saved in `path`; throws SnapshotError when any part is damaged or does not fit. */
export function loadIndexSnapshot(path: string): LoadedSnapshot {
	const fd = openSnapshot(path);
	let kept = false;
	let checks: SectionChecks | undefined;
	try {
		const { header, size } = readHeader(fd);
		const { sections } = header;
		checks = checkSectionsAside(path, fd, checksummed(sections));
		// The index's arrays before the papers: each large buffer counts as external memory, and enough of it starts a
		// full collection. After a million papers, that marked them three times over, 0.8 s each, freeing nothing;
		// before them, the heap it marks is nearly empty.
		const text = (name: string) => {
			const bytes = readSectionBytes(fd, need(sections, name));
			const joined = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
			return joined === '' ? [] : joined.split('\n');
		};
		const uint32 = (name: string) => new Uint32Array(readSectionBytes(fd, need(sections, name), 4).buffer);
		const parts: SegmentParts = {
			terms: text('terms'),
			grams: text('grams'),
			impacts: readSectionBytes(fd, need(sections, 'impacts')),
			offsets: uint32('offsets'),
			postings: readSectionBytes(fd, need(sections, 'postings')),
			postingStarts: uint32('postingStarts'),
			fieldWords: uint32('fieldWords'),
			fieldStarts: uint32('fieldStarts'),
			titleOffsets: uint32('titleOffsets'),
			titleRanks: uint32('titleRanks'),
			docAtRank: uint32('docAtRank'),
			idOrder: uint32('idOrder'),
			gramOffsets: uint32('gramOffsets'),
			gramTerms: uint32('gramTerms'),
		};
		const papers = decodePaperRecords(readInChunks(fd, need(sections, 'papers')), readSectionBytes(fd, need(sections, 'strings')), (message) => {
			throw new SnapshotError(message);
		});
		const livePapers = parseJson<Paper[]>(readSectionBytes(fd, need(sections, 'livePapers')), 'live papers');
		if (!Array.isArray(papers) || !Array.isArray(livePapers)) throw new SnapshotError('the papers are not lists');
		const starts = new Float64Array(readSectionBytes(fd, need(sections, 'abstractStarts')).buffer);
		const abstracts = need(sections, 'abstracts');
		checkStarts(starts, papers.length, abstracts, size);
		const shelf = new AbstractShelf(fd, starts);
		for (let doc = 0; doc < papers.length; doc++) shelveAbstract(papers[doc] as Paper, shelf, doc);
		let base: ReturnType<typeof segmentFromParts>;
		try {
			base = segmentFromParts(papers, parts);
		} catch (error) {
			throw new SnapshotError((error as Error).message);
		}
		const deleted = readSectionBytes(fd, need(sections, 'deleted'));
		if (deleted.length !== papers.length) throw new SnapshotError('the tombstones do not fit the papers');
		base.deleted.set(deleted);
		const damaged = checks.damaged();
		if (damaged !== undefined) throw new SnapshotError(`section ${damaged} is damaged (checksum)`);
		kept = true;
		return { index: restorePaperIndex(base, livePapers), header, shelf, bytes: size };
	} catch (error) {
		// Damaged bytes fail wherever they are decoded first; the checksum names them.
		const damaged = checks?.damaged();
		throw damaged === undefined ? error : new SnapshotError(`section ${damaged} is damaged (checksum)`);
	} finally {
		if (!kept) closeSync(fd);
	}
}

/** Shelves (snapshot files) the index's papers still read abstracts from. */
export function shelvesInUse(index: PaperIndex): Set<AbstractShelf> {
	const shelves = new Set<AbstractShelf>();
	const state = indexState(index);
	for (const paper of state?.base.papers ?? []) {
		const shelf = shelfOf(paper);
		if (shelf) shelves.add(shelf);
	}
	return shelves;
}

function openSnapshot(path: string): number {
	try {
		return openSync(path, 'r');
	} catch (error) {
		throw new SnapshotError(`cannot open: ${(error as Error).message}`);
	}
}

function readHeader(fd: number): { header: SnapshotHeader; size: number } {
	const size = fstatSync(fd).size;
	if (size < TRAILER_BYTES) throw new SnapshotError('too short to be a snapshot');
	const tail = readBytes(fd, size - TRAILER_BYTES, TRAILER_BYTES);
	const view = Buffer.from(tail.buffer, tail.byteOffset, tail.length);
	if (view.toString('latin1', 0, 8) !== MAGIC) throw new SnapshotError('not a Paperboy index snapshot (or cut short)');
	const headerAt = Number(view.readBigUInt64LE(8));
	const headerLength = view.readUInt32LE(16);
	if (headerAt + headerLength + TRAILER_BYTES !== size) throw new SnapshotError('the header is not where the trailer says');
	const headerBytes = readBytes(fd, headerAt, headerLength);
	if (crc32(headerBytes) !== view.readUInt32LE(20)) throw new SnapshotError('the header is damaged');
	const header = parseJson<SnapshotHeader>(headerBytes, 'header');
	if (header?.format !== INDEX_SNAPSHOT_FORMAT) throw new SnapshotError(`format ${String(header?.format)}, this version reads ${INDEX_SNAPSHOT_FORMAT}`);
	if (JSON.stringify(header.impacts) !== JSON.stringify(ImpactDefaults)) throw new SnapshotError('built with other ranking settings');
	for (const [name, entry] of Object.entries(header.sections ?? {})) {
		if (
			!(
				Number.isSafeInteger(entry.offset) &&
				Number.isSafeInteger(entry.length) &&
				entry.offset >= 0 &&
				entry.length >= 0 &&
				entry.offset + entry.length <= headerAt
			)
		)
			throw new SnapshotError(`section ${name} lies outside the file`);
	}
	return { header, size };
}

function trailer(headerAt: number, headerBytes: Uint8Array): Buffer {
	const bytes = Buffer.alloc(TRAILER_BYTES);
	bytes.write(MAGIC, 0, 'latin1');
	bytes.writeBigUInt64LE(BigInt(headerAt), 8);
	bytes.writeUInt32LE(headerBytes.length, 16);
	bytes.writeUInt32LE(crc32(headerBytes), 20);
	return bytes;
}

function need(sections: Record<string, SectionEntry>, name: string): SectionEntry {
	const entry = sections[name];
	if (!entry) throw new SnapshotError(`section ${name} is missing`);
	return entry;
}

/** The section's bytes in a buffer of their own (so typed arrays over it start aligned); checksums are checked aside. */
function readSectionBytes(fd: number, entry: SectionEntry, elementBytes = 1): Uint8Array {
	if (entry.length % elementBytes !== 0) throw new SnapshotError('a section does not hold whole elements');
	return readBytes(fd, entry.offset, entry.length);
}

function checksummed(sections: Record<string, SectionEntry>): ChecksummedSection[] {
	return Object.entries(sections).flatMap(([name, entry]) =>
		entry.crc === undefined ? [] : [{ name, offset: entry.offset, length: entry.length, crc: entry.crc }],
	);
}

/**
 * A section's bytes through one reused buffer: the papers' section of a million papers is 340 MB, which, read whole,
 * stayed in the process until a full collection long after it was decoded.
 */
function* readInChunks(fd: number, entry: SectionEntry): Generator<Uint8Array> {
	const buffer = new Uint8Array(Math.min(entry.length, READ_CHUNK_BYTES));
	for (let read = 0; read < entry.length; ) {
		const got = readSync(fd, buffer, 0, Math.min(buffer.length, entry.length - read), entry.offset + read);
		if (got === 0) throw new SnapshotError('the file ends early');
		read += got;
		yield buffer.subarray(0, got);
	}
}

function readBytes(fd: number, position: number, length: number): Uint8Array {
	const bytes = new Uint8Array(new ArrayBuffer(length));
	let read = 0;
	while (read < length) {
		const got = readSync(fd, bytes, read, length - read, position + read);
		if (got === 0) throw new SnapshotError('the file ends early');
		read += got;
	}
	return bytes;
}

function checkStarts(starts: Float64Array, count: number, abstracts: SectionEntry, size: number): void {
	if (starts.length !== count + 1 || starts[0] !== abstracts.offset || starts[count] !== abstracts.offset + abstracts.length || starts[count] > size)
		throw new SnapshotError('the abstracts do not fit the papers');
	for (let i = 0; i < count; i++) if (!((starts[i] as number) <= (starts[i + 1] as number))) throw new SnapshotError('abstract offsets go backwards');
}

function parseJson<T>(bytes: Uint8Array, what: string): T {
	try {
		return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) as T;
	} catch {
		throw new SnapshotError(`the ${what} are not valid JSON`);
	}
}

function bytesOf(array: Float64Array | Uint32Array): Uint8Array {
	return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
