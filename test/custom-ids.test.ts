import { describe, expect, it } from 'vitest';
import {
	decodeCustomId,
	encodeCustomId,
	encodeStopForYou,
	encodeLibraryPage,
	encodeOpenPaper,
	encodeSavePaper,
	encodeSearchPage,
	encodeSharePaper,
	encodeSimilarPaper,
	encodeTodayPage,
	encodeTrendingPage,
	encodeUnfollow,
	hashQuery,
	isPaperId,
	isValidDay,
} from '../src/cards/custom-ids.js';
import { DiscordLimits } from '../src/cards/limits.js';
import { createRandom, nastyText } from './cards-support.js';

const PAPER_IDS = ['2401.01234', '2401.0123', 'hep-th/9901001', 'math.GT/0309136', 't-0123456789ab'];

describe('encodeOpenPaper', () => {
	it('builds prefixed ids that decode back to the same paper', () => {
		for (const id of PAPER_IDS) {
			expect(decodeCustomId(encodeOpenPaper(id))).toEqual({ kind: 'open', paperId: id });
			expect(decodeCustomId(encodeSharePaper(id))).toEqual({ kind: 'share', paperId: id });
			expect(decodeCustomId(encodeSimilarPaper(id))).toEqual({ kind: 'similar', paperId: id });
		}
		expect(encodeSharePaper('2401.01234')).toBe('paper:share:2401.01234');
	});

	it('refuses an id that is not a paper id', () => {
		expect(() => encodeOpenPaper('2401.01234v2')).toThrow(RangeError);
		expect(() => encodeOpenPaper('x'.repeat(200))).toThrow(RangeError);
	});
});

describe('encodeSearchPage', () => {
	it('carries a short query inline', () => {
		const encoded = encodeSearchPage(2, 'difusion: models');
		expect(encoded).toMatchObject({ customId: 'paper:page:2:difusion: models', needsStoredQuery: false, queryHash: undefined });
		expect(decodeCustomId(encoded.customId)).toEqual({ kind: 'page', page: 2, query: 'difusion: models', queryHash: hashQuery('difusion: models') });
	});

	it('replaces a query that does not fit by its hash, which the caller stores', () => {
		const query = 'word '.repeat(40);
		const encoded = encodeSearchPage(1, query);
		expect(encoded.needsStoredQuery).toBe(true);
		expect(encoded.queryHash).toBe(hashQuery(query));
		expect(encoded.customId).toBe(`paper:page:1:#${hashQuery(query)}`);
		expect(decodeCustomId(encoded.customId)).toEqual({ kind: 'page', page: 1, query: undefined, queryHash: hashQuery(query) });
	});

	it('uses the hash form for a query that starts with # or is empty', () => {
		expect(encodeSearchPage(0, '#3DGS').needsStoredQuery).toBe(true);
		expect(encodeSearchPage(0, '').needsStoredQuery).toBe(true);
	});

	it('keeps every id within 100 characters and round-trips random queries', () => {
		const random = createRandom(3);
		for (let i = 0; i < 300; i++) {
			const query = nastyText(random, 150);
			const page = Math.floor(random() * 1000);
			const encoded = encodeSearchPage(page, query);
			expect(encoded.customId.length).toBeLessThanOrEqual(DiscordLimits.customId);
			const decoded = decodeCustomId(encoded.customId);
			expect(decoded).toEqual({ kind: 'page', page, query: encoded.needsStoredQuery ? undefined : query, queryHash: hashQuery(query) });
		}
	});
});

describe('encodeTodayPage', () => {
	it('round-trips a page and a day and rejects impossible days', () => {
		expect(encodeTodayPage(3, '2026-03-14')).toBe('paper:today:3:2026-03-14');
		expect(decodeCustomId('paper:today:3:2026-03-14')).toEqual({ kind: 'today', page: 3, day: '2026-03-14' });
		expect(() => encodeTodayPage(0, '2026-02-30')).toThrow(RangeError);
		expect(() => encodeTodayPage(-1, '2026-03-14')).toThrow(RangeError);
	});
});

describe('encodeUnfollow', () => {
	it('encodes everything, a short topic inline and a long topic by hash', () => {
		expect(encodeUnfollow(undefined).customId).toBe('follow:unfollow:*');
		expect(decodeCustomId('follow:unfollow:*')).toEqual({ kind: 'unfollow', all: true, topic: undefined, topicHash: undefined });
		expect(decodeCustomId(encodeUnfollow('diffusion').customId)).toEqual({
			kind: 'unfollow',
			all: false,
			topic: 'diffusion',
			topicHash: hashQuery('diffusion'),
		});
		const long = 't'.repeat(81);
		const encoded = encodeUnfollow(long);
		expect(encoded.needsStoredQuery).toBe(true);
		expect(decodeCustomId(encoded.customId)).toEqual({ kind: 'unfollow', all: false, topic: undefined, topicHash: hashQuery(long) });
	});

	it('does not confuse a literal * topic with everything', () => {
		expect(decodeCustomId(encodeUnfollow('*').customId)).toMatchObject({ all: false, topicHash: hashQuery('*') });
	});
});

describe('encodeSavePaper', () => {
	it('builds a paper:save id that decodes back, and refuses a non-id', () => {
		expect(encodeSavePaper('2401.01234')).toBe('paper:save:2401.01234');
		expect(decodeCustomId('paper:save:t-0123456789ab')).toEqual({ kind: 'save', paperId: 't-0123456789ab' });
		expect(() => encodeSavePaper('nope')).toThrow(RangeError);
	});
});

describe('encodeLibraryPage', () => {
	it('carries the page and the tag, if any, within 100 characters', () => {
		expect(encodeLibraryPage(0)).toBe('paper:library:0');
		expect(decodeCustomId(encodeLibraryPage(3, 'to-read'))).toEqual({ kind: 'library', page: 3, tag: 'to-read' });
		const longest = encodeLibraryPage(99_999, '𝒳'.repeat(32));
		expect(longest.length).toBeLessThanOrEqual(DiscordLimits.customId);
		expect(decodeCustomId(longest)).toEqual({ kind: 'library', page: 99_999, tag: '𝒳'.repeat(32) });
		expect(() => encodeLibraryPage(0, 'a:b')).toThrow(RangeError);
	});
});

describe('encodeTrendingPage', () => {
	it('carries the page, window and day, and the topic inline or by hash when it does not fit', () => {
		expect(encodeTrendingPage(0, 'week', '2026-03-14')).toMatchObject({ customId: 'paper:trending:0:week:2026-03-14', queryHash: undefined });
		expect(decodeCustomId('paper:trending:3:day:2026-03-14:rl: agents')).toEqual({
			kind: 'trending',
			page: 3,
			window: 'day',
			day: '2026-03-14',
			topic: 'rl: agents',
			topicHash: hashQuery('rl: agents'),
		});
		const long = encodeTrendingPage(99_999, 'month', '2026-03-14', 'x'.repeat(300));
		expect(long.customId).toBe(`paper:trending:99999:month:2026-03-14:#${hashQuery('x'.repeat(300))}`);
		expect(long.queryHash).toBe(hashQuery('x'.repeat(300)));
		expect(decodeCustomId(long.customId)).toMatchObject({ kind: 'trending', topic: undefined, topicHash: hashQuery('x'.repeat(300)) });
	});

	it('refuses a bad window or day, and decodes nothing malformed', () => {
		expect(() => encodeTrendingPage(0, 'Week!', '2026-03-14')).toThrow(RangeError);
		expect(() => encodeTrendingPage(0, 'week', '2026-02-30')).toThrow(RangeError);
		for (const id of [
			'paper:trending:0:week',
			'paper:trending:x:week:2026-03-14',
			'paper:trending:0:week:2026-13-01',
			'paper:trending:0:week:2026-03-14:',
			'paper:trending:0:week:2026-03-14:#zz',
		])
			expect(decodeCustomId(id)).toBeUndefined();
	});
});

describe('encodeCustomId', () => {
	it('is the inverse of decodeCustomId', () => {
		const ids = [
			encodeOpenPaper('2401.01234'),
			encodeSearchPage(4, 'x'.repeat(300)).customId,
			encodeSearchPage(4, 'rlhf').customId,
			encodeTodayPage(1, '2024-02-29'),
			encodeUnfollow('a'.repeat(90)).customId,
			encodeUnfollow('vision').customId,
			encodeUnfollow(undefined).customId,
			encodeSavePaper('hep-th/9901001'),
			encodeLibraryPage(2),
			encodeLibraryPage(0, 'rlhf'),
			encodeTrendingPage(0, 'week', '2026-03-14').customId,
			encodeTrendingPage(2, 'day', '2026-03-14', 'diffusion, RLHF').customId,
			encodeTrendingPage(1, 'month', '2026-03-14', 't'.repeat(200)).customId,
			encodeStopForYou(),
		];
		for (const id of ids) {
			const action = decodeCustomId(id);
			expect(action).toBeDefined();
			if (action) expect(encodeCustomId(action)).toBe(id);
		}
	});
});

describe('encodeStopForYou', () => {
	it('is one fixed id that decodes to the Stop action and nothing longer does', () => {
		expect(decodeCustomId(encodeStopForYou())).toEqual({ kind: 'stopForYou' });
		expect(decodeCustomId(`${encodeStopForYou()}:x`)).toBeUndefined();
	});
});

describe('decodeCustomId', () => {
	it('returns undefined for unknown or malformed ids and never throws', () => {
		const bad: unknown[] = [
			undefined,
			null,
			42,
			{},
			'',
			'paper',
			'paper:open:',
			'paper:open:not-an-id',
			'paper:open:2401.01234:extra',
			'paper:open:2401.01234v2',
			'paper:share:../../etc',
			'paper:page::query',
			'paper:page:01:query',
			'paper:page:-1:query',
			'paper:page:1.5:query',
			'paper:page:100000:query',
			'paper:page:1',
			'paper:page:1:',
			'paper:page:1:#abc',
			'paper:page:1:#0123456789ABCDEF',
			'paper:today:1:2026-13-01',
			'paper:today:x:2026-03-14',
			'paper:today:1:2026-03-14:extra',
			'follow:unfollow:',
			`follow:unfollow:${'t'.repeat(81)}`,
			'follow:unfollow:#nothex',
			'digest:open:2401.01234',
			`paper:page:1:${'q'.repeat(100)}`,
			'paper:save:',
			'paper:save:nope',
			'paper:library:',
			'paper:library:x',
			'paper:library:1:',
			'paper:library:1:-x',
			'paper:library:1:a:b',
			`paper:library:1:${'a'.repeat(33)}`,
		];
		for (const id of bad) expect(decodeCustomId(id)).toBeUndefined();
	});

	it('survives random garbage', () => {
		const random = createRandom(5);
		const prefixes = ['paper:open:', 'paper:page:', 'paper:today:', 'follow:unfollow:', 'paper:save:', 'paper:library:', 'paper:', ''];
		for (let i = 0; i < 300; i++) {
			const id = `${prefixes[i % prefixes.length]}${nastyText(random, 120)}`;
			expect(() => decodeCustomId(id)).not.toThrow();
		}
	});
});

describe('isPaperId', () => {
	it('accepts arXiv and title ids only', () => {
		for (const id of PAPER_IDS) expect(isPaperId(id)).toBe(true);
		for (const id of ['', '2401.123', 't-xyz', 't-0123456789abc', '2401.01234 ', 'hep-th/990100']) expect(isPaperId(id)).toBe(false);
	});
});

describe('isValidDay', () => {
	it('accepts real calendar days only', () => {
		expect(isValidDay('2024-02-29')).toBe(true);
		expect(isValidDay('2025-02-29')).toBe(false);
		expect(isValidDay('2026-3-14')).toBe(false);
	});
});
