import { describe, expect, it } from 'vitest';
import { createLogger, redact, silentLogger } from '../src/log.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
	const lines: string[] = [];
	const logger = createLogger({ ...(level ? { level } : {}), secrets: [TOKEN], write: (line) => lines.push(line) });
	return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
	it('writes one JSON line per entry with time, level, message and context', () => {
		const { logger, entries } = capture();
		logger.info('bot ready', { guilds: 2 });
		expect(entries()).toEqual([{ time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), level: 'info', message: 'bot ready', guilds: 2 }]);
	});

	it('drops entries below its level (info by default)', () => {
		const { logger, entries } = capture();
		logger.debug('noise');
		logger.warn('careful');
		expect(entries().map((entry) => entry.level)).toEqual(['warn']);
		const verbose = capture('debug');
		verbose.logger.debug('noise');
		expect(verbose.lines).toHaveLength(1);
	});

	it('redacts the token wherever it appears: message, context, nested values, error message and stack', () => {
		const { logger, lines } = capture();
		const error = new Error(`login failed for Bot ${TOKEN}`);
		logger.error(`token is ${TOKEN}`, { header: `Bot ${TOKEN}`, nested: { list: [TOKEN] }, error });
		expect(lines).toHaveLength(1);
		expect(lines[0]).not.toContain(TOKEN);
		expect(lines[0]).toContain('[redacted]');
		const entry = JSON.parse(lines[0] as string) as { error: { name: string; message: string; stack: string } };
		expect(entry.error.name).toBe('Error');
		expect(entry.error.message).toBe('login failed for Bot [redacted]');
		expect(entry.error.stack).toContain('[redacted]');
	});

	it('keeps the redaction in child loggers and merges their context', () => {
		const { logger, entries } = capture();
		logger.child({ component: 'emulator' }).warn('odd', { token: TOKEN });
		expect(entries()).toEqual([expect.objectContaining({ component: 'emulator', token: '[redacted]' })]);
	});

	it('flattens errors with their code', () => {
		const { logger, entries } = capture();
		logger.error('store failed', { error: Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }) });
		expect(entries()[0]?.error).toMatchObject({ name: 'Error', message: 'busy', code: 'SQLITE_BUSY' });
	});

	it('ignores secrets too short to be a token, so common words are never scrubbed', () => {
		const lines: string[] = [];
		createLogger({ secrets: ['abc', ''], write: (line) => lines.push(line) }).info('abc stays');
		expect(lines[0]).toContain('abc stays');
	});

	it('has a silent logger that writes nothing', () => {
		expect(() => silentLogger.error('nothing', { error: new Error('x') })).not.toThrow();
	});
});

describe('redact', () => {
	it('replaces every occurrence of every secret', () => {
		expect(redact(`a ${TOKEN} b ${TOKEN} c other-secret`, [TOKEN, 'other-secret'])).toBe('a [redacted] b [redacted] c [redacted]');
	});
});

describe('createLogger on pino', () => {
	it('writes one JSON line with level, time and message, redacting credentials by field and by value', () => {
		const lines: string[] = [];
		const secret = 'MTIzNDU2Nzg5.secret-token-value';
		const logger = createLogger({ level: 'debug', secrets: [secret], write: (line) => lines.push(line) }).child({ component: 'test' });
		logger.warn('request failed', {
			url: `https://x.test/?t=${secret}`,
			token: 'short',
			headers: { authorization: 'Bot abc' },
			error: new Error('boom', { cause: new Error(`inner ${secret}`) }),
		});
		expect(lines).toHaveLength(1);
		const entry = JSON.parse(lines[0] as string);
		expect(entry).toMatchObject({ level: 'warn', message: 'request failed', component: 'test', token: '[redacted]', headers: { authorization: '[redacted]' } });
		expect(entry.error).toMatchObject({ name: 'Error', message: 'boom', cause: { message: 'inner [redacted]' } });
		expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
		expect(lines[0]).not.toContain(secret);
	});
});
