import { isUserError } from '../errors.js';
import { SearchDefaults } from '../search/index.js';
import { parseCommandArgs, parseLimit } from './args.js';
import type { CliCommand } from './command.js';
import { warnAboutProblems } from './problems.js';
import { forTerminal } from './terminal.js';
import { EXIT, printUsage, UsageError } from './usage.js';

const DEFAULT_LIMIT = 10;

export const searchCommand: CliCommand = {
	name: 'search',
	summary: 'fuzzy-search the corpus (typos, acronyms, pasted passages)',
	usage:
		`paperboy search "<query>" [--limit N] [--json]\n  --limit N  how many results, 1 to ` +
		`${SearchDefaults.maxLimit} (default ${DEFAULT_LIMIT})\n  --json     print [{ id, title, score }] ` +
		`(score: 0 is a perfect match)`,
	async run(args, context) {
		const { values, positionals } = parseCommandArgs(args, { limit: { type: 'string', short: 'n' }, json: { type: 'boolean' } });
		if (values.help) return printUsage(searchCommand, context.io);
		const limit = parseLimit(values.limit, DEFAULT_LIMIT, SearchDefaults.maxLimit);
		// An unquoted multi-word query arrives as several positionals; it means the same thing.
		const query = positionals.join(' ');
		if (query.trim() === '') throw new UsageError('missing query');

		const { report, index } = await context.loadCorpus();
		warnAboutProblems(report, context.io);
		let hits: ReturnType<typeof index.search>;
		try {
			hits = index.search(query, limit);
		} catch (error) {
			if (isUserError(error)) throw new UsageError(error.message);
			throw error;
		}
		const { stdout } = context.io;
		if (values.json) {
			stdout.write(
				`${JSON.stringify(
					hits.map(({ paper, score }) => ({ id: paper.id, title: paper.title, score: round(score) })),
					null,
					2,
				)}\n`,
			);
			return EXIT.ok;
		}
		if (hits.length === 0) {
			stdout.write(`No papers match "${forTerminal(query)}" (${index.size} papers searched).\n`);
			return EXIT.ok;
		}
		const width = String(hits.length).length;
		hits.forEach(({ paper, score }, rank) => {
			const details = [forTerminal(paper.id), paper.listedOn, ...(paper.upvotes !== undefined ? [`${paper.upvotes} upvotes`] : []), `score ${round(score)}`];
			stdout.write(`${String(rank + 1).padStart(width)}. ${forTerminal(paper.title)}\n${' '.repeat(width + 2)}${details.join(' · ')}\n`);
		});
		return EXIT.ok;
	},
};

function round(score: number): number {
	return Math.round(score * 1000) / 1000;
}
