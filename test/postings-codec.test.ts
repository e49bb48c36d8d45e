import { describe, expect, it } from 'vitest';
import { decodePostingList, encodePostings, postingsProblem } from '../src/search/postings-codec.js';

/** Three terms: a long list with gaps of every byte length, an empty one, one of paper 0 alone. */
const lists = [[3, 4, 200, 20_000, 3_000_000, 300_000_000], [], [0]];
const offsets = Uint32Array.from([0, 6, 6, 7]);
const docs = Uint32Array.from(lists.flat());
const paperCount = 300_000_001;

describe('encodePostings', () => {
	it('does give back every list as written', () => {
		const encoded = encodePostings(offsets, docs);
		expect(lists.map((_, term) => decodePostingList(encoded, offsets, term))).toEqual(lists);
		expect(postingsProblem(encoded, offsets, paperCount)).toBeUndefined();
	});

	it('does take a byte for a small gap, where a plain list takes four', () => {
		const dense = Uint32Array.from({ length: 1000 }, (_, i) => i * 3);
		expect(encodePostings(Uint32Array.from([0, 1000]), dense).postings.length).toBe(1000);
	});
});

describe('postingsProblem', () => {
	const encoded = encodePostings(offsets, docs);
	const damaged = (change: (bytes: Uint8Array) => void) => {
		const postings = encoded.postings.slice();
		change(postings);
		return postingsProblem({ postings, postingStarts: encoded.postingStarts }, offsets, paperCount);
	};

	it('does name a list that names a paper past the last', () => {
		expect(postingsProblem(encoded, offsets, 300_000_000)).toBe('a posting names a paper that is not there');
	});

	it('does name a list that runs on into the next or stops short of it', () => {
		expect(damaged((bytes) => (bytes[bytes.length - 2] = 0x85))).toBe('a posting list runs past its end');
		expect(damaged((bytes) => (bytes[1] = 0))).toBe('a posting list repeats a paper');
		const short = Uint32Array.from([0, 5, 5, 7]);
		expect(postingsProblem(encoded, short, paperCount)).toBe('a posting list does not end where the next starts');
	});

	it('does refuse byte offsets that do not span the bytes', () => {
		const postingStarts = encoded.postingStarts.slice();
		postingStarts[3] = (postingStarts[3] as number) + 1;
		expect(postingsProblem({ postings: encoded.postings, postingStarts }, offsets, paperCount)).toBe('posting bytes: offsets do not fit');
	});
});
