import { closeSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../papers/paper.js';
import { AbstractShelf, shelvedPaper } from './abstract-shelf.js';
import { grow } from './grow.js';

/**
 * A first start (no usable snapshot) reads every seed file before the index exists to shelve abstracts in: at a
 * million papers their text is 1.4 GB of heap until the first snapshot is written. The spool is a scratch file
 * they move to as the papers are read; the build and the first snapshot read them back from it, and the snapshot
 * keeper lets it go once the papers read from the snapshot instead. It is unlinked as soon as it is open, so a
 * crash leaves nothing behind; the disk space returns when its shelf closes.
 *
 * One shelf for the whole spool, growing: a shelf per batch of a few hundred papers would keep a cache of recent
 * abstracts each, and the build reads every abstract once.
 */

/** Papers per write: the bytes of one write are this many abstracts, not a whole seed file's. */
const PAPERS_PER_WRITE = 2000;

export class AbstractSpool {
	private position = 0;
	private starts = new Float64Array(1024);
	private count = 0;
	private shelf: AbstractShelf | undefined;
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

	/**
	 * Writes the abstracts of papers `from` to `to` to the spool and puts in the list, in each one's place, its paper
	 * reading it from there.
	 */
	shelve(papers: Paper[], from = 0, to = papers.length): void {
		if (this.finished) throw new Error('the abstract spool is finished');
		const first = this.count;
		const needed = first + (to - from) + 1;
		if (needed > this.starts.length) this.starts = grow(this.starts, Math.max(this.starts.length * 2, needed));
		for (let start = from; start < to; start += PAPERS_PER_WRITE) {
			const end = Math.min(to, start + PAPERS_PER_WRITE);
			const chunk: Buffer[] = [];
			let at = this.position;
			for (let slot = start; slot < end; slot++) {
				const bytes = Buffer.from((papers[slot] as Paper).abstract, 'utf8');
				this.starts[first + slot - from] = at;
				at += bytes.length;
				chunk.push(bytes);
			}
			this.write(Buffer.concat(chunk));
		}
		this.count = first + (to - from);
		this.starts[this.count] = this.position;
		this.shelf ??= new AbstractShelf(this.fd, this.starts, () => this.closeFile());
		this.shelf.extend(this.starts, this.count);
		for (let slot = from; slot < to; slot++) papers[slot] = shelvedPaper(papers[slot] as Paper, this.shelf, first + slot - from);
	}

	/** No more papers: the file closes once its shelf has (at once, when nothing was shelved). */
	finish(): void {
		this.finished = true;
		if (!this.shelf) this.closeFile();
	}

	private write(bytes: Buffer): void {
		let written = 0;
		while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written, this.position + written);
		this.position += bytes.length;
	}

	private closeFile(): void {
		if (this.closed) return;
		this.closed = true;
		closeSync(this.fd);
		if (this.unlinkAtClose) rmSync(this.unlinkAtClose, { force: true });
	}
}
