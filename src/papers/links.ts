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
	return links;
}

function trimUrl(url: string): string {
	return url.replace(/[.,;:!?*]+$/, '');
}
