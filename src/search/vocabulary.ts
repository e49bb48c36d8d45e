import { hashRange } from './tokenize.js';

/**
 * The build-time vocabulary: an open-addressing hash table keyed by the characters of a text range, so
 * the indexer looks a token up without first slicing it into a new string (one allocation per token
 * of 100,000 abstracts is most of the build time otherwise). A string is made only for a new term.
 */
export class Vocabulary {
	readonly terms: string[] = [];
	private table = new Int32Array(1 << 16).fill(-1);
	private hashes: Int32Array = new Int32Array(1 << 12);

	get size(): number {
		return this.terms.length;
	}

	/**
	 * The id of the lower-cased `text[start, end)`, adding it when new. `hash` is hashRange of the
	 * lower-cased range; `lowerCased` false means ASCII capitals in `text` still need folding.
	 */
	idOfRange(text: string, start: number, end: number, hash: number, lowerCased: boolean): number {
		const mask = this.table.length - 1;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const id = this.table[slot] as number;
			if (id < 0) {
				const term = text.slice(start, end);
				return this.add(lowerCased ? term : term.toLowerCase(), hash, slot);
			}
			if (this.hashes[id] === hash && sameRange(this.terms[id] as string, text, start, end)) return id;
		}
	}

	/** The id of `term`, or -1. */
	find(term: string): number {
		const hash = hashRange(term, 0, term.length);
		const mask = this.table.length - 1;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const id = this.table[slot] as number;
			if (id < 0) return -1;
			if (this.hashes[id] === hash && this.terms[id] === term) return id;
		}
	}

	private add(term: string, hash: number, slot: number): number {
		const id = this.terms.length;
		this.terms.push(term);
		if (id >= this.hashes.length) {
			const hashes = new Int32Array(this.hashes.length * 2);
			hashes.set(this.hashes);
			this.hashes = hashes;
		}
		this.hashes[id] = hash;
		this.table[slot] = id;
		// Keep the load under a half so probe runs stay short.
		if (this.terms.length * 2 > this.table.length) this.rehash();
		return id;
	}

	private rehash(): void {
		const table = new Int32Array(this.table.length * 2).fill(-1);
		const mask = table.length - 1;
		for (let id = 0; id < this.terms.length; id++) {
			let slot = (this.hashes[id] as number) & mask;
			while ((table[slot] as number) >= 0) slot = (slot + 1) & mask;
			table[slot] = id;
		}
		this.table = table;
	}
}

function sameRange(term: string, text: string, start: number, end: number): boolean {
	if (term.length !== end - start) return false;
	for (let i = 0; i < term.length; i++) {
		let code = text.charCodeAt(start + i);
		// Terms are stored lower-cased; the source may still have ASCII capitals.
		if (code >= 65 && code <= 90) code += 32;
		if (term.charCodeAt(i) !== code) return false;
	}
	return true;
}
