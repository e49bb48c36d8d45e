import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import sqlite3 from 'sqlite3';
import type { Paper } from '../src/papers/paper.js';
import { FUSE_OPTIONS } from '../src/search/fuse-rank.js';
import { buildPaperIndex } from '../src/search/index.js';
import { tokenize } from '../src/search/tokenize.js';

/**
 * The engines the relevance bench compares, each over the same papers and fields (title, abstract,
 * authors, keywords, arXiv id), each answering a query with paper ids, best first.
 */

export interface RelevanceEngine {
	name: string;
	search(query: string, limit: number): Promise<string[]>;
	close?(): Promise<void>;
}

export const ENGINE_NAMES = ['paperboy', 'fts5', 'minisearch', 'fuse'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export async function createEngine(name: EngineName, papers: readonly Paper[]): Promise<RelevanceEngine> {
	switch (name) {
		case 'paperboy':
			return paperboyEngine(papers);
		case 'fts5':
			return fts5Engine(papers);
		case 'minisearch':
			return miniSearchEngine(papers);
		case 'fuse':
			return fuseEngine(papers);
	}
}

function paperboyEngine(papers: readonly Paper[]): RelevanceEngine {
	const index = buildPaperIndex(papers);
	return { name: 'paperboy', search: async (query, limit) => index.search(query, limit).map((hit) => hit.paper.id) };
}

/** Plain Fuse.js with the options Paperboy's own Fuse stage uses, plus the id (Fuse would not find one otherwise). */
function fuseEngine(papers: readonly Paper[]): RelevanceEngine {
	const fuse = new Fuse(papers, { ...FUSE_OPTIONS, keys: [...(FUSE_OPTIONS.keys ?? []), { name: 'arxivId', weight: 1 }] });
	return { name: 'fuse', search: async (query, limit) => fuse.search(query, { limit }).map((result) => result.item.id) };
}

/** FTS5's per-column bm25 multipliers: the best of a few settings tried on a tuning sample (--seed 7). */
const FTS5_WEIGHTS = Object.freeze({ arxiv: 1, title: 10, abstract: 1, authors: 10, keywords: 10 });

/**
 * SQLite FTS5 in memory, ranked by its bm25(). The query is the tokens OR-ed, each quoted (FTS5's
 * implicit AND would return nothing for one misspelt word), so bm25 alone decides the order.
 */
async function fts5Engine(papers: readonly Paper[]): Promise<RelevanceEngine> {
	const db = new sqlite3.Database(':memory:');
	const run = (sql: string, params: unknown[] = []) =>
		new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
	const all = (sql: string, params: unknown[]) =>
		new Promise<{ rowid: number }[]>((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as { rowid: number }[]))));
	await run("CREATE VIRTUAL TABLE papers USING fts5(arxiv, title, abstract, authors, keywords, tokenize = 'unicode61 remove_diacritics 2')");
	await run('BEGIN');
	const insert = db.prepare('INSERT INTO papers (rowid, arxiv, title, abstract, authors, keywords) VALUES (?, ?, ?, ?, ?, ?)');
	await Promise.all(
		papers.map(
			(paper, i) =>
				new Promise<void>((resolve, reject) =>
					insert.run(
						[i + 1, paper.arxivId ?? '', paper.title, paper.abstract, paper.authors.join(', '), (paper.keywords ?? []).join(', ')],
						(error: Error | null) => (error ? reject(error) : resolve()),
					),
				),
		),
	);
	await new Promise<void>((resolve, reject) => insert.finalize((error) => (error ? reject(error) : resolve())));
	await run('COMMIT');
	const { arxiv, title, abstract, authors, keywords } = FTS5_WEIGHTS;
	const sql = `SELECT rowid FROM papers WHERE papers MATCH ? ORDER BY bm25(papers, ${arxiv}, ${title}, ${abstract}, ${authors}, ${keywords}) LIMIT ?`;
	return {
		name: 'fts5',
		search: async (query, limit) => {
			const tokens = [...new Set(tokenize(query))];
			if (tokens.length === 0) return [];
			const rows = await all(sql, [tokens.map((token) => `"${token}"`).join(' OR '), limit]);
			return rows.map((row) => (papers[row.rowid - 1] as Paper).id);
		},
		close: () => new Promise<void>((resolve) => db.close(() => resolve())),
	};
}

/**
 * MiniSearch's BM25+ with the usual fuzzy and prefix options (boosts: the better overall of two settings
 * tried on the tuning sample, --seed 7), restricted for speed:
 * fuzzy only for words of five letters or more in queries of at most 12 words, prefix only for the last.
 */
export const MINISEARCH_OPTIONS = Object.freeze({ boost: { title: 5, keywords: 5, authors: 5, arxiv: 5 }, fuzzy: 0.2, maxFuzzyWords: 12 });

function miniSearchEngine(papers: readonly Paper[]): RelevanceEngine {
	const search = new MiniSearch<{ doc: number; arxiv: string; title: string; abstract: string; authors: string; keywords: string }>({
		idField: 'doc',
		fields: ['arxiv', 'title', 'abstract', 'authors', 'keywords'],
	});
	search.addAll(
		papers.map((paper, doc) => ({
			doc,
			arxiv: paper.arxivId ?? '',
			title: paper.title,
			abstract: paper.abstract,
			authors: paper.authors.join(', '),
			keywords: (paper.keywords ?? []).join(', '),
		})),
	);
	const { boost, fuzzy, maxFuzzyWords } = MINISEARCH_OPTIONS;
	return {
		name: 'minisearch',
		search: async (query, limit) => {
			const fuzzyAllowed = query.split(/\s+/).length <= maxFuzzyWords;
			const results = search.search(query, {
				boost,
				combineWith: 'OR',
				fuzzy: (term) => (fuzzyAllowed && term.length >= 5 ? fuzzy : false),
				prefix: (_term, i, terms) => i === terms.length - 1,
			});
			return results.slice(0, limit).map((result) => (papers[result.id as number] as Paper).id);
		},
	};
}
