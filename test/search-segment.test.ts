import { describe, expect, it } from 'vitest';
import { buildSegment, createSegmentBuilder, ITEM_START, segmentFromParts, TERM_MASK, uniqueGramCodes, uniqueGrams } from '../src/search/segment.js';
import { decodePostingList } from '../src/search/postings-codec.js';
import { makePaper } from './search-helpers.js';

const papers = [
	makePaper({ id: 'a', title: 'Diffusion Transformers', abstract: 'We study diffusion and the diffusion process.', listedOn: '2025-01-01' }),
	makePaper({ id: 'b', title: 'Gaussian Splatting', abstract: 'A diffusion prior for 3DGS.', authors: ['Ada Lovelace'], listedOn: '2025-02-01' }),
	makePaper({ id: 'c', title: 'The Art of Diffusing', abstract: 'Nothing else.', keywords: ['Quantization'], listedOn: '2024-12-01' }),
];
const segment = buildSegment(papers);
const postings = (term: string) => {
	const id = segment.termId(term);
	return id < 0 ? [] : decodePostingList(segment, segment.offsets, id);
};

describe('buildSegment', () => {
	it('keeps a sorted vocabulary and postings per term', () => {
		expect([...segment.terms]).toEqual([...segment.terms].sort());
		expect(postings('diffusion')).toEqual([0, 1]);
		expect(postings('3dgs')).toEqual([1]);
		expect(postings('lovelace')).toEqual([1]);
		expect(postings('quantization')).toEqual([2]);
	});

	it('leaves stopwords out of abstracts but keeps them in titles', () => {
		expect(postings('the')).toEqual([2]);
		expect(postings('for')).toEqual([]);
	});

	it('scores a title occurrence above an abstract one', () => {
		const id = segment.termId('diffusion');
		const start = segment.offsets[id] as number;
		expect(segment.impacts[start]).toBeGreaterThan(segment.impacts[start + 1] as number);
	});

	it('keeps each title, keyword and author name as words in reading order, items marked, stopwords out', () => {
		const items = (doc: number) => {
			const words = [...segment.fieldWords.subarray(segment.fieldStarts[doc], segment.fieldStarts[doc + 1])];
			return words.map((word) => `${word & ITEM_START ? '|' : ''}${segment.terms[word & TERM_MASK]}`).join(' ');
		};
		expect(items(1)).toBe('|gaussian splatting |ada lovelace');
		expect(items(2)).toBe('|art diffusing |quantization');
	});

	it('orders title postings by recency', () => {
		expect([...segment.docAtRank]).toEqual([1, 0, 2]);
		const id = segment.termId('diffusion');
		expect(segment.titleFrequency(id)).toBe(1);
	});
});

describe('Segment.prefixRange', () => {
	it('covers exactly the terms starting with the prefix', () => {
		const [start, end] = segment.prefixRange('diff');
		expect(segment.terms.slice(start, end)).toEqual(['diffusing', 'diffusion']);
		const [none, noneEnd] = segment.prefixRange('zzz');
		expect(noneEnd - none).toBe(0);
	});
});

describe('Segment.similarTerms', () => {
	it('finds vocabulary words within the allowed edits', () => {
		const found = segment.similarTerms('difusion', 2).map(({ termId, distance }) => [segment.terms[termId], distance]);
		expect(found).toContainEqual(['diffusion', 1]);
		expect(segment.similarTerms('gausian', 1).map(({ termId }) => segment.terms[termId])).toEqual(['gaussian']);
		expect(segment.similarTerms('dpo', 0)).toEqual([]);
	});
});

describe('uniqueGrams', () => {
	it('pads the word so starts and ends count', () => {
		expect(uniqueGrams('rl')).toEqual(['^rl', 'rl$']);
		expect(uniqueGrams('aaaa')).toEqual(['^aa', 'aaa', 'aa$']);
	});
});

describe('uniqueGramCodes', () => {
	it('gives one distinct number per distinct trigram, for any script', () => {
		for (const token of ['rl', 'aaaa', 'diffusion', 'naïve', '量子计算机', 'x😀y', 'ĀĀĀĀ'])
			expect([token, new Set(uniqueGramCodes(token)).size]).toEqual([token, uniqueGrams(token).length]);
	});

	it('lets a segment saved and restored find the same typo neighbours, non-Latin words included', () => {
		const words = buildSegment([makePaper({ id: 'p1', title: 'Ĉiuj ĉambroj kaj 量子计算机 with naïveté' })]);
		const restored = segmentFromParts(words.papers, words.parts());
		expect(restored.parts().grams).toEqual(words.parts().grams);
		// Terms are folded (ĉ → c, ï → i); the Chinese word keeps its code units above 1024.
		for (const [typo, edits] of [
			['cambroi', 1],
			['naivet', 1],
			['量子计算', 1],
		] as const)
			expect(restored.similarTerms(typo, edits).map(({ termId }) => restored.terms[termId])).toEqual(
				words.similarTerms(typo, edits).map(({ termId }) => words.terms[termId]),
			);
		expect(words.similarTerms('cambroi', 1).map(({ termId }) => words.terms[termId])).toEqual(['cambroj']);
		expect(words.similarTerms('量子计算', 1).map(({ termId }) => words.terms[termId])).toEqual(['量子计算机']);
	});

	it('finds each paper by id, and no paper for an id it does not hold', () => {
		const ids = ['b2', 'a10', 'a9', 'Z', 'ä'];
		const segment = buildSegment(ids.map((id) => makePaper({ id, title: `Paper ${id}` })));
		for (const [doc, id] of ids.entries()) expect(segment.docOf(id)).toBe(doc);
		for (const missing of ['a', 'a1', 'zz', '', 'b3']) expect(segment.docOf(missing)).toBeUndefined();
		expect(segmentFromParts(segment.papers, segment.parts()).docOf('a9')).toBe(2);
	});

	it('refuses saved parts whose id order does not fit the papers', () => {
		const parts = segment.parts();
		const swapped = { ...parts, idOrder: Uint32Array.from(parts.idOrder).reverse() };
		expect(() => segmentFromParts(segment.papers, swapped)).toThrow('the id order does not fit the papers');
		const repeated = { ...parts, idOrder: Uint32Array.from([0, 0, 1]) };
		expect(() => segmentFromParts(segment.papers, repeated)).toThrow('the id order does not fit the papers');
		expect(() => segmentFromParts(segment.papers, { ...parts, idOrder: parts.idOrder.subarray(1) })).toThrow('the id order does not fit the papers');
	});
});

describe('createSegmentBuilder', () => {
	it('builds, a paper at a time, the segment buildSegment makes, though the abstracts are gone by the end', () => {
		const papers = ['a', 'b', 'c'].map((id) => makePaper({ id, title: `Paper ${id}`, abstract: `Quantized attention ${id} kernels` }));
		const builder = createSegmentBuilder(papers.length);
		const lean = papers.map((paper) => {
			builder.addPaper(paper);
			return { ...paper, abstract: '' };
		});
		const streamed = builder.finish(lean).parts();
		const whole = buildSegment(papers).parts();
		expect(streamed.terms).toEqual(whole.terms);
		expect(Buffer.from(streamed.postings.buffer).equals(Buffer.from(whole.postings.buffer))).toBe(true);
		expect(Buffer.from(streamed.impacts.buffer).equals(Buffer.from(whole.impacts.buffer))).toBe(true);
	});

	it('refuses a paper beyond the count it was sized for', () => {
		const builder = createSegmentBuilder(1);
		builder.addPaper(makePaper({ id: 'a', title: 'One' }));
		expect(() => builder.addPaper(makePaper({ id: 'b', title: 'Two' }))).toThrow('a segment build sized for 1 papers was given more');
	});
});
