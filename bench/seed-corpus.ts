import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeTitle, type Paper } from '../src/papers/paper.js';

/** One JSONL seed file of Paperboy export records: the bot loads it through the same path as any seeds directory. */
export async function writeSeedCorpus(seedsDir: string, papers: readonly Paper[]): Promise<void> {
	await mkdir(seedsDir, { recursive: true });
	const lines = papers.map((paper) => JSON.stringify(paper));
	await writeFile(join(seedsDir, 'bench.jsonl'), `${lines.join('\n')}\n`);
}

/** Spliced titles sometimes repeat, and the loader merges same-title papers; keep `size` distinct ones so the index holds exactly that many. */
export function distinctPapers(papers: readonly Paper[], size: number): Paper[] {
	const seen = new Set<string>();
	const kept: Paper[] = [];
	for (const paper of papers) {
		const keys = [`t:${normalizeTitle(paper.title)}`, ...(paper.arxivId ? [`a:${paper.arxivId}`] : [])];
		if (keys.some((key) => seen.has(key))) continue;
		for (const key of keys) seen.add(key);
		kept.push(paper);
		if (kept.length === size) break;
	}
	return kept;
}
