import {
	ApplicationCommandAutocompleteCallbackRequestSchema,
	CreateMessageInteractionCallbackRequestSchema,
	MessageCreateRequestSchema,
	UpdateMessageInteractionCallbackRequestSchema,
} from 'discord-api-spec/zod';
import { expect } from 'vitest';
import { checkAutocompleteChoices, checkMessageLimits } from '../src/cards/measure.js';
import type { AutocompleteChoice, MessagePayload } from '../src/cards/types.js';
import type { Paper } from '../src/papers/paper.js';

/**
 * Shared by the card tests: validation against Discord's official request schemas plus the limits no
 * schema expresses, and a seeded generator of hostile papers.
 */

interface SafeParser {
	safeParse(value: unknown): { success: boolean; data?: unknown; error?: { issues: unknown[] } };
}

function expectSchema(schema: SafeParser, value: unknown): void {
	const result = schema.safeParse(value);
	if (!result.success) throw new Error(`schema rejected payload: ${JSON.stringify(result.error?.issues).slice(0, 2000)}`);
	// The generated schemas strip unknown keys instead of failing; equality catches a misspelled field.
	expect(result.data).toEqual(value);
}

/** A message is valid as a channel message, as an interaction reply (type 4) and as an update (type 7). */
export function expectValidMessage(payload: MessagePayload): void {
	const json: unknown = JSON.parse(JSON.stringify(payload));
	expect(json).toEqual(payload);
	expect(payload.allowed_mentions).toEqual({ parse: [] });
	expectSchema(MessageCreateRequestSchema as SafeParser, json);
	expectSchema(CreateMessageInteractionCallbackRequestSchema as SafeParser, { type: 4, data: json });
	const { flags: _flags, ...update } = payload;
	expectSchema(UpdateMessageInteractionCallbackRequestSchema as SafeParser, { type: 7, data: update });
	expect(checkMessageLimits(json, { requireBody: true })).toEqual([]);
	expect(visibleText(payload)).not.toMatch(ACTIVE_MENTION);
}

export function expectValidChoices(choices: AutocompleteChoice[]): void {
	expectSchema(ApplicationCommandAutocompleteCallbackRequestSchema as SafeParser, { type: 8, data: { choices } });
	expect(checkAutocompleteChoices(choices)).toEqual([]);
}

/** Mentions Discord would render (ZWSP-broken ones do not match). */
export const ACTIVE_MENTION = /@(?:everyone|here)|<(?:@[!&]?|#|\/)[^>]*\d>/i;

/** Every string a paper could have put in the message (content is excluded: it may hold our intended mention). */
export function visibleText(payload: MessagePayload): string {
	const parts: string[] = [];
	for (const embed of payload.embeds ?? []) {
		parts.push(embed.title ?? '', embed.description ?? '', embed.footer?.text ?? '', embed.author?.name ?? '');
		for (const field of embed.fields ?? []) parts.push(field.name, field.value);
	}
	for (const row of payload.components ?? []) for (const button of row.components) parts.push(button.label);
	return parts.join('\n');
}

// mulberry32 from the benchmark: the same sequence on every machine, so a failure is reproducible by seed.
export { createRandom } from '../bench/corpus.js';

const NASTY_PIECES = [
	'@everyone',
	'@here',
	'<@123456789012345678>',
	'<@!123456789012345678>',
	'<@&987654321098765432>',
	'<#111111111111111111>',
	'</paper search:123456789012345678>',
	'**bold**',
	'__under__',
	'*it*',
	'~~strike~~',
	'||spoiler||',
	'`code`',
	'```js\nblock\n```',
	'[masked](https://evil.example/x)',
	'# heading',
	'\n## sub\n',
	'\n-# subtext\n',
	'\n> quote\n',
	'\n>>> quote all\n',
	'\n- item\n',
	'\n1. first\n',
	'\\',
	'\\\\*',
	'😀',
	'👨‍👩‍👧‍👦',
	'🏳️‍🌈',
	'🇯🇵',
	'שלום עולם',
	'مرحبا بالعالم',
	'\u202eevil\u202c',
	'\u200b\u200c\u200d\u2060\ufeff',
	'\u0000\u0007\u001b[31m',
	'\r\n',
	'\t',
	'\ud800',
	'\udfff',
	'Z̴̡̢̛̛̛̪̫̬͇̙̣̜̲͇̳̣̯̠̪̠̖̘͈̮̘̰̠̖̜̣͎̰͈̞̗̜̲̻͖̳',
	'漢字かな交じり文',
	'https://github.com/some_user/some_repo',
	'(https://x.test/a_(b))',
	'e.g. ',
	'. ',
	'! ',
	'? ',
	'。',
	'<t:1700000000:R>',
	':smile:',
	'ﷺ',
	'\u3164',
];

const WORDS = ['diffusion', 'model', 'language', 'RLHF', 'DPO', 'sparse', 'attention', 'graph', 'quantization', 'agents', 'vision', 'the', 'of', 'a', 'with'];

/** A string mixing words and hostile pieces, up to roughly `max` characters. */
export function nastyText(random: () => number, max: number): string {
	const target = Math.floor(random() * max);
	let text = '';
	while (text.length < target) {
		text += random() < 0.35 ? pick(random, NASTY_PIECES) : `${pick(random, WORDS)}${random() < 0.15 ? '. ' : ' '}`;
	}
	return text;
}

export function pick<T>(random: () => number, items: readonly T[]): T {
	return items[Math.floor(random() * items.length)] as T;
}

const VALID_IDS = ['2401.01234', '2503.12345', 'hep-th/9901001', 'math.GT/0309136', 't-0123456789ab', 't-abcdefabcdef'];

/** A paper built to break cards: huge or empty fields, hostile text, nonsense numbers and URLs. */
export function nastyPaper(random: () => number): Paper {
	const sizes = [0, 1, 10, 120, 300, 1000];
	const title = random() < 0.15 ? 'a'.repeat(1000) : random() < 0.1 ? '漢'.repeat(1000) : nastyText(random, pick(random, sizes));
	const abstract = random() < 0.1 ? 'x'.repeat(20_000) : random() < 0.15 ? '' : nastyText(random, pick(random, [0, 50, 1500, 5000, 20_000]));
	const authorCount = pick(random, [0, 0, 1, 3, 12, 500]);
	const authors = Array.from({ length: authorCount }, () => (random() < 0.1 ? 'n'.repeat(400) : nastyText(random, 40)));
	const paper: Paper = {
		id: random() < 0.05 ? nastyText(random, 30) : pick(random, VALID_IDS),
		title,
		abstract,
		authors,
		listedOn: random() < 0.1 ? nastyText(random, 200) : '2026-03-14',
		source: 'hf-daily',
	};
	if (random() < 0.7) paper.upvotes = pick(random, [0, 1, 42, 12345, Number.NaN, -1, 1e300, Infinity, 3.7]);
	if (random() < 0.6) paper.arxivId = random() < 0.1 ? nastyText(random, 20) : pick(random, VALID_IDS.slice(0, 4));
	if (random() < 0.5)
		paper.codeUrl = pick(random, [
			'https://github.com/a/b',
			'javascript:alert(1)',
			`https://github.com/${'x'.repeat(3000)}`,
			'not a url',
			'https://github.com/a_b/c(d)',
			nastyText(random, 60),
		]);
	if (random() < 0.4) paper.projectUrl = pick(random, ['https://example.org/project', 'ftp://x.test', `https://p.test/${'é'.repeat(600)}`, '']);
	if (random() < 0.5) paper.keywords = Array.from({ length: pick(random, [0, 3, 50]) }, () => nastyText(random, 60));
	return paper;
}

export function nastyPapers(random: () => number, count: number): Paper[] {
	return Array.from({ length: count }, () => nastyPaper(random));
}

/** A plain, realistic paper for the readable-output tests. */
export function samplePaper(overrides: Partial<Paper> = {}): Paper {
	return {
		id: '2401.01234',
		arxivId: '2401.01234',
		title: 'Direct Preference Optimization for *Diffusion* Models',
		abstract: 'We present a method. It works well on many benchmarks. Code is released.',
		authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
		listedOn: '2026-03-14',
		upvotes: 42,
		codeUrl: 'https://github.com/example/dpo-diffusion',
		source: 'hf-daily',
		...overrides,
	};
}
