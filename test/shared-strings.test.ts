import { describe, expect, it } from 'vitest';
import { StringPool } from '../src/papers/shared-strings.js';
import { makePaper } from './search-helpers.js';

describe('StringPool', () => {
	it('does leave every paper reading as before', () => {
		const papers = [
			makePaper({ id: '2401.00001', arxivId: '2401.00001', title: 'A', authors: ['Ada', 'Alan'], keywords: ['llm'] }),
			makePaper({ id: 't-abc', title: 'B', authors: ['Alan'], keywords: ['llm', 'rl'], listedOn: '2024-01-02' }),
		];
		const before = structuredClone(papers);
		new StringPool().shareAll(papers);
		expect(papers).toStrictEqual(before);
	});

	it('does hand out the first instance of a text it has seen', () => {
		const pool = new StringPool();
		const first = pool.share(['ab', 'c'].join(''));
		expect(pool.share('abc')).toBe(first);
		expect(pool.share('other')).toBe('other');
	});
});
