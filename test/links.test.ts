import { describe, expect, it } from 'vitest';
import { arxivLinks, arxivTitleSearchUrl, findAbstractLinks, paperPageUrl } from '../src/papers/links.js';

describe('findAbstractLinks', () => {
	it('takes the first GitHub repo as code and the first other link as project, trimming punctuation and .git', () => {
		const text = 'See https://proj.example.org/page/, code at https://github.com/org/repo.git. Also https://github.com/other/x.';
		expect(findAbstractLinks(text)).toEqual({ codeUrl: 'https://github.com/org/repo', projectUrl: 'https://proj.example.org/page/' });
	});

	it('keeps a repo name that itself contains dots and stops at closing parentheses', () => {
		expect(findAbstractLinks('(https://github.com/a/b.c.d).')).toEqual({ codeUrl: 'https://github.com/a/b.c.d' });
	});

	it('finds nothing in plain text', () => {
		expect(findAbstractLinks('No links here: just https:// and text.')).toEqual({});
	});
});

describe('arxivLinks', () => {
	it('gives the abstract, the PDF and the Hugging Face page of a new-style id', () => {
		expect(arxivLinks('2403.09611')).toEqual({
			abstract: 'https://arxiv.org/abs/2403.09611',
			pdf: 'https://arxiv.org/pdf/2403.09611',
			huggingFace: 'https://huggingface.co/papers/2403.09611',
		});
	});

	it('gives an old-style id arXiv links only, since Hugging Face has no pages for those', () => {
		expect(arxivLinks('hep-th/9901001')).toEqual({
			abstract: 'https://arxiv.org/abs/hep-th/9901001',
			pdf: 'https://arxiv.org/pdf/hep-th/9901001',
			huggingFace: undefined,
		});
	});

	it.each([undefined, '', 't-0123456789ab', 'not an id', '2403.09611/../x', 'javascript:alert(1)'])('gives nothing for %j', (id) => {
		expect(arxivLinks(id)).toBeUndefined();
	});
});

describe('paperPageUrl', () => {
	it('prefers the Hugging Face page, falls back to the arXiv abstract, and names no page without an arXiv id', () => {
		expect(paperPageUrl('2403.09611')).toBe('https://huggingface.co/papers/2403.09611');
		expect(paperPageUrl('cs/0112017')).toBe('https://arxiv.org/abs/cs/0112017');
		expect(paperPageUrl(undefined)).toBeUndefined();
	});
});

describe('arxivTitleSearchUrl', () => {
	it('encodes the title as an arXiv title search', () => {
		expect(arxivTitleSearchUrl('A & B')).toBe('https://arxiv.org/search/?query=A%20%26%20B&searchtype=title');
	});
});
