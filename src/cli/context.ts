import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config.js';
import { UserError } from '../errors.js';
import { createLogger, silentLogger, type Logger } from '../log.js';
import { loadCorpus } from '../search/corpus.js';
import type { LoadSummary } from '../search/corpus.js';
import type { PaperIndex } from '../search/index.js';
import { databaseFileOf } from '../store/database-url.js';
import { describeCause, StoreError } from '../store/errors.js';
import { openStore, type Store } from '../store/store.js';

/** Where a command writes: process.stdout/stderr in the real CLI, string buffers in tests. */
export interface CliIo {
	stdout: { write(text: string): unknown };
	stderr: { write(text: string): unknown; isTTY?: boolean };
}

export interface Corpus {
	report: LoadSummary;
	index: PaperIndex;
	/** Papers read from the store (ingested earlier), before merging with the seeds. */
	storedCount: number;
}

/** What a command may use; config, corpus and store are opened on first use so `--help` needs none of them. */
export interface CliContext {
	io: CliIo;
	config(): Config;
	/** JSON lines on stderr; warnings and errors only unless LOG_LEVEL=debug, so progress and results stay readable. */
	logger(): Logger;
	/** The seeds plus every paper ingested into the DATABASE_URL store, like the bot's corpus. */
	loadCorpus(): Promise<Corpus>;
	/** Opens (creating if needed) the DATABASE_URL store; the caller closes it. */
	openStore(): Promise<Store>;
	now(): Date;
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
	let logger: Logger | undefined;
	let corpus: Promise<Corpus> | undefined;
	const context: CliContext = {
		io,
		config: () => (config ??= loadConfig(options.env)),
		logger: () => (logger ??= createCliLogger(context.config(), io)),
		loadCorpus: () => (corpus ??= readCorpus(context, now())),
		openStore: () => openCliStore(context),
		now,
	};
	return context;
}

/** A database the operator must fix (path, permissions, newer schema) is an expected failure: its message, exit 1. */
async function openCliStore(context: CliContext): Promise<Store> {
	try {
		return await openStore(context.config().databaseUrl, context.logger());
	} catch (error) {
		if (error instanceof StoreError) throw new UserError(error.message);
		throw error;
	}
}

function createCliLogger(config: Config, io: CliIo): Logger {
	return createLogger({ level: config.logLevel === 'debug' ? 'debug' : 'warn', write: (line) => io.stderr.write(`${line}\n`) });
}

async function readCorpus(context: CliContext, now: Date): Promise<Corpus> {
	const config = context.config();
	const storedPapers = await readStoredPapers(context);
	const { report, index, storedCount } = await loadCorpus({
		seedsDir: config.seedsDir,
		...(config.papersYear === undefined ? {} : { papersYear: config.papersYear }),
		now,
		storedPapers,
		// Load problems reach the user through warnAboutProblems and `paperboy stats`, not as log lines.
		logger: silentLogger,
	});
	return { report, index, storedCount };
}

/**
 * A read-only command must not create a database, and a broken one must not stop a search of the seeds:
 * no file means nothing ingested yet; an unreadable one is reported and skipped.
 */
async function readStoredPapers(context: CliContext) {
	const url = context.config().databaseUrl;
	// A server (PostgreSQL, Redis) is always there to read; only a SQLite file can be missing.
	const file = databaseFileOf(url);
	if (file !== undefined && !existsSync(file)) return [];
	let store: Store | undefined;
	try {
		store = await openStore(context.config().databaseUrl, silentLogger);
		return await store.listPapers();
	} catch (error) {
		context.io.stderr.write(`paperboy: cannot read ingested papers, searching the seeds only: ${describeCause(error)}\n`);
		return [];
	} finally {
		await store?.close();
	}
}
