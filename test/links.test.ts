import { describe, expect, it } from 'vitest';
import { findAbstractLinks } from '../src/papers/links.js';

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
