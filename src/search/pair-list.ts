/**
 * A large build's chunks are one buffer of 8M pairs (40 MB), above the largest block glibc's malloc ever serves from
 * its heap (32 MB), so each is mapped on its own and given back to the system when it is freed. Smaller chunks, freed
 * in the middle of that heap, stayed in the process: a million-paper build left 680 MB of RSS behind it.
 */
const MAX_CHUNK_BITS = 23;
const MIN_CHUNK_BITS = 10;
const BYTES_PER_PAIR = Uint32Array.BYTES_PER_ELEMENT + Uint8Array.BYTES_PER_ELEMENT;

/**
 * The build's (term, code) pairs, one per distinct term of each paper, in chunks: a growing flat array doubled its
 * size at the end of a million-paper build and kept the old copy as garbage until a collection, 1.3 GB between
 * them. Chunks are sized to the build, so a live upsert of a few papers allocates a few tens of kilobytes.
 */
export class PairList {
	private readonly bits: number;
	private readonly mask: number;
	private readonly termChunks: Uint32Array[] = [];
	private readonly codeChunks: Uint8Array[] = [];
	length = 0;

	constructor(expectedPairs: number) {
		this.bits = Math.min(MAX_CHUNK_BITS, Math.max(MIN_CHUNK_BITS, Math.ceil(Math.log2(Math.max(1, expectedPairs)))));
		this.mask = (1 << this.bits) - 1;
	}

	push(term: number, code: number): void {
		const chunk = this.length >>> this.bits;
		if (chunk === this.termChunks.length) this.addChunk();
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

	/** Bytes allocated for each chunk (one buffer holds its terms and its codes). */
	get chunkBytes(): number {
		return (this.mask + 1) * BYTES_PER_PAIR;
	}

	private addChunk(): void {
		const size = this.mask + 1;
		const buffer = new ArrayBuffer(size * BYTES_PER_PAIR);
		this.termChunks.push(new Uint32Array(buffer, 0, size));
		this.codeChunks.push(new Uint8Array(buffer, size * Uint32Array.BYTES_PER_ELEMENT, size));
	}
}
