import { closeSync, fstatSync, readSync } from 'node:fs';
import type { Paper } from '../papers/paper.js';

/**
 * Abstracts are most of a corpus's bytes (about 1.2 KB a paper, 1.2 GB at a million) and are read only to
 * show a card, excerpt a few hundred candidates or rebuild the index. A paper loaded from a snapshot keeps
 * its abstract in the snapshot file: `paper.abstract` is an own, enumerable getter reading it from there,
 * so spreads, JSON and structuredClone still see a plain string while the heap holds none.
 */

const SHELF = Symbol('abstract shelf');
const SLOT = Symbol('abstract slot');

export const AbstractShelfDefaults = Object.freeze({
	/** A replaced shelf's file stays open this long: a card being rendered may still hold one of its papers. */
	closeAfterMs: 10 * 60 * 1000,
	/** Recently read abstracts kept decoded: a results page reads the same ones again for its cards. */
	cachedAbstracts: 512,
});

interface ShelvedPaper extends Paper {
	[SHELF]: AbstractShelf;
	[SLOT]: number;
}

/** One snapshot file's abstracts section: abstract `i` is the UTF-8 bytes [starts[i], starts[i + 1]). */
export class AbstractShelf {
	private closed = false;
	private readonly cache = new Map<number, string>();
	private slots: number;

	constructor(
		private readonly fd: number,
		/** File offsets, one more than there are abstracts. */
		private starts: Float64Array,
		/** How the file is let go (a spool closes its own: abstract-spool.ts). */
		private readonly closeFile: () => void = () => closeSync(fd),
	) {
		this.slots = starts.length - 1;
	}

	get count(): number {
		return this.slots;
	}

	/**
	 * A spool's shelf grows as papers are shelved: `starts` holds the old offsets and then the new ones, `count + 1`
	 * of them (the array may be longer, room for the next).
	 */
	extend(starts: Float64Array, count: number): void {
		this.starts = starts;
		this.slots = count;
	}

	/**
	 * Where another thread of this process finds the abstracts (file descriptors are the process's): the open file
	 * and its inode, which that thread checks first, since a closed descriptor's number can come back for another file.
	 */
	location(): ShelfLocation | undefined {
		return this.closed ? undefined : { fd: this.fd, inode: fstatSync(this.fd).ino };
	}

	/** The file bytes [start, end) of abstract `slot`; undefined once closed or out of range. */
	range(slot: number): [start: number, end: number] | undefined {
		if (this.closed || !(slot >= 0 && slot < this.count)) return undefined;
		return [this.starts[slot] as number, this.starts[slot + 1] as number];
	}

	/**
	 * Copies the bytes of `range` (one of this shelf's, from range or shelvedRange) into `target` at `offset`, without
	 * making a string of them; returns how many (0 once closed, like read's empty abstract). A snapshot write copies
	 * every abstract this way.
	 */
	copyRange(range: readonly [start: number, end: number], target: Uint8Array, offset: number): number {
		return this.closed ? 0 : readInto(this.fd, range[0], range[1], target, offset);
	}

	read(slot: number): string {
		const cached = this.cache.get(slot);
		if (cached !== undefined) return cached;
		// A paper held past its shelf's grace period reads as abstract-less rather than as another file's bytes.
		if (this.closed || !(slot >= 0 && slot < this.count)) return '';
		const text = readRange(this.fd, this.starts[slot] as number, this.starts[slot + 1] as number);
		if (this.cache.size >= AbstractShelfDefaults.cachedAbstracts) this.cache.delete(this.cache.keys().next().value as number);
		this.cache.set(slot, text);
		return text;
	}

	/** Closes the file after the grace period (never at once: see closeAfterMs). */
	retire(): void {
		setTimeout(() => this.close(), AbstractShelfDefaults.closeAfterMs).unref();
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.cache.clear();
		this.closeFile();
	}
}

function readShelved(this: ShelvedPaper): string {
	return this[SHELF].read(this[SLOT]);
}

const SHELVED_ABSTRACT: PropertyDescriptor = Object.freeze({ get: readShelved, enumerable: true, configurable: true });

/**
 * Makes `paper.abstract` read slot `slot` of `shelf`, or re-points a shelved paper. Only for a paper with no
 * `abstract` of its own yet (a snapshot's record) or one already shelved: see shelvedPaper for the others.
 */
export function shelveAbstract(paper: Paper, shelf: AbstractShelf, slot: number): void {
	const target = paper as ShelvedPaper;
	// One shared getter: every shelved paper keeps the same hidden class. Symbol keys: JSON and Object.keys skip
	// them; a spread copies them along with the abstract as a plain value, and such a copy simply keeps that value.
	if (!(SHELF in target)) Object.defineProperty(target, 'abstract', SHELVED_ABSTRACT);
	target[SHELF] = shelf;
	target[SLOT] = slot;
}

/**
 * The paper reading its abstract from slot `slot` of `shelf`, for the caller to keep instead of `paper`: a shelved
 * paper re-pointed, any other a copy without the heap text. Not `paper` changed in place: turning its `abstract`
 * value into a getter sends an object to V8's dictionary mode, about 500 bytes a paper more (a million papers loaded
 * from seeds held 2.6 times the heap of the same papers read from a snapshot).
 */
export function shelvedPaper(paper: Paper, shelf: AbstractShelf, slot: number): Paper {
	if (shelfOf(paper)) {
		shelveAbstract(paper, shelf, slot);
		return paper;
	}
	const copy: Record<string, unknown> = {};
	for (const key of Object.keys(paper)) if (key !== 'abstract') copy[key] = paper[key as keyof Paper];
	const shelved = copy as unknown as Paper;
	shelveAbstract(shelved, shelf, slot);
	return shelved;
}

/**
 * The shelf a paper reads its abstract from. A spread copy carries the symbols along but holds its abstract as a
 * plain value, which a merge may have changed (mergePair fills an empty one): such a copy reads from no shelf.
 */
export function shelfOf(paper: Paper): AbstractShelf | undefined {
	return Object.getOwnPropertyDescriptor(paper, 'abstract')?.get === readShelved ? (paper as ShelvedPaper)[SHELF] : undefined;
}

export interface ShelfLocation {
	fd: number;
	inode: number;
}

/** Where a shelved paper's abstract lies in its shelf's file, without reading it. */
export function shelvedRange(paper: Paper): { shelf: AbstractShelf; range: [start: number, end: number] } | undefined {
	const shelf = shelfOf(paper);
	const range = shelf?.range((paper as ShelvedPaper)[SLOT]);
	return shelf && range ? { shelf, range } : undefined;
}

/** Reads the UTF-8 bytes [start, end) of an open file, from any thread. */
export function readRange(fd: number, start: number, end: number): string {
	const length = end - start;
	if (length <= 0) return '';
	const bytes = Buffer.allocUnsafe(length);
	return bytes.toString('utf8', 0, readInto(fd, start, end, bytes, 0));
}

/** Copies the file bytes [start, end) into `target` at `offset`; returns how many there were (fewer at the end of the file). */
function readInto(fd: number, start: number, end: number, target: Uint8Array, offset: number): number {
	let read = 0;
	while (read < end - start) {
		const got = readSync(fd, target, offset + read, end - start - read, start + read);
		if (got === 0) break;
		read += got;
	}
	return read;
}

/** Whether `fd` is still the file a location was taken from. */
export function isShelfFile(location: ShelfLocation): boolean {
	try {
		return fstatSync(location.fd).ino === location.inode;
	} catch {
		return false;
	}
}
