import { hashRange } from './tokenize.js';
import { grow } from './grow.js';

/**
 * The build-time vocabulary: an open-addressing hash table keyed by the characters of a text range, so
 * the indexer looks a token up without first slicing it into a new string (one allocation per token
 * of 100,000 abstracts is most of the build time otherwise). Terms' characters also live in one
 * contiguous pool, so confirming a hit does not chase a pointer to a heap string per token.
 */
/** Up to this many terms fit the first tables: what a whole corpus's build starts with. */
const MAX_INITIAL_TERMS = 1 << 15;
const MIN_INITIAL_TERMS = 256;

export class Vocabulary {
	readonly terms: string[] = [];
	/** Pairs of (hash, id + 1) per slot; 0 in the id half marks an empty slot. */
	private table: Int32Array;
	private starts: Uint32Array;
	private pool: Uint16Array;
	private poolSize = 0;

	/**
	 * `expectedTerms` sizes the tables (they grow past it): a live upsert of 25 papers allocated the 0.7 MB a
	 * corpus starts with, two hundred times in a 30-second burst, and the garbage collector ran for it.
	 */
	constructor(expectedTerms: number = MAX_INITIAL_TERMS) {
		const terms = Math.min(MAX_INITIAL_TERMS, Math.max(MIN_INITIAL_TERMS, expectedTerms));
		// Slots at a quarter load at first; add() keeps it under a half.
		const slots = 2 ** Math.ceil(Math.log2(terms * 4));
		this.table = new Int32Array(2 * slots);
		this.starts = new Uint32Array(Math.min(1 << 12, terms + 2));
		this.pool = new Uint16Array(terms * 2);
	}

	get size(): number {
		return this.terms.length;
	}

	/**
	 * The id of the lower-cased `text[start, end)`, adding it when new. `hash` is hashRange of the
	 * lower-cased range; `lowerCased` false means ASCII capitals in `text` still need folding.
	 */
	idOfRange(text: string, start: number, end: number, hash: number, lowerCased: boolean): number {
		const table = this.table;
		const mask = (table.length >> 1) - 1;
		const length = end - start;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const stored = table[2 * slot + 1] as number;
			if (stored === 0) {
				const term = text.slice(start, end);
				return this.add(lowerCased ? term : term.toLowerCase(), hash, slot);
			}
			if (table[2 * slot] === hash) {
				const id = stored - 1;
				const from = this.starts[id] as number;
				if ((this.starts[id + 1] as number) - from === length && this.samePooled(from, text, start, length)) return id;
			}
		}
	}

	/** The id of `term`, or -1. */
	find(term: string): number {
		const hash = hashRange(term, 0, term.length);
		const mask = (this.table.length >> 1) - 1;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const stored = this.table[2 * slot + 1] as number;
			if (stored === 0) return -1;
			if (this.table[2 * slot] === hash && this.terms[stored - 1] === term) return stored - 1;
		}
	}

	private samePooled(from: number, text: string, start: number, length: number): boolean {
		const pool = this.pool;
		for (let i = 0; i < length; i++) {
			let code = text.charCodeAt(start + i);
			// Terms are stored lower-cased; the source may still have ASCII capitals.
			if (code >= 65 && code <= 90) code += 32;
			if (pool[from + i] !== code) return false;
		}
		return true;
	}

	private add(term: string, hash: number, slot: number): number {
		const id = this.terms.length;
		this.terms.push(term);
		if (id + 2 > this.starts.length) this.starts = grow(this.starts, this.starts.length * 2);
		if (this.poolSize + term.length > this.pool.length) this.pool = grow(this.pool, Math.max(this.pool.length * 2, this.poolSize + term.length));
		for (let i = 0; i < term.length; i++) this.pool[this.poolSize + i] = term.charCodeAt(i);
		this.starts[id] = this.poolSize;
		this.poolSize += term.length;
		this.starts[id + 1] = this.poolSize;
		this.table[2 * slot] = hash;
		this.table[2 * slot + 1] = id + 1;
		// Keep the load under a half so probe runs stay short.
		if (this.terms.length * 4 > this.table.length) this.rehash();
		return id;
	}

	private rehash(): void {
		const table = new Int32Array(this.table.length * 2);
		const mask = (table.length >> 1) - 1;
		for (let slot = 0; slot < this.table.length >> 1; slot++) {
			const stored = this.table[2 * slot + 1] as number;
			if (stored === 0) continue;
			const hash = this.table[2 * slot] as number;
			let target = hash & mask;
			while ((table[2 * target + 1] as number) !== 0) target = (target + 1) & mask;
			table[2 * target] = hash;
			table[2 * target + 1] = stored;
		}
		this.table = table;
	}
}
