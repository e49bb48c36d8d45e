import { describe, expect, it } from 'vitest';
import { titleId, type Paper } from '../src/papers/paper.js';
import { createLiveIndex } from '../src/papers/sources/live-index.js';
import { buildPaperIndex } from '../src/search/index.js';

function paper(fields: Partial<Paper> & Pick<Paper, 'title'>): Paper {
	return { id: fields.arxivId ?? titleId(fields.title), abstract: 'About things.', authors: [], listedOn: '2026-03-14', source: 'hf-daily', ...fields };
}

const seed = paper({ title: 'Careful Experts', source: 'seed-dump' });
const known = paper({ title: 'Known Paper', arxivId: '2608.00001', upvotes: 5 });

describe('createLiveIndex', () => {
	it('finds a known paper by arXiv id, whatever the version or prefix', () => {
		const live = createLiveIndex(buildPaperIndex([seed, known]));
		expect(live.findExisting(paper({ title: 'Known Paper (v2 title)', arxivId: '2608.00001' }))?.id).toBe('2608.00001');
		expect(live.findExisting({ ...paper({ title: 'x' }), id: '2608.00001v3' })?.id).toBe('2608.00001');
	});

	it('never renames an arXiv paper to its seed twin id, and keeps two arXiv ids under one title apart', () => {
		const live = createLiveIndex(buildPaperIndex([seed, known]));
		expect(live.findExisting(paper({ title: 'Careful  experts!', arxivId: '2608.00009' }))).toBeUndefined();
		expect(live.findExisting(paper({ title: 'Known Paper', arxivId: '2608.00002' }))).toBeUndefined();
		expect(live.findExisting(paper({ title: 'careful experts' }))?.id).toBe(seed.id);
	});

	it('shows a seed twin through the seed entry, keeping its id and listing day', async () => {
		const index = buildPaperIndex([seed, known]);
		const live = createLiveIndex(index);
		await live.upsert([
			paper({ title: 'Careful Experts', arxivId: '2608.00009', upvotes: 7, listedOn: '2026-08-21' }),
			paper({ title: 'Brand New', arxivId: '2608.00010' }),
		]);
		expect(index.size).toBe(3);
		expect(index.get(seed.id)).toMatchObject({ id: seed.id, arxivId: '2608.00009', upvotes: 7, listedOn: '2026-03-14' });
		expect(index.get('2608.00010')?.title).toBe('Brand New');
		await live.upsert([paper({ title: 'Careful Experts', arxivId: '2608.00009', upvotes: 9 })]);
		expect(index.size).toBe(3);
		expect(index.get(seed.id)?.upvotes).toBe(9);
	});
});
