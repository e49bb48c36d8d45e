import { loadConfig, type Config } from '../config.js';
import { loadSeedsDir, type LoadReport } from '../papers/loader.js';
import { buildPaperIndex, type PaperIndex } from '../search/index.js';

/** Where a command writes: process.stdout/stderr in the real CLI, string buffers in tests. */
export interface CliIo {
	stdout: { write(text: string): unknown };
	stderr: { write(text: string): unknown };
}

export interface Corpus {
	report: LoadReport;
	index: PaperIndex;
}

/** What a command may use; config and corpus are loaded on first use so `--help` needs neither. */
export interface CliContext {
	io: CliIo;
	config(): Config;
	loadCorpus(): Promise<Corpus>;
}

export interface CliContextOptions {
	io?: CliIo;
	env?: NodeJS.ProcessEnv;
	now?: () => Date;
}

export function createCliContext(options: CliContextOptions = {}): CliContext {
	const io = options.io ?? { stdout: process.stdout, stderr: process.stderr };
	const now = options.now ?? (() => new Date());
	let config: Config | undefined;
	let corpus: Promise<Corpus> | undefined;
	const context: CliContext = {
		io,
		config: () => (config ??= loadConfig(options.env)),
		loadCorpus: () => (corpus ??= readCorpus(context.config(), now())),
	};
	return context;
}

async function readCorpus(config: Config, now: Date): Promise<Corpus> {
	const report = await loadSeedsDir(config.seedsDir, { papersYear: config.papersYear, now });
	return { report, index: buildPaperIndex(report.papers) };
}
