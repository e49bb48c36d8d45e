import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { titleId, type Paper } from '../src/papers/paper.js';
import { FUSE_OPTIONS } from '../src/search/fuse-rank.js';
import { buildPaperIndex, indexState, MAX_QUERY_LENGTH } from '../src/search/index.js';
import { buildSegment } from '../src/search/segment.js';
import { HAS_REAL_CORPUS, loadRealPapers, loadSeedPapers, makePaper, NO_REAL_CORPUS_REASON, titleStarting } from './search-helpers.js';

const seed = loadSeedPapers();
const index = buildPaperIndex(seed);
const topTitle = (query: string) => index.search(query, 1)[0]?.paper.title ?? '';

describe('buildPaperIndex', () => {
	it('indexes every seed paper', () => {
		expect(seed).toHaveLength(63);
		expect(index.size).toBe(63);
		expect(index.all()).toHaveLength(63);
	});

	it('keeps the last record of a repeated id', () => {
		const small = buildPaperIndex([makePaper({ id: 'x', title: 'Old title' }), makePaper({ id: 'x', title: 'New title' })]);
		expect(small.size).toBe(1);
		expect(small.get('x')?.title).toBe('New title');
	});
});

describe('search', () => {
	it('corrects typos through the vocabulary', () => {
		expect(topTitle('difusion')).toMatch(/Diffusion/);
		expect(topTitle('reinforcment')).toMatch(/Reinforcement/);
		expect(topTitle('quantizaton')).toMatch(/Quantization/);
	});

	it('finds acronyms, including ones only in an abstract', () => {
		expect(topTitle('RLHF')).toMatch(/RLHF/);
		expect(topTitle('DPO')).toMatch(/DPO/);
		expect(topTitle('3DGS')).toMatch(/^MoDec-GS/);
	});

	it('ranks papers with every word of a multi-word query first', () => {
		expect(topTitle('preference optimization LLM')).toMatch(/Preference Optimization/);
		expect(topTitle('mixture of experts')).toMatch(/^MoETuner/);
	});

	it('ranks the paper of a pasted 100-word passage first', () => {
		for (const paper of [seed[3], seed[20], seed[40]] as Paper[]) {
			const words = paper.abstract.split(' ');
			const start = Math.max(0, Math.floor(words.length / 2) - 50);
			const passage = words.slice(start, start + 100).join(' ');
			expect(index.search(passage, 1)[0]?.paper.id).toBe(paper.id);
		}
	});

	it('ranks a title match above an abstract mention', () => {
		const hits = index.search('quantization', 5).map((hit) => hit.paper.title);
		expect(hits[0]).toMatch(/Quantization/);
		const titled = hits.findIndex((title) => /Quantization/.test(title));
		const mentioned = hits.findIndex((title) => !/Quantization/.test(title));
		expect(mentioned === -1 || titled < mentioned).toBe(true);
	});

	it('finds words deep inside an abstract', () => {
		// `perplexity` is at character ~1,390 of SqueezeLLM's abstract and in no other seed paper.
		expect(topTitle('perplexity')).toMatch(/^SqueezeLLM/);
		expect(topTitle('calibration')).toMatch(/^VQ4DiT/);
	});

	it('agrees with plain Fuse on short topical queries over the whole seed', () => {
		// Fuse's order is no longer the spec (it ranks a bag of remembered words badly, see final-rank.ts),
		// but on topical queries our top must be one Fuse also rates near its best, with Fuse's own score.
		const fuse = new Fuse(seed, FUSE_OPTIONS);
		const queries = [
			'difusion',
			'reinforcment learning',
			'quantizaton',
			'RLHF',
			'DPO',
			'preference optimization LLM',
			'gaussian splatting',
			'mixture of experts',
			'bandits',
			'overoptimization',
			'regret',
			'transfromer',
			'UAV',
		];
		let sameTop = 0;
		for (const query of queries) {
			const ours = index.search(query, 1)[0];
			const theirs = fuse.search(query);
			const best = theirs[0]?.score ?? 1;
			const near = theirs.slice(0, 3).filter((result) => (result.score ?? 1) <= best + 0.05);
			expect(
				near.map((result) => result.item.id),
				query,
			).toContain(ours?.paper.id);
			const fuseScore = theirs.find((result) => result.item.id === ours?.paper.id)?.score;
			expect(ours?.score, query).toBeCloseTo(fuseScore ?? 1, 2);
			if ((fuseScore ?? 1) <= best + 1e-3) sameTop++;
		}
		expect(sameTop).toBeGreaterThanOrEqual(queries.length - 2);
	});

	it('scores in [0, 1], best first', () => {
		const hits = index.search('learning', 25);
		expect(hits.length).toBeGreaterThan(5);
		for (const [i, hit] of hits.entries()) {
			expect(hit.score).toBeGreaterThanOrEqual(0);
			expect(hit.score).toBeLessThanOrEqual(1);
			if (i > 0) expect(hit.score).toBeGreaterThanOrEqual((hits[i - 1] as { score: number }).score);
		}
	});

	it('respects the limit and defaults to 25', () => {
		expect(index.search('learning', 3)).toHaveLength(3);
		expect(index.search('learning').length).toBeLessThanOrEqual(25);
	});

	it('puts the paper of a pasted arXiv id first', () => {
		const paper = makePaper({ id: '2401.01234', arxivId: '2401.01234', title: 'Some Paper' });
		const small = buildPaperIndex([...seed, paper]);
		expect(small.search('arXiv:2401.01234v3', 1)[0]?.paper.id).toBe('2401.01234');
	});

	it('rejects an empty query, one without letters or digits, and one over the length limit', () => {
		expect(() => index.search('')).toThrow(UserError);
		expect(() => index.search('   ')).toThrow(UserError);
		expect(() => index.search('?!… 🚀🔥')).toThrow(UserError);
		expect(() => index.search('x'.repeat(MAX_QUERY_LENGTH + 1))).toThrow(/1,000 characters/);
		expect(() => index.search('x'.repeat(MAX_QUERY_LENGTH))).not.toThrow();
	});

	it('returns nothing for a word no paper has', () => {
		expect(index.search('xylophonist')).toEqual([]);
	});
});

describe('autocomplete', () => {
	it('completes 2–3 character prefixes of title words', () => {
		for (const prefix of ['di', 'qua', 'rl', 'Pa']) {
			const titles = index.autocomplete(prefix).map((paper) => paper.title.toLowerCase());
			expect(titles.length, prefix).toBeGreaterThan(0);
			for (const title of titles) expect(title, prefix).toMatch(new RegExp(`(^|[^\\p{L}\\p{N}])${prefix.toLowerCase()}`, 'u'));
		}
	});

	it('needs every typed word in the title', () => {
		const titles = index.autocomplete('reinforcement lea').map((paper) => paper.title);
		expect(titles.length).toBeGreaterThan(0);
		for (const title of titles) expect(title).toMatch(/Reinforcement Lea/i);
	});

	it('gives the newest, most upvoted papers for an empty prefix', () => {
		const newer = makePaper({ id: 'new', title: 'Brand New Paper', listedOn: '2026-01-01' });
		const small = buildPaperIndex([...seed, newer]);
		expect(small.autocomplete('', 5)[0]?.id).toBe('new');
		expect(small.autocomplete('', 5)).toHaveLength(5);
	});

	it('returns [] for junk and never throws', () => {
		expect(index.autocomplete('🚀🚀')).toEqual([]);
		expect(index.autocomplete('zzzzqqq')).toEqual([]);
		expect(index.autocomplete(undefined as unknown as string)).toEqual([]);
		expect(index.autocomplete('a'.repeat(10_000))).toEqual([]);
	});

	it('tolerates a typo in a whole word', () => {
		expect(
			index
				.autocomplete('reinforcment')
				.map((paper) => paper.title)
				.join(' '),
		).toMatch(/Reinforcement/);
	});
});

describe('get', () => {
	it('accepts an arXiv id with a version suffix or prefix', () => {
		const paper = makePaper({ id: '2401.01234', arxivId: '2401.01234', title: 'Some Paper' });
		const small = buildPaperIndex([paper]);
		expect(small.get('2401.01234')).toBe(paper);
		expect(small.get('2401.01234v2')).toBe(paper);
		expect(small.get('arXiv:2401.01234')).toBe(paper);
		expect(small.get('2401.99999')).toBeUndefined();
	});

	it('finds a paper known under a title id by its arXiv id, once a live listing adds it', () => {
		const twin = makePaper({ id: 't-0123456789ab', title: 'Seed Twin Paper' });
		const small = buildPaperIndex([twin]);
		expect(small.get('2408.17131')).toBeUndefined();
		small.upsert([{ ...twin, arxivId: '2408.17131' }]);
		expect(small.get('2408.17131v1')?.id).toBe(twin.id);
	});

	it('still opens a paper by the title id it had before its arXiv listing merged in', () => {
		const merged = makePaper({ id: '2408.17131', arxivId: '2408.17131', title: 'Seed Twin Paper' });
		const small = buildPaperIndex([merged]);
		expect(small.get(titleId('Seed Twin Paper'))?.id).toBe('2408.17131');
		expect(small.get('t-000000000000')).toBeUndefined();
	});
});

describe('similar', () => {
	it('finds related papers, never the paper itself', () => {
		const paper = titleStarting(seed, 'Confronting Reward Model Overoptimization');
		const hits = index.similar(paper.id);
		expect(hits).toHaveLength(5);
		expect(hits.map((hit) => hit.paper.id)).not.toContain(paper.id);
		expect(hits.map((hit) => hit.paper.title).join(' ')).toMatch(/Overoptimization|RLHF|Reward/);
	});

	it('returns [] for an unknown id', () => {
		expect(index.similar('nope')).toEqual([]);
	});
});

describe('upsert', () => {
	it('adds new papers and replaces same-id papers without a rebuild', () => {
		const live = buildPaperIndex(seed);
		const replaced = seed[0] as Paper;
		live.upsert([
			{ ...replaced, title: 'Zebrafish Locomotion Under Quantized Control', abstract: 'Zebrafish swim.' },
			makePaper({ id: 'n1', title: 'Holographic Tardigrade Networks', abstract: 'Tardigrades inspire robust networks.' }),
		]);
		expect(live.size).toBe(64);
		expect(live.get(replaced.id)?.title).toMatch(/^Zebrafish/);
		expect(live.search('tardigrade', 1)[0]?.paper.id).toBe('n1');
		expect(live.search('zebrafish', 1)[0]?.paper.id).toBe(replaced.id);
		expect(live.search('VQ4DiT').map((hit) => hit.paper.id)).not.toContain(replaced.id);
		expect(live.autocomplete('tardi').map((paper) => paper.id)).toEqual(['n1']);
		expect(live.all().filter((paper) => paper.id === replaced.id)).toHaveLength(1);
	});

	it('replaces a paper added by an earlier upsert', () => {
		const live = buildPaperIndex(seed);
		live.upsert([makePaper({ id: 'n1', title: 'Quokka Routing' })]);
		live.upsert([makePaper({ id: 'n1', title: 'Narwhal Routing' })]);
		expect(live.size).toBe(64);
		expect(live.get('n1')?.title).toBe('Narwhal Routing');
		expect(live.search('quokka')).toEqual([]);
		expect(live.search('narwhal')[0]?.paper.title).toBe('Narwhal Routing');
	});
});

describe('upsert (many papers)', () => {
	it('folds a large live segment back into one index', async () => {
		const live = buildPaperIndex(seed);
		const added = Array.from({ length: 2100 }, (_, i) => makePaper({ id: `bulk-${i}`, title: `Bulk Paper Number${i}` }));
		live.upsert(added.slice(0, 1000));
		live.upsert(added.slice(1000));
		expect(live.size).toBe(63 + 2100);
		expect(live.search('number2099', 1)[0]?.paper.id).toBe('bulk-2099');
		await live.idle();
		expect(indexState(live)).toMatchObject({ livePapers: [], baseGeneration: 2 });
		expect(live.size).toBe(63 + 2100);
		expect(live.search('number2099', 1)[0]?.paper.id).toBe('bulk-2099');
		expect(live.search('squeezellm', 1)[0]?.paper.title).toMatch(/^SqueezeLLM/);
	});

	it('keeps serving while the merge is built, and keeps what was upserted meanwhile', async () => {
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const live = buildPaperIndex(seed, { buildInBackground: async (papers) => gate.then(() => buildSegment(papers)) });
		const added = Array.from({ length: 2001 }, (_, i) => makePaper({ id: `bulk-${i}`, title: `Bulk Paper Number${i}` }));
		live.upsert(added);
		// The merge is waiting: these land in the live segments, one replacing a paper the merge holds.
		live.upsert([makePaper({ id: 'bulk-7', title: 'Renamed Narwhal Paper' }), makePaper({ id: 'late-1', title: 'A Late Quokka Paper' })]);
		expect(live.search('narwhal', 1)[0]?.paper.id).toBe('bulk-7');
		release();
		await live.idle();
		expect(live.size).toBe(63 + 2001 + 1);
		expect(live.get('bulk-7')?.title).toBe('Renamed Narwhal Paper');
		expect(live.search('number7', 5).map((hit) => hit.paper.id)).not.toContain('bulk-7');
		expect(live.search('narwhal', 1)[0]?.paper.id).toBe('bulk-7');
		expect(live.search('quokka', 1)[0]?.paper.id).toBe('late-1');
		expect(
			indexState(live)
				?.livePapers.map((paper) => paper.id)
				.sort(),
		).toEqual(['bulk-7', 'late-1']);
		expect(live.all().filter((paper) => paper.id === 'bulk-7')).toHaveLength(1);
	});

	it('compacts many small upserts in the background, each paper found once at its newest', async () => {
		const live = buildPaperIndex(seed);
		for (let i = 0; i < 20; i++) live.upsert([makePaper({ id: `small-${i}`, title: `Small Upsert Walrus${i}` })]);
		live.upsert([makePaper({ id: 'small-3', title: 'Renamed Small Ocelot' })]);
		await live.idle();
		expect(live.size).toBe(63 + 20);
		expect(live.search('walrus3').map((hit) => hit.paper.id)).not.toContain('small-3');
		expect(live.search('ocelot').map((hit) => hit.paper.id)).toEqual(['small-3']);
		expect(live.search('walrus17', 1)[0]?.paper.id).toBe('small-17');
		expect(live.all().filter((paper) => paper.id.startsWith('small-'))).toHaveLength(20);
		expect(indexState(live)).toMatchObject({ baseGeneration: 1 });
	});

	it('keeps upserts made while a compaction is built, and tombstones the copies it replaced', async () => {
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const live = buildPaperIndex(seed, { buildInBackground: async (papers) => gate.then(() => buildSegment(papers)) });
		for (let i = 0; i < 9; i++) live.upsert([makePaper({ id: `small-${i}`, title: `Small Upsert Walrus${i}` })]);
		// The compaction of those nine is waiting: this replaces one of them, the other is new.
		live.upsert([makePaper({ id: 'small-4', title: 'Renamed Small Ocelot' }), makePaper({ id: 'late-1', title: 'A Late Quokka Paper' })]);
		release();
		await live.idle();
		expect(live.size).toBe(63 + 10);
		expect(live.search('walrus4').map((hit) => hit.paper.id)).not.toContain('small-4');
		expect(live.search('ocelot').map((hit) => hit.paper.id)).toEqual(['small-4']);
		expect(live.search('quokka').map((hit) => hit.paper.id)).toEqual(['late-1']);
		expect(live.search('walrus8', 1)[0]?.paper.id).toBe('small-8');
	});

	it('folds upserts made faster than the background merges, losing none', async () => {
		const never = new Promise<never>(() => {});
		const live = buildPaperIndex(seed, { buildInBackground: async () => never });
		for (let i = 0; i < 200; i++) live.upsert([makePaper({ id: `tight-${i}`, title: `Tight Loop Capybara${i}` })]);
		live.upsert([makePaper({ id: 'tight-150', title: 'Renamed Tight Marmot' })]);
		expect(live.size).toBe(63 + 200);
		for (const i of [0, 7, 99, 199]) expect(live.search(`capybara${i}`, 1)[0]?.paper.id).toBe(`tight-${i}`);
		expect(live.search('capybara150').map((hit) => hit.paper.id)).not.toContain('tight-150');
		expect(live.search('marmot').map((hit) => hit.paper.id)).toEqual(['tight-150']);
		expect(live.autocomplete('tight loop capybara1').length).toBeGreaterThan(0);
		expect(live.all().filter((paper) => paper.id.startsWith('tight-'))).toHaveLength(200);
	});

	it('builds the merge here when the worker fails, losing nothing', async () => {
		const live = buildPaperIndex(seed, { buildInBackground: async () => Promise.reject(new Error('worker died')) });
		live.upsert(Array.from({ length: 2001 }, (_, i) => makePaper({ id: `bulk-${i}`, title: `Bulk Paper Number${i}` })));
		await live.idle();
		expect(indexState(live)).toMatchObject({ livePapers: [], baseGeneration: 2 });
		expect(live.search('number2000', 1)[0]?.paper.id).toBe('bulk-2000');
	});
});

describe('search over the real corpus', () => {
	it.skipIf(!HAS_REAL_CORPUS)(`finds known papers among 9,577 (skipped when ${NO_REAL_CORPUS_REASON})`, () => {
		const papers = loadRealPapers();
		expect(papers.length).toBeGreaterThan(9500);
		const real = buildPaperIndex(papers);
		const expectTitle = (query: string, pattern: RegExp) => {
			const titles = real.search(query, 5).map((hit) => hit.paper.title);
			expect(
				titles.some((title) => pattern.test(title)),
				`${query}: ${titles.join(' | ')}`,
			).toBe(true);
		};
		expectTitle('Reinforcement Learning on Pre-Training Data', /Reinforcement Learning on Pre-Training Data/);
		expectTitle('difusion video', /Diffusion/);
		expectTitle('quantizaton', /Quantization/);
		expectTitle('gaussian splatting', /Gaussian Splatting/i);
		const paper = papers[1234] as Paper;
		const words = paper.abstract.split(' ');
		expect(real.search(words.slice(10, 110).join(' '), 1)[0]?.paper.id).toBe(paper.id);
		expect(real.get(`${paper.id}v2`)?.id).toBe(paper.id);
		expect(real.autocomplete('gau').length).toBe(25);
	});
});
