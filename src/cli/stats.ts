import { basename } from 'node:path';
import { parseCommandArgs } from './args.js';
import type { CliCommand } from './command.js';
import { displayPath, formatProblemForDisplay } from './problems.js';
import { EXIT, printUsage, UsageError } from './usage.js';

export const statsCommand: CliCommand = {
	name: 'stats',
	summary: 'the corpus: papers from the seeds and the database, files, merged and skipped records with reasons',
	usage: 'paperboy stats [--json]\n  --json  print { seedsDir, corpus, stored, papers, loaded, merged, skipped, files, problems }',
	async run(args, context) {
		const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
		if (values.help) return printUsage(statsCommand, context.io);
		if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);

		const { seedsDir } = context.config();
		const { report, index, storedCount } = await context.loadCorpus();
		const { stdout } = context.io;
		if (values.json) {
			const { seedPapers, ...counts } = report;
			stdout.write(`${JSON.stringify({ seedsDir, corpus: index.size, stored: storedCount, papers: seedPapers, ...counts }, null, 2)}\n`);
			return EXIT.ok;
		}
		const lines = [
			// The same corpus search uses: the seeds plus every paper ingested into the store, duplicates merged.
			`Corpus:   ${index.size} papers (${report.seedPapers} from the seeds, ${storedCount} ingested into the database, twins merged)`,
			`Seeds:    ${report.seedPapers} from ${displayPath(seedsDir)}`,
			`Records:  ${report.loaded} loaded, ${report.merged} merged as duplicates, ${report.skipped} skipped`,
			'',
			`Files (${report.files.length}):`,
		];
		const width = Math.max(0, ...report.files.map((file) => basename(file.file).length));
		for (const file of report.files) lines.push(`  ${basename(file.file).padEnd(width)}  ${file.loaded} loaded, ${file.skipped} skipped`);
		if (report.problems.length > 0) {
			lines.push('', `Problems (${report.problems.length}):`, ...report.problems.map((problem) => `  ${formatProblemForDisplay(problem)}`));
		}
		stdout.write(`${lines.join('\n')}\n`);
		return EXIT.ok;
	},
};
