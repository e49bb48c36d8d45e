import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { databaseFileOf, databaseUrlProblem } from './store/database-url.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
	/** Absent means: run the offline sandbox (refused when production is set). */
	discordToken: string | undefined;
	production: boolean;
	/** Discord REST base, without version; the sandbox points it at the local emulator. */
	discordApiUrl: string;
	devGuildId: string | undefined;
	databaseUrl: string;
	seedsDir: string;
	/** The year given to the seed dump's year-less "Mar 14"; undefined means the most recent one not in the future. */
	papersYear: number | undefined;
	logLevel: LogLevel;
	hfBaseUrl: string;
	hfEnabled: boolean;
	arxivBaseUrl: string;
	arxivCategories: string[];
	ingestCron: string;
	sourceTimeoutMs: number;
	/** Shards across every process of the bot (SHARD_COUNT); undefined follows Discord's recommendation (GET /gateway/bot). */
	shardCount: number | undefined;
	/** The shards this process runs (SHARDS); undefined runs all of them. Only set together with shardCount. */
	shardIds: number[] | undefined;
	/** METRICS_PORT: serve /metrics and /healthz there; undefined (the default) serves nothing. */
	metricsPort: number | undefined;
	/** METRICS_HOST: the address the metrics server binds, loopback unless opened for a scraper elsewhere. */
	metricsHost: string;
	/**
	 * INDEX_SNAPSHOT: where the search index is saved so a restart loads it instead of rebuilding; undefined (`off`)
	 * saves none. Default: beside a SQLite database (`<file>.index`), `data/paperboy.index` for a server database.
	 */
	indexSnapshot: string | undefined;
}

export const CONFIG_DEFAULTS = Object.freeze({
	DISCORD_API_URL: 'https://discord.com/api',
	DATABASE_URL: 'sqlite://data/paperboy.sqlite',
	SEEDS_DIR: 'seeds',
	LOG_LEVEL: 'info',
	HF_BASE_URL: 'https://huggingface.co',
	HF_ENABLED: 'true',
	ARXIV_BASE_URL: 'https://export.arxiv.org',
	ARXIV_CATEGORIES: '',
	INGEST_CRON: '5 * * * *',
	SOURCE_TIMEOUT_MS: '15000',
	METRICS_HOST: '127.0.0.1',
});

export class ConfigError extends Error {
	override readonly name = 'ConfigError';
	constructor(readonly problems: string[]) {
		super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
	}
}

type Env = Record<string, string | undefined>;

const SNOWFLAKE = /^\d{17,20}$/;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const ARXIV_CATEGORY = /^[a-z-]+(\.[A-Za-z-]+)?$/;
/** More shard ids than any one process could run; bounds what a typo like SHARDS=0-99999999 expands to. */
const SHARD_IDS_MAX = 10_000;

/** Unset, empty or blank is "not given"; anything else is trimmed. */
const text = () => z.preprocess((value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined), z.string().optional());
const withDefault = (name: keyof typeof CONFIG_DEFAULTS) => text().transform((value) => value ?? CONFIG_DEFAULTS[name]);
const httpUrl = (name: 'DISCORD_API_URL' | 'HF_BASE_URL' | 'ARXIV_BASE_URL') =>
	withDefault(name)
		.refine(isHttpUrl, { error: `${name} must be an http(s) URL` })
		.transform((url) => url.replace(/\/+$/, ''));

/**
 * The environment as a zod schema: one entry per variable, each with the one-line message an operator needs.
 * Every bad value is reported, not just the first (zod collects them all).
 */
const ConfigSchema = z
	.object({
		DISCORD_TOKEN: text().refine((token) => token === undefined || !/\s/.test(token), { error: 'DISCORD_TOKEN must not contain whitespace' }),
		NODE_ENV: text(),
		DEV_GUILD_ID: text().refine((id) => id === undefined || SNOWFLAKE.test(id), { error: 'DEV_GUILD_ID must be a Discord server id (17 to 20 digits)' }),
		DISCORD_API_URL: httpUrl('DISCORD_API_URL'),
		DATABASE_URL: withDefault('DATABASE_URL').superRefine((url, context) => {
			const problem = databaseUrlProblem(url);
			if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
		}),
		SEEDS_DIR: withDefault('SEEDS_DIR').transform((dir) => resolve(dir)),
		PAPERS_YEAR: text()
			.refine((year) => year === undefined || /^\d{4}$/.test(year), { error: 'PAPERS_YEAR must be a 4-digit year' })
			.transform((year) => (year === undefined ? undefined : Number(year))),
		LOG_LEVEL: withDefault('LOG_LEVEL')
			.transform((level) => level.toLowerCase())
			.refine((level): level is LogLevel => (LOG_LEVELS as readonly string[]).includes(level), { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }),
		HF_BASE_URL: httpUrl('HF_BASE_URL'),
		HF_ENABLED: booleanFlag('HF_ENABLED'),
		ARXIV_BASE_URL: httpUrl('ARXIV_BASE_URL'),
		ARXIV_CATEGORIES: withDefault('ARXIV_CATEGORIES')
			.transform((list) =>
				list
					.split(',')
					.map((category) => category.trim())
					.filter(Boolean),
			)
			.superRefine((categories, context) => {
				const bad = categories.filter((category) => !ARXIV_CATEGORY.test(category));
				if (bad.length > 0)
					context.addIssue({ code: 'custom', message: `ARXIV_CATEGORIES must be comma-separated arXiv categories like cs.LG,cs.CL (bad: ${bad.join(', ')})` });
			}),
		INGEST_CRON: withDefault('INGEST_CRON').refine((cron) => cron.split(/\s+/).length >= 5, {
			error: 'INGEST_CRON must be a cron expression with 5 or 6 fields (for example "5 * * * *")',
		}),
		SOURCE_TIMEOUT_MS: withDefault('SOURCE_TIMEOUT_MS')
			.transform(Number)
			.refine((ms) => Number.isInteger(ms) && ms >= 1000 && ms <= 120_000, {
				error: 'SOURCE_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 120000',
			}),
		SHARD_COUNT: text(),
		SHARDS: text(),
		METRICS_PORT: text()
			.refine((port) => port === undefined || (/^\d+$/.test(port) && Number(port) <= 65_535), {
				error: 'METRICS_PORT must be a TCP port from 0 to 65535 (0 picks a free one), or empty for no metrics server',
			})
			.transform((port) => (port === undefined ? undefined : Number(port))),
		METRICS_HOST: withDefault('METRICS_HOST'),
		INDEX_SNAPSHOT: text(),
	})
	.transform((env, context) => {
		const problems: string[] = [];
		const shards = parseShards(env.SHARD_COUNT, env.SHARDS, problems);
		for (const message of problems) context.addIssue({ code: 'custom', message });
		return { env, shards };
	});

/** Parses the environment once. Every bad value is reported, one line each, not just the first. */
export function parseConfig(env: Env): Config {
	const parsed = ConfigSchema.safeParse(env);
	if (!parsed.success) throw new ConfigError([...new Set(parsed.error.issues.map((issue) => issue.message))]);
	const { env: values, shards } = parsed.data;
	return Object.freeze({
		discordToken: values.DISCORD_TOKEN,
		production: values.NODE_ENV === 'production',
		discordApiUrl: values.DISCORD_API_URL,
		devGuildId: values.DEV_GUILD_ID,
		databaseUrl: values.DATABASE_URL,
		seedsDir: values.SEEDS_DIR,
		papersYear: values.PAPERS_YEAR,
		logLevel: values.LOG_LEVEL,
		hfBaseUrl: values.HF_BASE_URL,
		hfEnabled: values.HF_ENABLED,
		arxivBaseUrl: values.ARXIV_BASE_URL,
		arxivCategories: values.ARXIV_CATEGORIES,
		ingestCron: values.INGEST_CRON,
		sourceTimeoutMs: values.SOURCE_TIMEOUT_MS,
		metricsPort: values.METRICS_PORT,
		metricsHost: values.METRICS_HOST,
		shardCount: shards.shardCount,
		shardIds: shards.shardIds,
		indexSnapshot: indexSnapshotPath(values.INDEX_SNAPSHOT, values.DATABASE_URL),
	});
}

/** Reads `.env` from the working directory if there is one (real environment variables win), then parses. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
	if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
	return parseConfig(env);
}

function indexSnapshotPath(setting: string | undefined, databaseUrl: string): string | undefined {
	if (setting?.toLowerCase() === 'off') return undefined;
	if (setting !== undefined) return resolve(setting);
	const file = databaseFileOf(databaseUrl);
	return file === undefined ? resolve('data/paperboy.index') : `${file}.index`;
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/** SHARD_COUNT (a whole number from 1) and SHARDS (`0-3`, `0,2,5` or both mixed), which needs SHARD_COUNT and ids below it. */
function parseShards(
	rawCount: string | undefined,
	rawIds: string | undefined,
	problems: string[],
): { shardCount: number | undefined; shardIds: number[] | undefined } {
	let shardCount: number | undefined;
	if (rawCount !== undefined) {
		if (/^\d+$/.test(rawCount) && Number(rawCount) >= 1) shardCount = Number(rawCount);
		else problems.push('SHARD_COUNT must be a whole number of shards from 1 (the total across all processes)');
	}
	if (rawIds === undefined) return { shardCount, shardIds: undefined };
	const ids = new Set<number>();
	const bad: string[] = [];
	for (const part of rawIds.split(',').map((item) => item.trim())) {
		const range = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
		const first = Number(range?.[1]);
		const last = range?.[2] === undefined ? first : Number(range[2]);
		if (!range || last < first) bad.push(part || '(empty)');
		else for (let id = first; id <= last && ids.size <= SHARD_IDS_MAX; id += 1) ids.add(id);
	}
	if (bad.length > 0) {
		problems.push(`SHARDS must be shard ids like 0-3 or 0,2,5 (bad: ${bad.join(', ')})`);
		return { shardCount, shardIds: undefined };
	}
	if (rawCount === undefined) {
		problems.push('SHARDS needs SHARD_COUNT, the total number of shards across all processes (for example SHARDS=0-3 with SHARD_COUNT=8)');
		return { shardCount, shardIds: undefined };
	}
	const shardIds = [...ids].sort((a, b) => a - b);
	const outside = shardIds.filter((id) => shardCount !== undefined && id >= shardCount);
	if (outside.length > 0) {
		problems.push(
			`SHARDS must name shards below SHARD_COUNT=${shardCount} (ids start at 0; bad: ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''})`,
		);
	}
	return { shardCount, shardIds };
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

function booleanFlag(name: 'HF_ENABLED') {
	return withDefault(name)
		.transform((value) => value.toLowerCase())
		.refine((value) => TRUE_WORDS.includes(value) || FALSE_WORDS.includes(value), { error: `${name} must be true or false` })
		.transform((value) => TRUE_WORDS.includes(value));
}
