import { describe, expect, it } from 'vitest';
import { autocompleteSegment, autocompleteWords, recentInSegment } from '../src/search/autocomplete.js';
import { buildSegment } from '../src/search/segment.js';
import { makePaper } from './search-helpers.js';

const papers = [
	makePaper({ id: 'old', title: 'Diffusion Transformers at Scale', listedOn: '2024-01-01' }),
	makePaper({ id: 'new', title: 'Diffusion Models Trained Fast', listedOn: '2025-06-01' }),
	makePaper({ id: 'mid', title: 'Digital Twins', listedOn: '2025-01-01', upvotes: 3 }),
	makePaper({ id: 'gs', title: '3D Gaussian Splatting', listedOn: '2025-03-01' }),
];
const segment = buildSegment(papers);
const ids = (prefix: string, limit = 10) => autocompleteSegment(segment, autocompleteWords(prefix), limit).map((paper) => paper.id);

describe('autocompleteWords', () => {
	it('keeps a trailing single letter the user is still typing', () => {
		expect(autocompleteWords('diffusion t')).toEqual(['diffusion', 't']);
		expect(autocompleteWords('d')).toEqual(['d']);
		expect(autocompleteWords('  ')).toEqual([]);
	});
});

describe('autocompleteSegment', () => {
	it('returns title prefix matches newest first', () => {
		expect(ids('di')).toEqual(['new', 'mid', 'old']);
		expect(ids('d')).toEqual(['new', 'mid', 'old']);
		expect(ids('3d')).toEqual(['gs']);
	});

	it('requires every word', () => {
		expect(ids('diffusion tr')).toEqual(['new', 'old']);
		expect(ids('diffusion mod')).toEqual(['new']);
		expect(ids('digital diffusion')).toEqual([]);
	});

	it('stops at the limit', () => {
		expect(ids('di', 1)).toEqual(['new']);
	});

	it('falls back to close words for a misspelt one', () => {
		expect(ids('difusion')).toEqual(['new', 'old']);
	});

	it('skips tombstoned papers', () => {
		const copy = buildSegment(papers);
		copy.deleted[1] = 1;
		expect(autocompleteSegment(copy, ['di'], 10).map((paper) => paper.id)).toEqual(['mid', 'old']);
	});
});

describe('recentInSegment', () => {
	it('lists the newest papers', () => {
		expect(recentInSegment(segment, 2).map((paper) => paper.id)).toEqual(['new', 'gs']);
	});
});
