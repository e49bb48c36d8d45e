import { describe, expect, it } from 'vitest';
import type { Paper } from '../src/papers/paper.js';
import { buildPaperIndex, type PaperIndex } from '../src/search/index.js';
import { HAS_REAL_CORPUS, loadRealPapers, loadSeedPapers, NO_REAL_CORPUS_REASON } from './search-helpers.js';

/**
 * A fixed relevance set: queries drawn once by the relevance bench's builder (bench/relevance-queries.ts,
 * its default seed) with the paper each must rank first. Most are ones that Fuse-ranked search got
 * wrong (the paper came 2nd to 10th, or not at all); a few it always got right guard against trading
 * one strength for another. `npm run bench -- --only relevance` measures the full random sample.
 */

interface Case {
	query: string;
	id: string;
}

const SEED_DISTINCTIVE_WORDS: readonly Case[] = [
	{ query: 'selective prone intent', id: 't-dbb407046034' },
	{ query: 'assume additive recovers', id: 't-c509bc8dbe8b' },
	{ query: 'computations scientific attain', id: 't-4e123601ed54' },
	{ query: 'controlling favor marries orca', id: 't-e67c1a2bcbdf' },
	{ query: 'adaptable deriving trustworthy', id: 't-e16a0696b045' },
	{ query: 'taken description chatbots', id: 't-d362aeac78f9' },
	{ query: 'supported minimise proposing finite', id: 't-685eedb59111' },
	{ query: 'chains queried hint claims', id: 't-1290995848a7' },
];

const SEED_TITLES: readonly Case[] = [
	{ query: 'Hybrid Preference: Learning to Route Instances for Human vs. AI Feedback', id: 't-dbb407046034' },
	{ query: 'Fsxed-Budget Differentially Private Best Arm Identification', id: 't-685eedb59111' },
	{ query: 'B4: Towards Optimal Assessment of Plausible Code Solutions with Plausible Tfsts', id: 't-19575749bf18' },
];

const REAL_DISTINCTIVE_WORDS: readonly Case[] = [
	{ query: 'informing variate texturing', id: '2605.13852' },
	{ query: 'paradoxically genai mistimed', id: '2602.03510' },
	{ query: 'entanglements rbetser smile', id: '2603.21786' },
	{ query: 'calculated hanweikung anon', id: '2411.00762' },
	{ query: 'rescaling instant swift', id: '2412.04301' },
	{ query: 'crowd rerank maturity', id: '2410.13754' },
	{ query: 'paragraphs font modelname', id: '2503.20198' },
	{ query: 'fprs accusations robbers', id: '2505.23001' },
	{ query: 'particles blend cartoon flames', id: '2512.15635' },
	{ query: 'damping actuated gapartnet pica', id: '2606.15133' },
	{ query: 'laboriously voxelized modulus', id: '2510.22975' },
	{ query: 'extendable infinitely textural', id: '2510.21682' },
	{ query: 'elicits exemplified integral', id: '2503.19470' },
	{ query: 'finetune pretrain broadened', id: '2406.16758' },
	{ query: 'panning mutonix vriptor tilting', id: '2406.06040' },
	{ query: 'vogue houses traditions eras', id: '2604.26186' },
	{ query: 'egogpt egorag socializing egobutler', id: '2503.03803' },
	{ query: 'benefited interoperable rebalancing recaptioning', id: '2608.18076' },
	{ query: 'subjectivity sarcastic incongruities', id: '2601.20618' },
	{ query: 'relaxed locked locking sparsifying', id: '2606.07082' },
];

const REAL_KEYWORDS: readonly Case[] = [
	{ query: '3D consistent generation', id: '2605.11424' },
	{ query: 'reasoning baseline', id: '2603.08262' },
	{ query: 'multimodal modeling', id: '2606.27313' },
	{ query: 'text-and-image-to-image', id: '2506.18095' },
	{ query: 'integration', id: '2608.10692' },
];

const REAL_TITLES: readonly Case[] = [
	{ query: 'On the Gcometry of On-Policy Distillation', id: '2606.07082' },
	{ query: 'Realiz3D: 3D Generation Made Photorealistic via Domain-Awarw Learning', id: '2605.13852' },
	{ query: 'EgoLife: Towarzs Egocentric Life Assistant', id: '2503.03803' },
	{ query: 'Semantic Riuting: Exploring Multi-Layer LLM Feature Weighting for Diffusion Transformers', id: '2602.03510' },
];

/** Full names whose own papers lost to papers listing, say, a Zeyu and a Zhang among hundreds of authors. */
const REAL_AUTHORS: readonly string[] = ['Zeyu Zhang', 'Yuen Chen', 'Haipeng Zhang', 'Ye Huang', 'Qi Ma', 'Tong He', 'He Xing', 'Bo Li', 'Yuang Ai', 'Shi Liu'];

const seedIndex = buildPaperIndex(loadSeedPapers());
let realIndex: PaperIndex | undefined;
const real = () => (realIndex ??= buildPaperIndex(loadRealPapers()));

function expectFirst(index: PaperIndex, cases: readonly Case[]): void {
	for (const { query, id } of cases) {
		const top = index.search(query, 1)[0]?.paper;
		expect(top?.id, `${query} → ${top?.title ?? 'nothing'}`).toBe(id);
	}
}

describe('search relevance (seed)', () => {
	it('ranks the paper first for a few distinctive words remembered from its abstract', () => {
		expectFirst(seedIndex, SEED_DISTINCTIVE_WORDS);
	});

	it('ranks the paper first for its title with a typo', () => {
		expectFirst(seedIndex, SEED_TITLES);
	});
});

describe('search relevance (real corpus)', () => {
	const skip = !HAS_REAL_CORPUS;
	const reason = skip ? ` (skipped: ${NO_REAL_CORPUS_REASON})` : '';

	it.skipIf(skip)(`ranks the paper first for a few distinctive words remembered from its abstract${reason}`, () => {
		expectFirst(real(), REAL_DISTINCTIVE_WORDS);
	});

	it.skipIf(skip)(`ranks the paper first for one of its own keyword phrases${reason}`, () => {
		expectFirst(real(), REAL_KEYWORDS);
	});

	it.skipIf(skip)(`ranks the paper first for its title with a typo${reason}`, () => {
		expectFirst(real(), REAL_TITLES);
	});

	it.skipIf(skip)(`ranks a paper by the named author first for a full name${reason}`, () => {
		for (const name of REAL_AUTHORS) {
			const top = real().search(name, 1)[0]?.paper as Paper | undefined;
			expect(top?.authors, `${name} → ${top?.title ?? 'nothing'}`).toContain(name);
		}
	});

	it.skipIf(skip)(`ranks the paper first for its arXiv id and for the start of its abstract${reason}`, () => {
		const paper = real().get('2605.13852') as Paper;
		expect(real().search('arXiv:2605.13852v2', 1)[0]?.paper.id).toBe(paper.id);
		expect(real().search(paper.abstract.split(' ').slice(0, 40).join(' '), 1)[0]?.paper.id).toBe(paper.id);
	});
});
