import { describe, expect, it } from 'vitest';
import { listButtons, renderMessage, resolveMentions, toTerminalText, wrap, type RenderMessage } from '../src/sandbox/render.js';

const card: RenderMessage = {
	content: 'Shared by <@123>',
	flags: 0,
	embeds: [
		{
			author: { name: 'Hugging Face Daily Papers' },
			title: 'VQ4DiT: \\*Efficient\\* Vector Quantization',
			url: 'https://arxiv.org/abs/2408.17131',
			description: 'A **bold** claim with a [link](https://example.com/x) and a zero\u200bwidth space.',
			fields: [{ name: 'Authors', value: 'Ada Lovelace, Alan Turing' }],
			footer: { text: 'Paper id: 2408.17131' },
		},
	],
	components: [
		{
			components: [
				{ type: 2, style: 1, label: 'Share', custom_id: 'paper:share:2408.17131' },
				{ type: 2, style: 2, label: 'Previous', custom_id: 'paper:page:0:x', disabled: true },
				{ type: 2, style: 5, label: 'Paper page', url: 'https://arxiv.org/abs/2408.17131' },
				{ type: 3, custom_id: 'a-select-menu' } as never,
			],
		},
	],
};

describe('renderMessage', () => {
	it('draws embeds as boxes of fixed width and lists buttons as click shows them', () => {
		const text = renderMessage(card, '── Paperboy');
		const lines = text.split('\n');
		expect(lines[0]).toBe('── Paperboy');
		expect(lines[1]).toBe('Shared by <@123>');
		const box = lines.filter((line) => /^[┌│└]/.test(line));
		expect(new Set(box.map((line) => [...line].length))).toEqual(new Set([78]));
		expect(text).toContain('│ VQ4DiT: *Efficient* Vector Quantization');
		expect(text).toContain('A bold claim with a link and a zerowidth space.');
		expect(text).toContain('Authors: Ada Lovelace, Alan Turing');
		expect(text).toContain('Paper id: 2408.17131');
		expect(lines.at(-1)).toBe('[Share] [(Previous)] [Paper page ↗]');
	});

	it('marks ephemeral answers as visible only to the user', () => {
		expect(renderMessage({ content: 'hi', flags: 64 }, '── Paperboy').split('\n')[0]).toBe('── Paperboy  (only you can see this)');
	});

	it('lists attached files with their size and url', () => {
		const text = renderMessage({
			content: 'Your export',
			attachments: [{ filename: 'paperboy-library.bib', size: 2048, url: 'http://127.0.0.1:1/attachments/1/2/paperboy-library.bib' }],
		});
		expect(text.split('\n')).toEqual(['Your export', '📎 paperboy-library.bib (2.0 KB) http://127.0.0.1:1/attachments/1/2/paperboy-library.bib']);
		expect(renderMessage({ attachments: [{ filename: 'tiny.csv', size: 12 }] })).toBe('📎 tiny.csv (12 B)');
	});

	it('renders a message with nothing but content, and no heading when none is given', () => {
		expect(renderMessage({ content: 'No papers match “x”.' })).toBe('No papers match “x”.');
	});
});

describe('listButtons', () => {
	it('returns only buttons, across rows', () => {
		expect(listButtons(card).map((button) => button.label)).toEqual(['Share', 'Previous', 'Paper page']);
		expect(listButtons({})).toEqual([]);
	});
});

describe('toTerminalText', () => {
	it('shows masked links as their text, drops markdown escapes and zero-width spaces', () => {
		expect(toTerminalText('[A \\[draft\\]](https://x.org/a) by \\_me\\_ <\u200b@everyone>')).toBe('A [draft] by _me_ <@everyone>');
	});
});

describe('wrap', () => {
	it('breaks on words within the width and hard-splits a word longer than the line', () => {
		expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
		expect(wrap('https://example.com/very/long', 10)).toEqual(['https://ex', 'ample.com/', 'very/long']);
	});

	it('keeps paragraph breaks and counts emoji as one character', () => {
		expect(wrap('one\n\ntwo', 10)).toEqual(['one', '', 'two']);
		expect(wrap('🙂🙂🙂 ab', 5)).toEqual(['🙂🙂🙂', 'ab']);
	});
});

describe('resolveMentions', () => {
	it('shows channel and user mentions by name and timestamps as UTC, as a Discord client would', () => {
		const names = { channel: (id: string) => (id === '11111111111111111' ? 'papers' : undefined), user: () => 'ada' };
		expect(resolveMentions('<#11111111111111111> by <@22222222222222222> at <t:1773478800:R>', names)).toBe('#papers by @ada at 2026-03-14 09:00 UTC');
		expect(resolveMentions('<#33333333333333333>', names)).toBe('<#33333333333333333>');
	});
});
