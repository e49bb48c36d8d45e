import { createHash } from 'node:crypto';
import { DiscordLimits } from './limits.js';

/**
 * Button custom_ids: typed, prefixed and stateless, so a button still works after a restart.
 * Everything a handler needs is in the id; only a query or topic too long for 100 characters is
 * replaced by `#<16-hex hash>` and must be stored by the caller under that hash.
 */

export const CustomIdPrefix = Object.freeze({
	openPaper: 'paper:open:',
	sharePaper: 'paper:share:',
	similarPaper: 'paper:similar:',
	searchPage: 'paper:page:',
	todayPage: 'paper:today:',
	unfollow: 'follow:unfollow:',
	savePaper: 'paper:save:',
	libraryPage: 'paper:library:',
	trendingPage: 'paper:trending:',
	/** The whole id, not a prefix: the "For you" DM's Stop button ends the clicking user's "For you" follow. */
	stopForYou: 'follow:foryou:stop',
});

export type CustomIdAction =
	| { kind: 'open'; paperId: string }
	| { kind: 'share'; paperId: string }
	| { kind: 'similar'; paperId: string }
	/** `query` is present when it travelled inline; `queryHash` always (look the query up by it otherwise). */
	| { kind: 'page'; page: number; query: string | undefined; queryHash: string }
	| { kind: 'today'; page: number; day: string }
	/** `all` for "unfollow everything"; else `topic` inline or only its `topicHash`. */
	| { kind: 'unfollow'; all: boolean; topic: string | undefined; topicHash: string | undefined }
	/** Saves the paper to the library of whoever clicks. */
	| { kind: 'save'; paperId: string }
	/** A page of the clicking user's library, all of it or one tag's. */
	| { kind: 'library'; page: number; tag: string | undefined }
	/** A trending page anchored on `day`; no topic when both `topic` and `topicHash` are undefined, else the topic inline or only its hash. */
	| { kind: 'trending'; page: number; window: string; day: string; topic: string | undefined; topicHash: string | undefined }
	/** Ends the clicking user's "For you" follow. */
	| { kind: 'stopForYou' };

/** Largest page number an id may carry; far beyond any real result set, small enough to stay an integer. */
export const MAX_PAGE = 99_999;
/** Longest topic sent inline in an Unfollow button; longer ones go by hash. */
export const MAX_INLINE_TOPIC = 80;
const HASH_MARK = '#';
const ALL_TOPICS = '*';

const PAPER_ID = /^(?:\d{4}\.\d{4,5}|[a-z-]{2,20}(?:\.[A-Z]{2})?\/\d{7}|t-[0-9a-f]{12})$/i;
const PAGE = /^(?:0|[1-9]\d{0,4})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HASH = /^#[0-9a-f]{16}$/;
/** The shape of a trending window (`day`, `week`, `month`); the handler checks it is one it knows. */
const TRENDING_WINDOW = /^[a-z]{1,10}$/;
const TRENDING_REST = /^(\d{1,5}):([a-z]{1,10}):(\d{4}-\d{2}-\d{2})(?::(.*))?$/s;
/** A library tag's shape as src/library/tags.ts stores it: letters and digits of any script, and '-'; at most 32 of them. */
const LIBRARY_TAG = /^[\p{L}\p{N}][\p{L}\p{N}-]{0,31}$/u;

/** True for the ids Paperboy assigns: arXiv ids (new and old style) and `t-<12 hex>` title ids. */
export function isPaperId(id: string): boolean {
	return PAPER_ID.test(id);
}

/** 16 hex characters of SHA-256: stable across restarts, so a stored query is found again by its button. */
export function hashQuery(query: string): string {
	return createHash('sha256').update(query).digest('hex').slice(0, 16);
}

export function encodeOpenPaper(paperId: string): string {
	return `${CustomIdPrefix.openPaper}${checkedPaperId(paperId)}`;
}

export function encodeSharePaper(paperId: string): string {
	return `${CustomIdPrefix.sharePaper}${checkedPaperId(paperId)}`;
}

export function encodeSimilarPaper(paperId: string): string {
	return `${CustomIdPrefix.similarPaper}${checkedPaperId(paperId)}`;
}

export function encodeSavePaper(paperId: string): string {
	return `${CustomIdPrefix.savePaper}${checkedPaperId(paperId)}`;
}

/** `paper:library:<page>` for the whole library, `paper:library:<page>:<tag>` for one tag. */
export function encodeLibraryPage(page: number, tag?: string): string {
	if (tag !== undefined && !LIBRARY_TAG.test(tag)) throw new RangeError(`not a library tag: ${JSON.stringify(tag)}`);
	return `${CustomIdPrefix.libraryPage}${checkedPage(page)}${tag === undefined ? '' : `:${tag}`}`;
}

export interface EncodedWithRef {
	customId: string;
	/** True when the id carries only the hash: the caller must store the full text under `hash`. */
	needsStoredQuery: boolean;
	/** hashQuery of the text (empty for "unfollow everything"). */
	hash: string;
	/** Set (to `hash`) only when the text must be stored, so `if (encoded.queryHash) remember(...)` is enough. */
	queryHash: string | undefined;
}

/** `paper:page:<page>:<query>`, or `paper:page:<page>:#<hash>` when the query does not fit. */
export function encodeSearchPage(page: number, query: string): EncodedWithRef {
	const head = `${CustomIdPrefix.searchPage}${checkedPage(page)}:`;
	return withRef(head, query, DiscordLimits.customId);
}

export function encodeTodayPage(page: number, day: string): string {
	if (!isValidDay(day)) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
	return `${CustomIdPrefix.todayPage}${checkedPage(page)}:${day}`;
}

/** `paper:trending:<page>:<window>:<day>`, then `:<topic>` (or `:#<hash>` when it does not fit) for a topic filter. */
export function encodeTrendingPage(page: number, window: string, day: string, topic?: string): EncodedWithRef {
	if (!TRENDING_WINDOW.test(window)) throw new RangeError(`not a trending window: ${JSON.stringify(window)}`);
	if (!isValidDay(day)) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
	const head = `${CustomIdPrefix.trendingPage}${checkedPage(page)}:${window}:${day}`;
	if (topic === undefined || topic === '') return { customId: head, needsStoredQuery: false, hash: '', queryHash: undefined };
	return withRef(`${head}:`, topic, DiscordLimits.customId);
}

/** `follow:unfollow:*` for everything (topic undefined), the topic inline up to 80 characters, else its hash. */
export function encodeUnfollow(topic: string | undefined): EncodedWithRef {
	if (topic === undefined) return { customId: `${CustomIdPrefix.unfollow}${ALL_TOPICS}`, needsStoredQuery: false, hash: '', queryHash: undefined };
	const max = Math.min(DiscordLimits.customId, CustomIdPrefix.unfollow.length + MAX_INLINE_TOPIC);
	// A literal '*' topic must not read as "everything".
	if (topic === ALL_TOPICS) return hashed(CustomIdPrefix.unfollow, topic);
	return withRef(CustomIdPrefix.unfollow, topic, max);
}

export function encodeStopForYou(): string {
	return CustomIdPrefix.stopForYou;
}

/** Builds the id for any action; the inverse of decodeCustomId (hash-only refs come back as hash-only). */
export function encodeCustomId(action: CustomIdAction): string {
	switch (action.kind) {
		case 'open':
			return encodeOpenPaper(action.paperId);
		case 'share':
			return encodeSharePaper(action.paperId);
		case 'similar':
			return encodeSimilarPaper(action.paperId);
		case 'page':
			return action.query === undefined
				? `${CustomIdPrefix.searchPage}${checkedPage(action.page)}:${HASH_MARK}${checkedHash(action.queryHash)}`
				: encodeSearchPage(action.page, action.query).customId;
		case 'today':
			return encodeTodayPage(action.page, action.day);
		case 'unfollow':
			if (action.all) return encodeUnfollow(undefined).customId;
			return action.topic === undefined
				? `${CustomIdPrefix.unfollow}${HASH_MARK}${checkedHash(action.topicHash ?? '')}`
				: encodeUnfollow(action.topic).customId;
		case 'save':
			return encodeSavePaper(action.paperId);
		case 'library':
			return encodeLibraryPage(action.page, action.tag);
		case 'stopForYou':
			return encodeStopForYou();
		case 'trending':
			return action.topic === undefined && action.topicHash !== undefined
				? `${encodeTrendingPage(action.page, action.window, action.day).customId}:${HASH_MARK}${checkedHash(action.topicHash)}`
				: encodeTrendingPage(action.page, action.window, action.day, action.topic).customId;
	}
}

/** Parses any custom_id; undefined for anything unknown or malformed. Never throws. */
export function decodeCustomId(customId: unknown): CustomIdAction | undefined {
	if (typeof customId !== 'string' || customId.length > DiscordLimits.customId) return undefined;
	const paper = decodePaperAction(customId);
	if (paper) return paper;
	if (customId === CustomIdPrefix.stopForYou) return { kind: 'stopForYou' };
	if (customId.startsWith(CustomIdPrefix.searchPage)) return decodeSearchPage(customId.slice(CustomIdPrefix.searchPage.length));
	if (customId.startsWith(CustomIdPrefix.todayPage)) return decodeTodayPage(customId.slice(CustomIdPrefix.todayPage.length));
	if (customId.startsWith(CustomIdPrefix.unfollow)) return decodeUnfollow(customId.slice(CustomIdPrefix.unfollow.length));
	if (customId.startsWith(CustomIdPrefix.libraryPage)) return decodeLibraryPage(customId.slice(CustomIdPrefix.libraryPage.length));
	if (customId.startsWith(CustomIdPrefix.trendingPage)) return decodeTrendingPage(customId.slice(CustomIdPrefix.trendingPage.length));
	return undefined;
}

function decodePaperAction(customId: string): CustomIdAction | undefined {
	const kinds = [
		['open', CustomIdPrefix.openPaper],
		['share', CustomIdPrefix.sharePaper],
		['similar', CustomIdPrefix.similarPaper],
		['save', CustomIdPrefix.savePaper],
	] as const;
	for (const [kind, prefix] of kinds) {
		if (!customId.startsWith(prefix)) continue;
		const paperId = customId.slice(prefix.length);
		return isPaperId(paperId) ? { kind, paperId } : undefined;
	}
	return undefined;
}

function decodeSearchPage(rest: string): CustomIdAction | undefined {
	const colon = rest.indexOf(':');
	if (colon < 0) return undefined;
	const page = parsePage(rest.slice(0, colon));
	const ref = rest.slice(colon + 1);
	if (page === undefined || ref === '') return undefined;
	if (ref.startsWith(HASH_MARK)) return HASH.test(ref) ? { kind: 'page', page, query: undefined, queryHash: ref.slice(1) } : undefined;
	return { kind: 'page', page, query: ref, queryHash: hashQuery(ref) };
}

function decodeTodayPage(rest: string): CustomIdAction | undefined {
	const [pageText, day, extra] = rest.split(':');
	const page = pageText === undefined ? undefined : parsePage(pageText);
	if (page === undefined || day === undefined || extra !== undefined || !isValidDay(day)) return undefined;
	return { kind: 'today', page, day };
}

function decodeLibraryPage(rest: string): CustomIdAction | undefined {
	const colon = rest.indexOf(':');
	const page = parsePage(colon < 0 ? rest : rest.slice(0, colon));
	if (page === undefined) return undefined;
	if (colon < 0) return { kind: 'library', page, tag: undefined };
	const tag = rest.slice(colon + 1);
	return LIBRARY_TAG.test(tag) ? { kind: 'library', page, tag } : undefined;
}

function decodeTrendingPage(rest: string): CustomIdAction | undefined {
	const match = TRENDING_REST.exec(rest);
	const page = match ? parsePage(match[1] as string) : undefined;
	if (!match || page === undefined || !isValidDay(match[3] as string)) return undefined;
	const [, , window, day, ref] = match as unknown as [string, string, string, string, string | undefined];
	if (ref === undefined) return { kind: 'trending', page, window, day, topic: undefined, topicHash: undefined };
	if (ref.startsWith(HASH_MARK)) return HASH.test(ref) ? { kind: 'trending', page, window, day, topic: undefined, topicHash: ref.slice(1) } : undefined;
	return ref === '' ? undefined : { kind: 'trending', page, window, day, topic: ref, topicHash: hashQuery(ref) };
}

function decodeUnfollow(ref: string): CustomIdAction | undefined {
	if (ref === ALL_TOPICS) return { kind: 'unfollow', all: true, topic: undefined, topicHash: undefined };
	if (ref === '' || (ref.length > MAX_INLINE_TOPIC && !ref.startsWith(HASH_MARK))) return undefined;
	if (ref.startsWith(HASH_MARK)) return HASH.test(ref) ? { kind: 'unfollow', all: false, topic: undefined, topicHash: ref.slice(1) } : undefined;
	return { kind: 'unfollow', all: false, topic: ref, topicHash: hashQuery(ref) };
}

function withRef(head: string, text: string, max: number): EncodedWithRef {
	const inline = `${head}${text}`;
	// '#' would read as a hash reference, and an empty ref is not a valid id.
	if (text !== '' && !text.startsWith(HASH_MARK) && inline.length <= max)
		return { customId: inline, needsStoredQuery: false, hash: hashQuery(text), queryHash: undefined };
	return hashed(head, text);
}

function hashed(head: string, text: string): EncodedWithRef {
	const hash = hashQuery(text);
	return { customId: `${head}${HASH_MARK}${hash}`, needsStoredQuery: true, hash, queryHash: hash };
}

function parsePage(text: string): number | undefined {
	if (!PAGE.test(text)) return undefined;
	const page = Number(text);
	return page <= MAX_PAGE ? page : undefined;
}

function checkedPage(page: number): number {
	if (!Number.isSafeInteger(page) || page < 0 || page > MAX_PAGE) throw new RangeError(`page out of range: ${page}`);
	return page;
}

function checkedPaperId(paperId: string): string {
	if (!isPaperId(paperId)) throw new RangeError(`not a paper id: ${JSON.stringify(paperId)}`);
	return paperId;
}

function checkedHash(hash: string): string {
	if (!HASH.test(`${HASH_MARK}${hash}`)) throw new RangeError(`not a 16-hex hash: ${JSON.stringify(hash)}`);
	return hash;
}

/** A real calendar day (rejects 2026-02-30), so a forged id cannot send the handler an impossible date. */
export function isValidDay(day: string): boolean {
	const match = DAY.exec(day);
	if (!match) return false;
	const date = new Date(`${day}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}
