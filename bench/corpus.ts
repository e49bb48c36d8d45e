import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseDailyDump } from '../src/papers/dump.js';
import { paperFromHfEntry } from '../src/papers/hf-entry.js';
import type { Paper } from '../src/papers/paper.js';

/** The benchmark corpora: the shipped seed, the real 9,577-paper corpus, and deterministic synthetic ones built from it. */

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const seedPath = resolve(repoRoot, 'seeds', '000_44d1e5d38125c694.txt');
export const realCorpusPath = resolve(repoRoot, '..', 'shared', 'corpora', 'hf-daily-papers.jsonl.gz');

export function loadSeed(): Paper[] {
	return parseDailyDump(readFileSync(seedPath, 'utf8'), { file: seedPath, papersYear: 2025 }).papers;
}

export function loadRealCorpus(): Paper[] {
	if (!existsSync(realCorpusPath)) throw new Error(`The real corpus is missing: ${realCorpusPath} (the benchmark needs ../shared)`);
	const lines = gunzipSync(readFileSync(realCorpusPath)).toString('utf8').split('\n');
	const papers: Paper[] = [];
	for (const line of lines) {
		if (!line.trim()) continue;
		const result = paperFromHfEntry(JSON.parse(line));
		if (result.ok) papers.push(result.paper);
	}
	return papers;
}

/** mulberry32: tiny, fast and good enough to make the same corpus on every machine. */
export function createRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * `size` papers: the real ones first, then new papers whose titles splice two real titles and whose
 * abstracts recombine real sentences, so vocabulary, word frequencies and lengths stay realistic.
 */
export function synthesizeCorpus(real: readonly Paper[], size: number, seed = 20240527): Paper[] {
	const papers = real.slice(0, size);
	if (papers.length >= size) return papers;
	const random = createRandom(seed);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
	const sentences = real.flatMap((paper) => paper.abstract.split(/(?<=[.!?])\s+(?=[A-Z])/).filter((sentence) => sentence.length > 20));
	const titleWords = real.map((paper) => paper.title.split(' '));
	const authors = real.flatMap((paper) => paper.authors);
	const keywords = real.flatMap((paper) => paper.keywords ?? []);
	const days = [...new Set(real.map((paper) => paper.listedOn))].sort();
	for (let i = papers.length; i < size; i++) {
		const head = pick(titleWords);
		const tail = pick(titleWords);
		const cut = Math.max(1, Math.floor(head.length / 2));
		const title = [...head.slice(0, cut), ...tail.slice(Math.floor(tail.length / 2))].join(' ');
		const abstract = Array.from({ length: 5 + Math.floor(random() * 6) }, () => pick(sentences)).join(' ');
		const paper: Paper = {
			id: `syn-${String(i).padStart(6, '0')}`,
			title,
			abstract,
			authors: Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(authors)),
			listedOn: pick(days),
			upvotes: Math.floor(random() * random() * 200),
			source: 'hf-daily',
		};
		if (random() < 0.6) paper.keywords = Array.from({ length: 3 + Math.floor(random() * 8) }, () => pick(keywords));
		papers.push(paper);
	}
	return papers;
}
