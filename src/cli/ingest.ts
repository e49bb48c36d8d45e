import { isUserError, UserError } from '../errors.js';
import { formatCut } from '../papers/sources/cut.js';
import { createConfiguredSources } from '../papers/sources/from-config.js';
import { ingestOnce, resolveDates } from '../papers/sources/ingest.js';
import { createIngestPorts } from '../papers/sources/service.js';
import { SOURCE_NAMES, type IngestProgress, type IngestReport, type SourceName } from '../papers/sources/types.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand } from './command.js';
import type { CliIo } from './context.js';
import { EXIT, printUsage, UsageError } from './usage.js';

export const ingestCommand: CliCommand = {
	name: 'ingest',
	summary: 'fetch papers from the live sources into the store (today, one day, or a backfill range)',
	usage: [
		'paperboy ingest [--source hf|arxiv] [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--json]',
		'  --source  only this source (default: every source switched on: HF_ENABLED, ARXIV_CATEGORIES)',
		"  --date    one UTC listing day (default: each source's latest listing)",
		'  --from    first day of a backfill, with --to (inclusive); arXiv is asked at most once every 3 s',
		'  --json    print the report as JSON',
		'Exits 1 when a source failed (what was fetched before stays stored).',
	].join('\n'),
	async run(args, context) {
		const { values, positionals } = parseCommandArgs(args, {
			source: { type: 'string' },
			date: { type: 'string' },
			from: { type: 'string' },
			to: { type: 'string' },
			json: { type: 'boolean' },
		});
		if (values.help) return printUsage(ingestCommand, context.io);
		if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
		const only = parseSource(values.source);
		const range = { date: values.date, from: values.from, to: values.to };
		let days: (string | undefined)[];
		try {
			days = resolveDates(range);
		} catch (error) {
			if (isUserError(error)) throw new UsageError(error.message);
			throw error;
		}

		const config = context.config();
		const logger = context.logger();
		const sources = createConfiguredSources(config, { ...(only ? { only } : {}), logger });
		if (sources.length === 0) throw new UserError(noSourceMessage(only));
		const { index } = await context.loadCorpus();
		const store = await context.openStore();
		let report: IngestReport;
		try {
			const ports = createIngestPorts({ store, index, clock: () => context.now(), logger });
			const progress = days.length > 1 ? createProgressLine(context.io) : undefined;
			report = await ingestOnce({ sources, ...range, ...(progress ? { onProgress: progress.update } : {}) }, ports);
			progress?.finish();
		} finally {
			await store.close();
		}
		context.io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatIngestSummary(report, days.length));
		return report.failed > 0 ? EXIT.failure : EXIT.ok;
	},
};

function parseSource(raw: string | undefined): SourceName | undefined {
	if (raw === undefined) return undefined;
	const name = raw.trim().toLowerCase();
	if (!SOURCE_NAMES.includes(name as SourceName)) throw new UsageError(`--source must be one of ${SOURCE_NAMES.join(', ')} (got "${raw}")`);
	return name as SourceName;
}

function noSourceMessage(only: SourceName | undefined): string {
	if (only === 'hf') return 'the Hugging Face source is switched off (HF_ENABLED=false)';
	if (only === 'arxiv') return 'the arXiv source is off: set ARXIV_CATEGORIES (for example cs.LG,cs.CL)';
	return 'no live source is on: Hugging Face is switched off (HF_ENABLED=false) and ARXIV_CATEGORIES is empty';
}

/** One line per day; on a terminal it rewrites itself in place. Stderr, so --json output stays clean. */
function createProgressLine(io: CliIo) {
	const inPlace = io.stderr.isTTY === true;
	return {
		update(progress: IngestProgress) {
			const line =
				`ingest day ${progress.step}/${progress.total} (${progress.date ?? 'latest'}) done; so far ` +
				`${progress.added} added, ${progress.updated} updated, ${progress.failed} failed`;
			io.stderr.write(inPlace ? `\r${line}\u001b[K` : `${line}\n`);
		},
		finish() {
			if (inPlace) io.stderr.write('\n');
		},
	};
}

type RunCount = 'fetched' | 'added' | 'updated' | 'rejected' | 'truncated' | 'droppedEntries' | 'invalidUtf8';

/** Totals per source (with what was cut to the limits), then every failure with its day and reason. */
export function formatIngestSummary(report: IngestReport, dayCount: number): string {
	const lines: string[] = [];
	const names = [...new Set(report.runs.map((run) => run.source))];
	for (const name of names) {
		const runs = report.runs.filter((run) => run.source === name);
		const sum = (key: RunCount) => runs.reduce((total, run) => total + run[key], 0);
		const failed = runs.filter((run) => run.error).length;
		const rejected = sum('rejected');
		const parts = [`${sum('fetched')} fetched`, `${sum('added')} added`, `${sum('updated')} updated`];
		if (rejected > 0) parts.push(`${rejected} rejected`);
		const cut = formatCut({ truncated: sum('truncated'), droppedEntries: sum('droppedEntries'), invalidUtf8: sum('invalidUtf8') });
		if (cut) parts.push(`cut to the limits: ${cut}`);
		if (failed > 0) parts.push(`${failed} of ${runs.length} ${runs.length === 1 ? 'request' : 'requests'} failed`);
		lines.push(`${name}: ${parts.join(', ')}`);
	}
	for (const run of report.runs.filter((entry) => entry.error)) lines.push(`  failed ${run.source}${run.date ? ` ${run.date}` : ''}: ${run.error}`);
	const span = dayCount > 1 ? ` over ${dayCount} days` : '';
	lines.push(`Ingested${span}: ${report.added} new, ${report.updated} updated${report.failed > 0 ? `, ${report.failed} failed` : ''}.`);
	return `${lines.join('\n')}\n`;
}
