/**
 * Finds the code and project links an abstract mentions ("Code is at https://github.com/x/y.").
 * Abstracts end URLs with sentence punctuation and sometimes `.git`, which are not part of the link.
 */

const URL_PATTERN = /https?:\/\/[^\s<>()"'\]]+/gi;
const GITHUB_REPO = /^https?:\/\/(?:www\.)?github\.com\/[\w.-]+\/[\w.-]+/i;

export interface AbstractLinks {
	codeUrl?: string;
	projectUrl?: string;
}

export function findAbstractLinks(text: string): AbstractLinks {
	const links: AbstractLinks = {};
	for (const match of text.matchAll(URL_PATTERN)) {
		const url = trimUrl(match[0]);
		const repo = GITHUB_REPO.exec(url)?.[0];
		if (repo) links.codeUrl ??= trimUrl(repo).replace(/\.git$/i, '');
		else if (url.length > 'https://x.y'.length) links.projectUrl ??= url;
		if (links.codeUrl && links.projectUrl) break;
	}
	if (links.codeUrl) links.codeUrl = detached(links.codeUrl);
	if (links.projectUrl) links.projectUrl = detached(links.projectUrl);
	return links;
}

/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 makes a substring a view of its whole
 * parent: a paper keeping a link as such a view kept its abstract on the heap after the abstract was moved to disk.
 */
function detached(text: string): string {
	return Buffer.from(text, 'utf8').toString('utf8');
}

function trimUrl(url: string): string {
	return url.replace(/[.,;:!?*]+$/, '');
}

/** Where a paper lives online, known only from a real arXiv id (a title id names no page). */
export interface ArxivLinks {
	/** arxiv.org's abstract page. */
	abstract: string;
	pdf: string;
	/** Hugging Face's paper page; it exists for new-style ids (2403.09611) only. */
	huggingFace: string | undefined;
}

const NEW_STYLE_ID = /^\d{4}\.\d{4,5}$/;
const OLD_STYLE_ID = /^[a-z-]{2,20}(?:\.[A-Z]{2})?\/\d{7}$/i;

export function arxivLinks(arxivId: string | undefined): ArxivLinks | undefined {
	const id = typeof arxivId === 'string' ? arxivId.trim() : '';
	const newStyle = NEW_STYLE_ID.test(id);
	if (!newStyle && !OLD_STYLE_ID.test(id)) return undefined;
	return {
		abstract: `https://arxiv.org/abs/${id}`,
		pdf: `https://arxiv.org/pdf/${id}`,
		huggingFace: newStyle ? `https://huggingface.co/papers/${id}` : undefined,
	};
}

/** The one page a title links to: Hugging Face's where it has one, else arXiv's abstract; none without an arXiv id. */
export function paperPageUrl(arxivId: string | undefined): string | undefined {
	const links = arxivLinks(arxivId);
	return links ? (links.huggingFace ?? links.abstract) : undefined;
}

/** An arXiv title search: for a paper without an arXiv id, labelled as the search it is, never as the paper's page. */
export function arxivTitleSearchUrl(title: string): string {
	return `https://arxiv.org/search/?query=${encodeURIComponent(title)}&searchtype=title`;
}
