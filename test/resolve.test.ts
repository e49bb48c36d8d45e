import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrowseMessages } from '../src/browse/messages.js';
import { requirePaper, resolvePaper } from '../src/browse/resolve.js';
import { parseDailyDump } from '../src/papers/dump.js';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex } from '../src/search/index.js';
import { seedsDir } from './support/bot-harness.js';

const seedFile = join(seedsDir, '000_44d1e5d38125c694.txt');
const seed = parseDailyDump(readFileSync(seedFile, 'utf8'), { file: seedFile, papersYear: 2026 }).papers;
const withArxiv: Paper = {
	id: '2408.17131',
	arxivId: '2408.17131',
	title: 'Imaginary Paper With an arXiv Id',
	abstract: 'Nothing to see.',
	authors: [],
	listedOn: '2026-03-14',
	source: 'paper-json',
};
const index = buildPaperIndex([...seed, withArxiv]);
const VQ4DIT = 'VQ4DiT: Efficient Post-Training Vector Quantization for Diffusion Transformers';

describe('resolvePaper', () => {
	it('takes the id an autocomplete choice carries', () => {
		const id = index.autocomplete('VQ4DiT', 1)[0]?.id as string;
		expect(resolvePaper(index, id).title).toBe(VQ4DIT);
	});

	it('takes an arXiv id typed by hand, with a version or an arXiv: prefix', () => {
		for (const ref of ['2408.17131', '2408.17131v3', 'arXiv:2408.17131', ' 2408.17131 ']) expect(resolvePaper(index, ref).id).toBe('2408.17131');
	});

	it('takes an exact title in any case and punctuation', () => {
		expect(resolvePaper(index, VQ4DIT).title).toBe(VQ4DIT);
		expect(resolvePaper(index, 'vq4dit efficient post training vector quantization for diffusion transformers').title).toBe(VQ4DIT);
	});

	it('takes a title with a typo or two', () => {
		expect(resolvePaper(index, 'VQ4DiT: Eficient Post-Training Vector Quantisation for Diffusion Transformers').title).toBe(VQ4DIT);
	});

	it('takes a title prefix that names exactly one paper', () => {
		expect(resolvePaper(index, 'VQ4DiT').title).toBe(VQ4DIT);
	});

	it('refuses an empty reference with a hint', () => {
		expect(() => resolvePaper(index, '  ')).toThrow(BrowseMessages.emptyPaperRef);
	});

	it.each([
		['an unknown arXiv id', '2999.99999'],
		['a title nobody wrote, one of whose words is common in the corpus', 'a paper nobody wrote about zebras'],
		['only symbols', '!!!'],
		['only emoji', '🙂'],
		['6,000 characters', 'x'.repeat(6000)],
	])('reports %s as not found, as a UserError', (_name, ref) => {
		expect(() => resolvePaper(index, ref)).toThrow(expect.objectContaining({ name: 'UserError', message: BrowseMessages.paperNotFound(ref) }));
	});

	it('shortens a long reference when echoing it', () => {
		const message = BrowseMessages.paperNotFound('x'.repeat(6000));
		expect(message.length).toBeLessThan(200);
	});
});

describe('requirePaper', () => {
	it('loads the paper a button names', () => {
		expect(requirePaper(index, '2408.17131').title).toBe(withArxiv.title);
	});

	it('says a paper gone from the corpus is gone, as a UserError', () => {
		expect(() => requirePaper(index, '2101.00001')).toThrow(expect.objectContaining({ name: 'UserError', message: BrowseMessages.paperGone('2101.00001') }));
	});
});
