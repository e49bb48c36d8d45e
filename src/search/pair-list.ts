/**
 * The build's (term, code) pairs, one per distinct term of each paper, in chunks: a growing flat array doubled its
 * size at the end of a million-paper build and kept the old copy as garbage until a collection, 1.3 GB between
 * them. Chunks are sized to the build, so a live upsert of a few papers allocates a few kilobytes.
 */
export class PairList {
	private readonly bits: number;
	private readonly mask: number;
	private readonly termChunks: Uint32Array[] = [];
	private readonly codeChunks: Uint8Array[] = [];
	length = 0;

	constructor(expectedPairs: number) {
		this.bits = Math.min(20, Math.max(10, Math.ceil(Math.log2(Math.max(1, expectedPairs)))));
		this.mask = (1 << this.bits) - 1;
	}

	push(term: number, code: number): void {
		const chunk = this.length >>> this.bits;
		if (chunk === this.termChunks.length) {
			this.termChunks.push(new Uint32Array(this.mask + 1));
			this.codeChunks.push(new Uint8Array(this.mask + 1));
		}
		(this.termChunks[chunk] as Uint32Array)[this.length & this.mask] = term;
		(this.codeChunks[chunk] as Uint8Array)[this.length & this.mask] = code;
		this.length++;
	}

	term(i: number): number {
		return (this.termChunks[i >>> this.bits] as Uint32Array)[i & this.mask] as number;
	}

	code(i: number): number {
		return (this.codeChunks[i >>> this.bits] as Uint8Array)[i & this.mask] as number;
	}

	/** Rewrites every term through `map` (the build's hash ids to sorted ids), once instead of at every read. */
	mapTerms(map: Uint32Array): void {
		for (let i = 0; i < this.length; i++) {
			const chunk = this.termChunks[i >>> this.bits] as Uint32Array;
			chunk[i & this.mask] = map[chunk[i & this.mask] as number] as number;
		}
	}
}
