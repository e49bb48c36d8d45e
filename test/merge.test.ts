import { describe, expect, it } from 'vitest';
import { mergePapers } from '../src/papers/merge.js';
import { titleId, type Paper } from '../src/papers/paper.js';

const dumped = (title: string, abstract = 'Short abstract.'): Paper => ({
	id: titleId(title),
	title,
	abstract,
	authors: [],
	listedOn: '2025-03-14',
	source: 'seed-dump',
	codeUrl: 'https://github.com/a/b',
});
const fromHf = (arxivId: string, title: string, extra: Partial<Paper> = {}): Paper => ({
	id: arxivId,
	title,
	abstract: 'A longer abstract from the API.',
	authors: ['Ada'],
	listedOn: '2025-03-15',
	arxivId,
	upvotes: 3,
	source: 'hf-daily',
	...extra,
});

describe('mergePapers', () => {
	it('folds the same title into the richer record and fills its missing fields', () => {
		const { papers, merged } = mergePapers([dumped('Diffusion, Revisited!'), fromHf('2503.00001', 'diffusion revisited')]);
		expect(merged).toBe(1);
		expect(papers).toEqual([{ ...fromHf('2503.00001', 'diffusion revisited'), codeUrl: 'https://github.com/a/b' }]);
	});

	it('folds the same arXiv id ignoring the version, keeping the higher upvotes and known keywords', () => {
		const a = fromHf('2503.00001', 'Title A', { upvotes: 10 });
		const b = fromHf('2503.00001', 'Title A (v2)', { upvotes: 2, keywords: ['rlhf'], arxivId: '2503.00001v2' });
		const { papers, merged } = mergePapers([a, b]);
		expect(merged).toBe(1);
		expect(papers).toHaveLength(1);
		expect(papers[0]).toMatchObject({ id: '2503.00001', upvotes: 10, keywords: ['rlhf'] });
	});

	it('keeps papers that share a title but have different arXiv ids', () => {
		const { papers, merged } = mergePapers([fromHf('2503.00001', 'A Survey'), fromHf('2503.00002', 'A Survey')]);
		expect(merged).toBe(0);
		expect(papers.map((paper) => paper.id)).toEqual(['2503.00001', '2503.00002']);
	});

	it('prefers the longer abstract between equally rich records and keeps first-seen order', () => {
		const { papers } = mergePapers([dumped('Other'), dumped('Same', 'Short.'), dumped('Same', 'A much longer abstract.')]);
		expect(papers.map((paper) => [paper.title, paper.abstract])).toEqual([
			['Other', 'Short abstract.'],
			['Same', 'A much longer abstract.'],
		]);
	});

	it('joins a title-only record and an arXiv record that arrive in either order', () => {
		const hf = fromHf('2503.00001', 'Same Title');
		const later = fromHf('2503.00001', 'Same Title', { upvotes: 5 });
		const { papers, merged } = mergePapers([dumped('Same Title'), hf, later]);
		expect(merged).toBe(2);
		expect(papers).toHaveLength(1);
		expect(papers[0]!.upvotes).toBe(5);
	});
});
