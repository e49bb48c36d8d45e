/**
 * Posting lists as gaps between ascending paper numbers, seven bits a byte (LEB128), high bit set while more
 * bytes follow. At a million papers a list entry takes 1.2–1.6 bytes instead of four: 350 MB less of a bot's
 * memory. The scoring loop (candidates.ts) decodes inline, in step with the impacts, which stay one byte each.
 */

export interface EncodedPostings {
	/** Term `t`'s list is the bytes [postingStarts[t], postingStarts[t + 1]). */
	postings: Uint8Array;
	postingStarts: Uint32Array;
}

/**
 * Encodes postings in two passes, so a build never holds them as four-byte numbers: `measure` every posting, then
 * `allocate`, then `put` every posting again, each time in ascending paper order within a term.
 */
export class PostingsEncoder {
	private readonly previous: Uint32Array;
	private readonly starts: Uint32Array;
	private cursor: Uint32Array | undefined;
	private bytes: Uint8Array | undefined;

	constructor(private readonly termCount: number) {
		this.previous = new Uint32Array(termCount);
		this.starts = new Uint32Array(termCount + 1);
	}

	measure(term: number, doc: number): void {
		this.starts[term + 1] = (this.starts[term + 1] as number) + varintLength(doc - (this.previous[term] as number));
		this.previous[term] = doc;
	}

	allocate(): void {
		for (let t = 0; t < this.termCount; t++) this.starts[t + 1] = (this.starts[t + 1] as number) + (this.starts[t] as number);
		this.bytes = new Uint8Array(this.starts[this.termCount] as number);
		this.cursor = this.starts.slice(0, this.termCount);
		this.previous.fill(0);
	}

	put(term: number, doc: number): void {
		const bytes = this.bytes as Uint8Array;
		const cursor = this.cursor as Uint32Array;
		let gap = doc - (this.previous[term] as number);
		this.previous[term] = doc;
		let at = cursor[term] as number;
		while (gap >= 0x80) {
			bytes[at++] = (gap & 0x7f) | 0x80;
			gap >>>= 7;
		}
		bytes[at++] = gap;
		cursor[term] = at;
	}

	finish(): EncodedPostings {
		return { postings: this.bytes ?? new Uint8Array(0), postingStarts: this.starts };
	}
}

/** `docs` holds each term's papers ascending, term `t` at [offsets[t], offsets[t + 1]). */
export function encodePostings(offsets: Uint32Array, docs: Uint32Array): EncodedPostings {
	const termCount = offsets.length - 1;
	const encoder = new PostingsEncoder(termCount);
	for (const pass of [encoder.measure, encoder.put]) {
		for (let t = 0; t < termCount; t++) for (let i = offsets[t] as number; i < (offsets[t + 1] as number); i++) pass.call(encoder, t, docs[i] as number);
		if (pass === encoder.measure) encoder.allocate();
	}
	return encoder.finish();
}

/** Term `termId`'s papers, ascending (tests, checks; scoring decodes inline). */
export function decodePostingList(encoded: EncodedPostings, offsets: Uint32Array, termId: number): number[] {
	const docs: number[] = [];
	let at = encoded.postingStarts[termId] as number;
	let doc = 0;
	for (let i = offsets[termId] as number; i < (offsets[termId + 1] as number); i++) {
		let byte = encoded.postings[at++] as number;
		let gap = byte & 0x7f;
		for (let shift = 7; byte & 0x80; shift += 7) {
			byte = encoded.postings[at++] as number;
			gap |= (byte & 0x7f) << shift;
		}
		doc += gap;
		docs.push(doc);
	}
	return docs;
}

/**
 * Why the encoded lists do not fit (each must decode to exactly its count of papers, strictly ascending after the
 * first, below `paperCount`, ending where the next list starts), or undefined when they do.
 */
export function postingsProblem(encoded: EncodedPostings, offsets: Uint32Array, paperCount: number): string | undefined {
	const { postings, postingStarts } = encoded;
	const termCount = offsets.length - 1;
	if (postingStarts.length !== termCount + 1 || postingStarts[0] !== 0 || postingStarts[termCount] !== postings.length)
		return 'posting bytes: offsets do not fit';
	for (let t = 0; t < termCount; t++) {
		let at = postingStarts[t] as number;
		const byteEnd = postingStarts[t + 1] as number;
		const count = (offsets[t + 1] as number) - (offsets[t] as number);
		let doc = 0;
		for (let k = 0; k < count; k++) {
			if (at >= byteEnd) return 'a posting list runs past its end';
			let byte = postings[at++] as number;
			let gap = byte & 0x7f;
			for (let shift = 7; byte & 0x80; shift += 7) {
				// Five bytes hold any paper number; a sixth would be a corrupt run.
				if (at >= byteEnd || shift > 28) return 'a posting list runs past its end';
				byte = postings[at++] as number;
				gap |= (byte & 0x7f) << shift;
			}
			// A negative gap overflowed 31 bits: no paper has that number.
			if (gap < 0) return 'a posting names a paper that is not there';
			if (k > 0 && gap === 0) return 'a posting list repeats a paper';
			doc += gap;
			if (doc >= paperCount) return 'a posting names a paper that is not there';
		}
		if (at !== byteEnd) return 'a posting list does not end where the next starts';
	}
	return undefined;
}

function varintLength(value: number): number {
	return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}
