import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { databaseUrlProblem } from './store/database-url.js';

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

/** Parses the environment once. Every bad value is reported, one line each, not just the first. */
export function parseConfig(env: Env): Config {
	const problems: string[] = [];
	const read = (name: keyof typeof CONFIG_DEFAULTS) => nonEmpty(env[name]) ?? CONFIG_DEFAULTS[name];

	const discordToken = nonEmpty(env.DISCORD_TOKEN);
	if (discordToken !== undefined && /\s/.test(discordToken)) problems.push('DISCORD_TOKEN must not contain whitespace');

	const devGuildId = nonEmpty(env.DEV_GUILD_ID);
	if (devGuildId !== undefined && !SNOWFLAKE.test(devGuildId)) {
		problems.push('DEV_GUILD_ID must be a Discord server id (17 to 20 digits)');
	}

	const discordApiUrl = read('DISCORD_API_URL');
	if (!isHttpUrl(discordApiUrl)) problems.push('DISCORD_API_URL must be an http(s) URL');

	const databaseUrl = read('DATABASE_URL');
	const databaseProblem = databaseUrlProblem(databaseUrl);
	if (databaseProblem !== undefined) problems.push(databaseProblem);

	let papersYear: number | undefined;
	const rawYear = nonEmpty(env.PAPERS_YEAR);
	if (rawYear !== undefined) {
		if (/^\d{4}$/.test(rawYear)) papersYear = Number(rawYear);
		else problems.push('PAPERS_YEAR must be a 4-digit year');
	}

	const logLevel = read('LOG_LEVEL').toLowerCase();
	if (!LOG_LEVELS.includes(logLevel as LogLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

	const hfBaseUrl = read('HF_BASE_URL');
	if (!isHttpUrl(hfBaseUrl)) problems.push('HF_BASE_URL must be an http(s) URL');
	const hfEnabled = parseBoolean('HF_ENABLED', read('HF_ENABLED'), problems);

	const arxivBaseUrl = read('ARXIV_BASE_URL');
	if (!isHttpUrl(arxivBaseUrl)) problems.push('ARXIV_BASE_URL must be an http(s) URL');
	const arxivCategories = read('ARXIV_CATEGORIES')
		.split(',')
		.map((category) => category.trim())
		.filter(Boolean);
	const badCategories = arxivCategories.filter((category) => !ARXIV_CATEGORY.test(category));
	if (badCategories.length > 0) {
		problems.push(`ARXIV_CATEGORIES must be comma-separated arXiv categories like cs.LG,cs.CL (bad: ${badCategories.join(', ')})`);
	}

	const ingestCron = read('INGEST_CRON');
	if (ingestCron.trim().split(/\s+/).length < 5) problems.push('INGEST_CRON must be a cron expression with 5 or 6 fields (for example "5 * * * *")');

	const sourceTimeoutMs = Number(read('SOURCE_TIMEOUT_MS'));
	if (!Number.isInteger(sourceTimeoutMs) || sourceTimeoutMs < 1000 || sourceTimeoutMs > 120_000) {
		problems.push('SOURCE_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 120000');
	}

	const { shardCount, shardIds } = parseShards(nonEmpty(env.SHARD_COUNT), nonEmpty(env.SHARDS), problems);

	const rawMetricsPort = nonEmpty(env.METRICS_PORT);
	const metricsPort = rawMetricsPort === undefined ? undefined : Number(rawMetricsPort);
	if (metricsPort !== undefined && !(/^\d+$/.test(rawMetricsPort ?? '') && metricsPort >= 0 && metricsPort <= 65_535)) {
		problems.push('METRICS_PORT must be a TCP port from 0 to 65535 (0 picks a free one), or empty for no metrics server');
	}
	const metricsHost = read('METRICS_HOST');

	const nodeEnv = nonEmpty(env.NODE_ENV);
	if (problems.length > 0) throw new ConfigError(problems);
	return Object.freeze({
		discordToken,
		production: nodeEnv === 'production',
		discordApiUrl: discordApiUrl.replace(/\/+$/, ''),
		devGuildId,
		databaseUrl,
		seedsDir: resolve(read('SEEDS_DIR')),
		papersYear,
		logLevel: logLevel as LogLevel,
		hfBaseUrl: hfBaseUrl.replace(/\/+$/, ''),
		hfEnabled,
		arxivBaseUrl: arxivBaseUrl.replace(/\/+$/, ''),
		arxivCategories,
		ingestCron,
		sourceTimeoutMs,
		metricsPort,
		metricsHost,
		shardCount,
		shardIds,
	});
}

/** Reads `.env` from the working directory if there is one (real environment variables win), then parses. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
	if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
	return parseConfig(env);
}

function nonEmpty(value: string | undefined): string | undefined {
	const trimmed = value?.trim();
	return trimmed ? trimmed : undefined;
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
function parseShards(rawCount: string | undefined, rawIds: string | undefined, problems: string[]): { shardCount: number | undefined; shardIds: number[] | undefined } {
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
		problems.push(`SHARDS must name shards below SHARD_COUNT=${shardCount} (ids start at 0; bad: ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''})`);
	}
	return { shardCount, shardIds };
}

function parseBoolean(name: string, value: string, problems: string[]): boolean {
	const lowered = value.toLowerCase();
	if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
	if (['false', '0', 'no', 'off'].includes(lowered)) return false;
	problems.push(`${name} must be true or false`);
	return false;
}
