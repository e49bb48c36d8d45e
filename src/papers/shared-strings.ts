import type { Paper } from './paper.js';

/**
 * Author names, keywords and listing days repeat across a corpus (a prolific author, `diffusion models`, one day
 * per hundred papers), yet every parsed record holds its own copy: at a million papers the copies are about
 * 400 bytes a paper. One pool per load keeps a single instance of each; it is dropped once the load is done.
 */
export class StringPool {
	private readonly known = new Map<string, string>();

	share(text: string): string {
		const known = this.known.get(text);
		if (known !== undefined) return known;
		this.known.set(text, text);
		return text;
	}

	/** Makes the repeated strings of papers `from` to `to` the pool's instances, in place. */
	shareAll(papers: readonly Paper[], from = 0, to = papers.length): void {
		for (let at = from; at < to; at++) {
			const paper = papers[at] as Paper;
			shareList(this, paper.authors);
			if (paper.keywords) shareList(this, paper.keywords);
			paper.listedOn = this.share(paper.listedOn);
			// One string for both when they are the same (most papers): JSON parsing made two.
			if (paper.arxivId === paper.id) paper.arxivId = paper.id;
		}
	}
}

function shareList(pool: StringPool, list: string[]): void {
	for (let i = 0; i < list.length; i++) list[i] = pool.share(list[i] as string);
}
