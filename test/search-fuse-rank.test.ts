import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { excerpt, fieldNorm, FUSE_OPTIONS, fuseCandidateCount, rankWithFuse } from '../src/search/fuse-rank.js';
import { loadSeedPapers } from './search-helpers.js';

const seed = loadSeedPapers();

describe('fieldNorm', () => {
	it('equals the norm Fuse stores for a field', () => {
		const index = Fuse.createIndex(['abstract'], seed.slice(0, 5));
		for (const record of index.records) {
			const field = record.$?.[0] as { n: number };
			expect(fieldNorm(seed[record.i]?.abstract ?? '')).toBe(field.n);
		}
	});
});

describe('excerpt', () => {
	it('keeps the windows around query terms', () => {
		const text = `${'filler '.repeat(100)}the perplexity of models ${'more '.repeat(100)}`;
		const cut = excerpt(text, ['perplexity'], 10) ?? '';
		expect(cut).toContain('perplexity');
		expect(cut.length).toBeLessThan(80);
	});

	it('is undefined when no term occurs', () => {
		expect(excerpt('nothing here', ['absent'], 6)).toBeUndefined();
	});
});

describe('rankWithFuse', () => {
	it('scores candidates as plain Fuse scores the same papers', () => {
		const papers = seed.slice(10, 40);
		for (const query of ['RLHF', 'preference optimization', 'bandits']) {
			const ours = rankWithFuse(query, papers, query.toLowerCase().split(' '));
			const plain = new Fuse(papers, FUSE_OPTIONS).search(query);
			expect(ours[0]?.score, query).toBeCloseTo(plain[0]?.score ?? 1, 2);
		}
	});

	it('returns indexes into the candidate list', () => {
		const papers = seed.slice(0, 5);
		for (const { candidate } of rankWithFuse('quantization', papers, ['quantization'])) {
			expect(candidate).toBeGreaterThanOrEqual(0);
			expect(candidate).toBeLessThan(5);
		}
	});
});

describe('fuseCandidateCount', () => {
	it('gives short patterns more candidates, within bounds', () => {
		expect(fuseCandidateCount('dpo')).toBeGreaterThan(fuseCandidateCount('preference optimization llm'));
		expect(fuseCandidateCount('x'.repeat(1000))).toBeGreaterThan(0);
	});
});
