import { describe, expect, it } from 'vitest';
import { cleanText, normalizeArxivId, normalizeTitle, paperUrl, titleId } from '../src/papers/paper.js';

describe('normalizeArxivId', () => {
	it('drops the version and the arXiv: prefix, and keeps old-style ids', () => {
		expect(normalizeArxivId('2401.01234v2')).toBe('2401.01234');
		expect(normalizeArxivId('arXiv:2401.01234')).toBe('2401.01234');
		expect(normalizeArxivId('hep-th/9901001v1')).toBe('hep-th/9901001');
		expect(normalizeArxivId('not an id')).toBeUndefined();
	});
});

describe('normalizeTitle', () => {
	it('folds case, accents and punctuation so two spellings compare equal', () => {
		expect(normalizeTitle('Café: A  Study—of RLHF!')).toBe(normalizeTitle('cafe a study of rlhf'));
		expect(normalizeTitle('Plain ASCII Title')).toBe('plain ascii title');
	});
});

describe('titleId', () => {
	it('gives the same short id to the same title however it is spelled', () => {
		expect(titleId('Deep  Learning.')).toBe(titleId('deep learning'));
		expect(titleId('Deep Learning')).toMatch(/^t-[0-9a-f]{12}$/);
	});
});

describe('cleanText', () => {
	it('collapses hard line breaks, tabs, double and edge spaces, and returns clean text untouched', () => {
		expect(cleanText('Diffusion\n  Models\tfor  Video ')).toBe('Diffusion Models for Video');
		expect(cleanText(' leading')).toBe('leading');
		expect(cleanText('no\u00a0break')).toBe('no break');
		const clean = 'Already clean text.';
		expect(cleanText(clean)).toBe(clean);
	});
});

describe('paperUrl', () => {
	it('links the Hugging Face page for a new-style arXiv id, the arXiv abstract for an old-style one, nothing without an id', () => {
		expect(paperUrl({ arxivId: '2403.09611' })).toBe('https://huggingface.co/papers/2403.09611');
		expect(paperUrl({ arxivId: 'hep-th/9901001' })).toBe('https://arxiv.org/abs/hep-th/9901001');
		expect(paperUrl({})).toBeUndefined();
		expect(paperUrl({ arxivId: 't-0123456789ab' })).toBeUndefined();
	});
});
