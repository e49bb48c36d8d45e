import { describe, expect, it } from 'vitest';
import {
	cleanForDiscord,
	escapeMarkdown,
	neutralizeMentions,
	toPlainText,
	toSafeMarkdown,
	truncate,
	truncateAtSentence,
	ZERO_WIDTH_SPACE,
} from '../src/cards/escape.js';
import { ACTIVE_MENTION, createRandom, nastyText } from './cards-support.js';

/** Undoes escapeMarkdown: drops one backslash before each character it escapes. */
function unescapeMarkdown(text: string): string {
	return text.replace(/\\([\\*_~`|[\]#>+\-.)])/g, '$1');
}

/** Markdown characters not preceded by an escaping backslash. */
function activeMarkdown(text: string): string[] {
	const found: string[] = [];
	for (let i = 0; i < text.length; i++) {
		if (text[i] === '\\') i++;
		else if ('*_~`|[]'.includes(text[i] ?? '')) found.push(text[i] ?? '');
	}
	return found;
}

const LINE_START_SYNTAX = /^ *(?:[#>+-]|\d+[.)])/m;

describe('escapeMarkdown', () => {
	it('escapes emphasis, strike, spoilers, code, masked links and backslashes', () => {
		expect(escapeMarkdown('**b** _i_ ~~s~~ ||x|| `c` [t](u) a\\b')).toBe('\\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~ \\|\\|x\\|\\| \\`c\\` \\[t\\](u) a\\\\b');
	});

	it('escapes headings, subtext, quotes and list markers only at the start of a line', () => {
		expect(escapeMarkdown('# h\n-# sub\n> q\n- item\n1. one\nstate-of-the-art #1 a > b')).toBe(
			'\\# h\n\\-# sub\n\\> q\n\\- item\n1\\. one\nstate-of-the-art #1 a > b',
		);
	});

	it('leaves bare URLs intact so Discord still links them', () => {
		expect(escapeMarkdown('see https://github.com/some_user/repo_x. and _this_')).toBe('see https://github.com/some_user/repo_x. and \\_this\\_');
	});

	it('round-trips and leaves no active markdown for random hostile text', () => {
		const random = createRandom(7);
		for (let i = 0; i < 300; i++) {
			const raw = nastyText(random, 400).replace(/https?:/g, 'h:');
			const escaped = escapeMarkdown(raw);
			expect(unescapeMarkdown(escaped)).toBe(raw);
			expect(activeMarkdown(escaped)).toEqual([]);
			expect(escaped).not.toMatch(LINE_START_SYNTAX);
		}
	});
});

describe('neutralizeMentions', () => {
	it('breaks @everyone, @here and user, role, channel and command mentions with a zero-width space', () => {
		const text = neutralizeMentions('@everyone @here <@1> <@!2> <@&3> <#4> </cmd:5>');
		expect(text).toBe(['@everyone', '@here', '<@1>', '<@!2>', '<@&3>', '<#4>', '</cmd:5>'].map((m) => m.replace(/^([@<])/, `$1${ZERO_WIDTH_SPACE}`)).join(' '));
		expect(text).not.toMatch(ACTIVE_MENTION);
	});

	it('leaves e-mail addresses and timestamps alone', () => {
		expect(neutralizeMentions('a@b.org <t:1700000000:R>')).toBe('a@b.org <t:1700000000:R>');
	});
});

describe('cleanForDiscord', () => {
	it('strips zero-width, bidi-override and control characters but keeps emoji joiners and newlines', () => {
		expect(cleanForDiscord('a\u200bb\u202ec\u0000d\u0007 👨‍👩‍👧\nnext')).toBe('abcd 👨‍👩‍👧\nnext');
	});

	it('collapses whitespace, keeps at most one blank line, and joins lines when singleLine', () => {
		expect(cleanForDiscord('  a \t b\r\n\r\n\r\n\r\nc  ')).toBe('a b\n\nc');
		expect(cleanForDiscord('a\n\nb\tc', { singleLine: true })).toBe('a b c');
	});

	it('replaces lone surrogates and tames combining-mark floods', () => {
		expect(cleanForDiscord('x\ud800y')).toBe('x\ufffdy');
		expect(cleanForDiscord(`e${'\u0301'.repeat(50)}`).length).toBeLessThanOrEqual(5);
	});

	it('keeps right-to-left text', () => {
		expect(cleanForDiscord('שלום مرحبا')).toBe('שלום مرحبا');
	});
});

describe('truncate', () => {
	it('returns short text unchanged and cuts long text to max with an ellipsis', () => {
		expect(truncate('short', 10)).toBe('short');
		const cut = truncate('word '.repeat(100), 50);
		expect(cut.length).toBeLessThanOrEqual(50);
		expect(cut.endsWith('…')).toBe(true);
	});

	it('never splits a surrogate pair', () => {
		for (let max = 1; max < 12; max++) {
			const cut = truncate('😀'.repeat(10), max);
			expect(cut.length).toBeLessThanOrEqual(max);
			expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
		}
	});

	it('never leaves a dangling escape backslash', () => {
		const escaped = escapeMarkdown('*'.repeat(100));
		for (let max = 2; max < 30; max++) {
			const cut = truncate(escaped, max);
			expect(/(?<!\\)(?:\\\\)*\\…$/.test(cut)).toBe(false);
			expect(activeMarkdown(cut)).toEqual([]);
		}
	});

	it('returns an empty string for a zero budget', () => {
		expect(truncate('abc', 0)).toBe('');
	});
});

describe('truncateAtSentence', () => {
	it('cuts after the last whole sentence that fits', () => {
		const text = 'First sentence is here. Second sentence is a bit longer. Third one never fits in the budget.';
		expect(truncateAtSentence(text, 70)).toBe('First sentence is here. Second sentence is a bit longer. …');
	});

	it('falls back to a hard cut when no sentence ends early enough', () => {
		const cut = truncateAtSentence(`Tiny. ${'x'.repeat(200)}`, 100);
		expect(cut.length).toBeLessThanOrEqual(100);
		expect(cut.endsWith('…')).toBe(true);
	});

	it('does not treat an escaped list number as a sentence end', () => {
		const text = escapeMarkdown(`1. ${'word '.repeat(40)}`);
		expect(truncateAtSentence(text, 60).startsWith('1\\. word')).toBe(true);
	});
});

describe('toSafeMarkdown', () => {
	it('fits any hostile input in its budget with no active markdown or mentions', () => {
		const random = createRandom(11);
		for (let i = 0; i < 300; i++) {
			const max = 1 + Math.floor(random() * 300);
			const safe = toSafeMarkdown(nastyText(random, 1000).replace(/https?:/g, 'h:'), max);
			expect(safe.length).toBeLessThanOrEqual(max);
			expect(activeMarkdown(safe)).toEqual([]);
			expect(safe).not.toMatch(ACTIVE_MENTION);
		}
	});
});

describe('toPlainText', () => {
	it('cleans to one line and cuts without escaping', () => {
		expect(toPlainText('a *b*\nc', 80)).toBe('a *b* c');
		expect(toPlainText('x'.repeat(200), 80).length).toBe(80);
	});
});

describe('truncate at grapheme boundaries', () => {
	it('never splits an emoji sequence, a flag or a letter from its accent', () => {
		const family = '👨‍👩‍👧‍👦';
		for (const text of [`ab${family.repeat(5)}`, `ab${'🇯🇵'.repeat(8)}`, `ab${'e\u0301'.repeat(20)}`]) {
			for (let max = 2; max < text.length; max++) {
				const cut = truncate(text, max);
				expect(cut.length).toBeLessThanOrEqual(max);
				const kept = cut.replace(/…$/, '');
				expect(text.startsWith(kept)).toBe(true);
				const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((segment) => segment.index);
				expect(segments.includes(kept.length) || kept.length === text.length).toBe(true);
			}
		}
	});
});
