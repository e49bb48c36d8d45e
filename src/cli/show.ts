import { UserError } from '../errors.js';
import { arxivLinks, arxivTitleSearchUrl } from '../papers/links.js';
import type { Paper } from '../papers/paper.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand } from './command.js';
import { warnAboutProblems } from './problems.js';
import { forTerminal } from './terminal.js';
import { EXIT, printUsage, UsageError } from './usage.js';

const WRAP_WIDTH = 80;

export const showCommand: CliCommand = {
	name: 'show',
	summary: 'show one paper by id (an arXiv id, or the t-… id search prints)',
	usage: 'paperboy show <id> [--json]\n  --json  print the paper record as JSON',
	async run(args, context) {
		const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
		if (values.help) return printUsage(showCommand, context.io);
		if (positionals.length === 0) throw new UsageError('missing paper id');
		if (positionals.length > 1) throw new UsageError(`expected one paper id, got ${positionals.length}`);
		const id = positionals[0]!.trim();

		const { report, index } = await context.loadCorpus();
		warnAboutProblems(report, context.io);
		const paper = index.get(id);
		if (!paper) throw new UserError(`no paper with id "${forTerminal(id)}" among ${index.size} papers; find ids with: paperboy search "<words>"`);
		context.io.stdout.write(values.json ? `${JSON.stringify(paper, null, 2)}\n` : formatPaper(paper));
		return EXIT.ok;
	},
};

export function formatPaper(paper: Paper): string {
	const facts = [`id ${paper.id}`, `listed ${paper.listedOn}`, ...(paper.upvotes !== undefined ? [`${paper.upvotes} upvotes`] : [])];
	const lines = [forTerminal(paper.title), forTerminal(facts.join(' · ')), ''];
	if (paper.authors.length > 0) lines.push(`Authors:  ${forTerminal(paper.authors.join(', '))}`);
	const links = arxivLinks(paper.arxivId);
	if (links?.huggingFace) lines.push(`Page:     ${forTerminal(links.huggingFace)}`);
	if (links) lines.push(`arXiv:    ${forTerminal(links.abstract)}`, `PDF:      ${forTerminal(links.pdf)}`);
	else lines.push(`Search:   ${forTerminal(arxivTitleSearchUrl(paper.title))}  (no arXiv id known: an arXiv title search)`);
	if (paper.codeUrl) lines.push(`Code:     ${forTerminal(paper.codeUrl)}`);
	if (paper.projectUrl) lines.push(`Project:  ${forTerminal(paper.projectUrl)}`);
	if (paper.keywords?.length) lines.push(`Keywords: ${forTerminal(paper.keywords.join(', '))}`);
	lines.push('', ...wrap(forTerminal(paper.abstract || '(no abstract)'), WRAP_WIDTH));
	return `${lines.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/)) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	return lines;
}
