import { loadRealCorpus } from '../bench/corpus.js';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDailyDump } from '../src/papers/dump.js';
import type { Paper } from '../src/papers/paper.js';

/** Shared corpora for the search tests: the shipped seed and, when ../shared is present, the real corpus. */

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SEED_PATH = resolve(repoRoot, 'seeds', '000_44d1e5d38125c694.txt');
export const REAL_CORPUS_PATH = resolve(repoRoot, '..', 'shared', 'corpora', 'hf-daily-papers.jsonl.gz');
export const HAS_REAL_CORPUS = existsSync(REAL_CORPUS_PATH);
export const NO_REAL_CORPUS_REASON = `../shared/corpora/hf-daily-papers.jsonl.gz is absent (${REAL_CORPUS_PATH}); the real-corpus search tests need it`;

let seed: Paper[] | undefined;
export function loadSeedPapers(): Paper[] {
	seed ??= parseDailyDump(readFileSync(SEED_PATH, 'utf8'), { file: SEED_PATH, papersYear: 2025 }).papers;
	return seed;
}

export function loadRealPapers(): Paper[] {
	return loadRealCorpus();
}

export function makePaper(overrides: Partial<Paper> & Pick<Paper, 'id' | 'title'>): Paper {
	return { abstract: '', authors: [], listedOn: '2025-03-14', source: 'seed-dump', ...overrides };
}

export function titleStarting(papers: readonly Paper[], start: string): Paper {
	const paper = papers.find((candidate) => candidate.title.startsWith(start));
	if (!paper) throw new Error(`no seed paper titled "${start}…"`);
	return paper;
}
