import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import { formatSourceStatus } from '../papers/sources/status.js';
import { SOURCE_NAMES, type SourceName } from '../papers/sources/types.js';
import { databaseFileOf } from '../store/database-url.js';
import type { SourceStatusRecord } from '../store/records.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand } from './command.js';
import type { CliContext } from './context.js';
import { EXIT, printUsage, UsageError } from './usage.js';

export interface SourceReport {
	name: string;
	enabled: boolean;
	/** Where it fetches from; arXiv also lists its categories. */
	endpoint: string;
	status: SourceStatusRecord | undefined;
}

export const sourcesCommand: CliCommand = {
	name: 'sources',
	summary: 'each live source: switched on?, last successful fetch, papers added, last error',
	usage: 'paperboy sources [--json]\n  --json  print [{ name, enabled, endpoint, status }]',
	async run(args, context) {
		const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
		if (values.help) return printUsage(sourcesCommand, context.io);
		if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);

		const config = context.config();
		const statuses = await readStatuses(context);
		const reports = describeSources(config, statuses);
		const { stdout } = context.io;
		if (values.json) {
			stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
			return EXIT.ok;
		}
		const lines = reports.map(
			(report) => `${formatSourceStatus(report.name, report.status, report.enabled)}\n  ${report.enabled ? 'from' : 'would fetch from'} ${report.endpoint}`,
		);
		stdout.write(`${lines.join('\n')}\n`);
		return EXIT.ok;
	},
};

/** The known sources first, in their fixed order, then any other name the store remembers. */
export function describeSources(
	config: Pick<Config, 'hfEnabled' | 'hfBaseUrl' | 'arxivBaseUrl' | 'arxivCategories'>,
	statuses: readonly SourceStatusRecord[],
): SourceReport[] {
	const byName = new Map(statuses.map((status) => [status.name, status]));
	const enabled: Record<SourceName, boolean> = { hf: config.hfEnabled, arxiv: config.arxivCategories.length > 0 };
	const endpoints: Record<SourceName, string> = {
		hf: `${config.hfBaseUrl}/api/daily_papers`,
		arxiv: `${config.arxivBaseUrl}/api/query${config.arxivCategories.length > 0 ? ` (${config.arxivCategories.join(', ')})` : ' (no ARXIV_CATEGORIES)'}`,
	};
	const known = SOURCE_NAMES.map((name) => ({ name, enabled: enabled[name], endpoint: endpoints[name], status: byName.get(name) }));
	const others = statuses
		.filter((status) => !SOURCE_NAMES.includes(status.name as SourceName))
		.map((status) => ({ name: status.name, enabled: false, endpoint: 'unknown source', status }));
	return [...known, ...others];
}

/** No database yet means nothing was fetched yet; `sources` does not create one. */
async function readStatuses(context: CliContext): Promise<SourceStatusRecord[]> {
	// A server (PostgreSQL, Redis) is always there to read; only a SQLite file can be missing.
	const file = databaseFileOf(context.config().databaseUrl);
	if (file !== undefined && !existsSync(file)) return [];
	const store = await context.openStore();
	try {
		return await store.listSourceStatus();
	} finally {
		await store.close();
	}
}
