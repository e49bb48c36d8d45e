import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, ConfigError, loadConfig, parseConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
	try {
		parseConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error.problems;
		throw error;
	}
	return [];
}

describe('parseConfig', () => {
	it('gives the documented defaults for an empty environment: the offline sandbox', () => {
		const config = parseConfig({});
		expect(config.discordToken).toBeUndefined();
		expect(config.production).toBe(false);
		expect(config.discordApiUrl).toBe(CONFIG_DEFAULTS.DISCORD_API_URL);
		expect(config.databaseUrl).toBe(CONFIG_DEFAULTS.DATABASE_URL);
		expect(config.seedsDir).toMatch(/seeds$/);
		expect(config.papersYear).toBeUndefined();
		expect(config.logLevel).toBe('info');
		expect(config.hfEnabled).toBe(true);
		expect(config.arxivCategories).toEqual([]);
		expect(Object.isFrozen(config)).toBe(true);
	});

	it('reads every setting, trimming values and trailing slashes', () => {
		const config = parseConfig({
			DISCORD_TOKEN: ' abc.def.ghi ',
			NODE_ENV: 'production',
			DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
			DEV_GUILD_ID: '123456789012345678',
			PAPERS_YEAR: '2025',
			LOG_LEVEL: 'DEBUG',
			HF_ENABLED: 'off',
			ARXIV_CATEGORIES: 'cs.LG, cs.CL',
			SOURCE_TIMEOUT_MS: '5000',
		});
		expect(config).toMatchObject({
			discordToken: 'abc.def.ghi',
			production: true,
			discordApiUrl: 'http://127.0.0.1:9999/api',
			devGuildId: '123456789012345678',
			papersYear: 2025,
			logLevel: 'debug',
			hfEnabled: false,
			arxivCategories: ['cs.LG', 'cs.CL'],
			sourceTimeoutMs: 5000,
		});
	});

	it('treats an empty DISCORD_TOKEN as unset', () => {
		expect(parseConfig({ DISCORD_TOKEN: '   ' }).discordToken).toBeUndefined();
	});

	it.each([
		[{ PAPERS_YEAR: 'abc' }, 'PAPERS_YEAR must be a 4-digit year'],
		[{ PAPERS_YEAR: '26' }, 'PAPERS_YEAR must be a 4-digit year'],
		[{ DISCORD_TOKEN: 'abc def' }, 'DISCORD_TOKEN must not contain whitespace'],
		[{ DEV_GUILD_ID: '12345' }, 'DEV_GUILD_ID must be a Discord server id (17 to 20 digits)'],
		[{ DISCORD_API_URL: 'discord.com/api' }, 'DISCORD_API_URL must be an http(s) URL'],
		[
			{ DATABASE_URL: 'mysql://paperboy:hunter22@db/x' },
			'DATABASE_URL must start with sqlite://, postgresql:// (or postgres://) or redis:// (for example ' +
				'sqlite://data/paperboy.sqlite); got "mysql://paperboy:***@db/x"',
		],
		[{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of debug, info, warn, error'],
		[{ HF_BASE_URL: 'ftp://huggingface.co' }, 'HF_BASE_URL must be an http(s) URL'],
		[{ HF_ENABLED: 'maybe' }, 'HF_ENABLED must be true or false'],
		[{ ARXIV_BASE_URL: 'nope' }, 'ARXIV_BASE_URL must be an http(s) URL'],
		[{ ARXIV_CATEGORIES: 'cs.LG,C S' }, 'ARXIV_CATEGORIES must be comma-separated arXiv categories like cs.LG,cs.CL (bad: C S)'],
		[{ INGEST_CRON: '* * *' }, 'INGEST_CRON must be a cron expression with 5 or 6 fields (for example "5 * * * *")'],
		[{ SOURCE_TIMEOUT_MS: '10' }, 'SOURCE_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 120000'],
		[{ SOURCE_TIMEOUT_MS: 'soon' }, 'SOURCE_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 120000'],
	])('reports %o as its own line', (env, line) => {
		expect(problemsOf(env)).toEqual([line]);
	});

	it('reports every bad value at once, one line each, in the error message', () => {
		const env = { PAPERS_YEAR: 'abc', LOG_LEVEL: 'loud', HF_ENABLED: 'maybe' };
		expect(problemsOf(env)).toHaveLength(3);
		expect(() => parseConfig(env)).toThrow(/Invalid configuration:\n {2}- PAPERS_YEAR must be a 4-digit year\n {2}- LOG_LEVEL/);
	});

	it('reads SHARD_COUNT and SHARDS as ranges, lists or both, and leaves them unset by default', () => {
		expect(parseConfig({})).toMatchObject({ shardCount: undefined, shardIds: undefined });
		expect(parseConfig({ SHARD_COUNT: '8' })).toMatchObject({ shardCount: 8, shardIds: undefined });
		expect(parseConfig({ SHARD_COUNT: '8', SHARDS: '0-3' })).toMatchObject({ shardCount: 8, shardIds: [0, 1, 2, 3] });
		expect(parseConfig({ SHARD_COUNT: '8', SHARDS: '5, 0,2' }).shardIds).toEqual([0, 2, 5]);
		expect(parseConfig({ SHARD_COUNT: '8', SHARDS: '6-7,0-1,1' }).shardIds).toEqual([0, 1, 6, 7]);
	});

	it.each([
		[{ SHARD_COUNT: '0' }, 'SHARD_COUNT must be a whole number of shards from 1 (the total across all processes)'],
		[{ SHARD_COUNT: 'many' }, 'SHARD_COUNT must be a whole number of shards from 1 (the total across all processes)'],
		[{ SHARDS: '0-3' }, 'SHARDS needs SHARD_COUNT, the total number of shards across all processes (for example SHARDS=0-3 with SHARD_COUNT=8)'],
		[{ SHARD_COUNT: '8', SHARDS: '0-3,x,5-2' }, 'SHARDS must be shard ids like 0-3 or 0,2,5 (bad: x, 5-2)'],
		[{ SHARD_COUNT: '8', SHARDS: '0,,1' }, 'SHARDS must be shard ids like 0-3 or 0,2,5 (bad: (empty))'],
		[{ SHARD_COUNT: '8', SHARDS: '6-9' }, 'SHARDS must name shards below SHARD_COUNT=8 (ids start at 0; bad: 8, 9)'],
	])('reports shard setting %o as its own line', (env, line) => {
		expect(problemsOf(env)).toEqual([line]);
	});

	it('saves the index snapshot beside a SQLite file by default, in data/ for a server, and nowhere when off', () => {
		expect(parseConfig({}).indexSnapshot).toBe(resolve('data/paperboy.sqlite.index'));
		expect(parseConfig({ DATABASE_URL: 'postgresql://paperboy:secret@db.internal/paperboy' }).indexSnapshot).toBe(resolve('data/paperboy.index'));
		expect(parseConfig({ INDEX_SNAPSHOT: ' /var/cache/paperboy.index ' }).indexSnapshot).toBe('/var/cache/paperboy.index');
		expect(parseConfig({ INDEX_SNAPSHOT: 'OFF' }).indexSnapshot).toBeUndefined();
	});

	it('never echoes a bad token back', () => {
		const token = 'secret token with spaces';
		try {
			parseConfig({ DISCORD_TOKEN: token });
			expect.unreachable();
		} catch (error) {
			expect((error as Error).message).not.toContain(token);
		}
	});
});

describe('loadConfig', () => {
	it('parses the given environment without reading a .env file for it', () => {
		expect(loadConfig({ PAPERS_YEAR: '2024' }, '/nonexistent/.env').papersYear).toBe(2024);
	});
});
