import { closeSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../papers/paper.js';
import { AbstractShelf, shelveAbstract } from './abstract-shelf.js';

/**
 * A first start (no usable snapshot) reads every seed file before the index exists to shelve abstracts in: at a
 * million papers their text is 1.4 GB of heap until the first snapshot is written. The spool is a scratch file
 * they move to as each file loads; the build and the first snapshot read them back from it, and the snapshot
 * keeper lets it go once the papers read from the snapshot instead. It is unlinked as soon as it is open, so a
 * crash leaves nothing behind; the disk space returns when its last shelf closes.
 */

/** Papers per write: the bytes of one write are this many abstracts, not a whole seed file's. */
const PAPERS_PER_WRITE = 2000;

export class AbstractSpool {
	private position = 0;
	private openShelves = 0;
	private finished = false;
	private closed = false;

	private constructor(
		private readonly fd: number,
		/** Set when the file could not be unlinked while open (Windows): it is unlinked once closed. */
		private readonly unlinkAtClose: string | undefined,
	) {}

	/** A spool in `dir` (the snapshot's directory: the same disk the snapshot will take). */
	static open(dir: string): AbstractSpool {
		const path = join(dir, `.${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.abstract-spool`);
		const fd = openSync(path, 'wx+');
		try {
			unlinkSync(path);
			return new AbstractSpool(fd, undefined);
		} catch {
			return new AbstractSpool(fd, path);
		}
	}

	/** Writes the papers' abstracts to the spool and makes each paper read its abstract from there. */
	shelve(papers: readonly Paper[]): void {
		if (this.finished) throw new Error('the abstract spool is finished');
		const starts = new Float64Array(papers.length + 1);
		for (let from = 0; from < papers.length; from += PAPERS_PER_WRITE) {
			const to = Math.min(papers.length, from + PAPERS_PER_WRITE);
			const chunk: Buffer[] = [];
			let at = this.position;
			for (let slot = from; slot < to; slot++) {
				const bytes = Buffer.from((papers[slot] as Paper).abstract, 'utf8');
				starts[slot] = at;
				at += bytes.length;
				chunk.push(bytes);
			}
			this.write(Buffer.concat(chunk));
		}
		starts[papers.length] = this.position;
		this.openShelves++;
		const shelf = new AbstractShelf(this.fd, starts, () => this.release());
		for (let slot = 0; slot < papers.length; slot++) shelveAbstract(papers[slot] as Paper, shelf, slot);
	}

	/** No more papers: the file closes once every shelf has (at once, when none was made). */
	finish(): void {
		this.finished = true;
		this.closeWhenUnused();
	}

	private write(bytes: Buffer): void {
		let written = 0;
		while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written, this.position + written);
		this.position += bytes.length;
	}

	private release(): void {
		this.openShelves--;
		this.closeWhenUnused();
	}

	private closeWhenUnused(): void {
		if (this.finished && this.openShelves === 0 && !this.closed) {
			this.closed = true;
			closeSync(this.fd);
			if (this.unlinkAtClose) rmSync(this.unlinkAtClose, { force: true });
		}
	}
}
