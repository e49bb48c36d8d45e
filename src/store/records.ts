import type { Paper } from '../papers/paper.js';

/**
 * What the store keeps, one interface per namespace. Plain JSON only (ISO strings, no Date):
 * Keyv serializes with JSON, so anything richer would come back changed.
 */

/** A paper as stored: the Paper plus when Paperboy first learned of it (digests rely on it). */
export interface StoredPaper extends Paper {
	/** ISO instant the paper was first stored; never changed by later upserts. */
	firstSeenAt: string;
	/** ISO instant of the last upsert that changed the record. */
	updatedAt?: string;
}

/** Why deliveries to a target stopped; set on 403/404 (channels) or closed DMs (users), cleared by resume. */
export interface Pause {
	reason: string;
	at: string;
	/** Discord's JSON error code when the pause came from Discord (50001, 50013, 10003, 50007). */
	code?: number;
}

/**
 * Outcome of a target's digest for one local day. `empty`: nothing new; `failed`: Discord refused the payload;
 * `unconfirmed`: an attempt's outcome was unknown and the channel could not be read back, so its papers count
 * as sent (never twice) although no one saw them arrive.
 */
export type DeliveryOutcome = 'sent' | 'empty' | 'failed' | 'unconfirmed';

export interface LastDelivery {
	/** Local day `YYYY-MM-DD` in the target's time zone. */
	day: string;
	at: string;
	outcome: DeliveryOutcome;
	paperCount: number;
	messageId?: string;
}

/** The latest transient failure (429, 5xx, network), kept for `/digest list`; the digest is retried next tick. */
export interface LastFailure {
	day: string;
	at: string;
	error: string;
}

export interface UnconfirmedDelivery {
	day: string;
	at: string;
	reason: string;
}

/** Fields shared by channel subscriptions and personal follows: when and what to deliver. */
export interface DigestSchedule {
	/** `HH:MM`, 24-hour, local to `timezone`. */
	time: string;
	/** Canonical IANA zone name. */
	timezone: string;
	/** Empty (with no `authors`) means every new paper. */
	topics: string[];
	/** How often: absent is daily (what every digest stored before cadences existed does). */
	frequency?: DigestFrequency;
	/** The day of a weekly digest; absent is Monday. */
	weekday?: Weekday;
	/** Words or phrases a paper must contain, any of them (absent: no such filter). */
	include?: string[];
	/** Words or phrases that drop a paper. */
	exclude?: string[];
	/** Authors followed like topics: a paper with one of them among its authors (same name after normalization) matches. */
	authors?: string[];
	paused?: Pause;
	lastDelivery?: LastDelivery;
	lastFailure?: LastFailure;
	/** The latest digest whose arrival could not be checked (no Read Message History); shown by `/digest list`. */
	unconfirmed?: UnconfirmedDelivery;
	createdAt: string;
	updatedAt?: string;
}

export type DigestFrequency = 'daily' | 'weekdays' | 'weekly';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * Key: `<guildId>:<channelId>` for a channel's default digest (every subscription stored before names existed),
 * `<guildId>:<channelId>:<name>` for a named one. Re-subscribing with the same name updates it.
 */
export interface Subscription extends DigestSchedule {
	guildId: string;
	channelId: string;
	/** Absent: the channel's default digest (src/digests/names.ts reads it as `default`). */
	name?: string;
	maxPapers: number;
	createdBy: string;
	/** Absent: a text or announcement channel (one message a digest); `forum`: one post per paper. */
	channelKind?: 'forum';
	/** Text channels: each digest message gets a discussion thread. */
	thread?: boolean;
}

/** Key: `<userId>` for the topic follow, `<userId>:foryou` for the "For you" follow. */
export interface Follow extends DigestSchedule {
	userId: string;
	/** The DM channel, remembered so the next day does not open it again. */
	dmChannelId?: string;
	/** Set on the "For you" follow: the DM carries the user's recommendations (of one library tag, if given) instead of topic matches. */
	forYou?: { tag?: string };
}

/**
 * Key: target key (`channel:<id>` or `user:<id>`). Which papers a target has been sent, and the digest
 * being sent right now: written before the send so a retry after a crash re-sends the same papers.
 */
export interface DeliveryRecord {
	target: string;
	/** paper id → its listedOn; pruned once a paper is too old to be picked again. */
	sent: Record<string, string>;
	/** The last local day whose digest finished (sent or empty). */
	lastDay?: string;
	/**
	 * What the latest digest that reached the target (or found nothing) had in front of it: papers listed by
	 * `day` and known at `at`. The next digest offers only papers new since then. Absent after a failed one.
	 */
	covered?: { day: string; at: string };
	lastOutcome?: LastDelivery;
	pending?: PendingDigest;
	/** A forum digest's post being created (one post per paper): its outcome is unknown until it is found or refused. */
	post?: PendingPost;
}

/** One forum post in flight, written before it is sent and cleared once it is recorded in `sent` (src/digests/forum-posts.ts). */
export interface PendingPost {
	day: string;
	paperId: string;
	listedOn: string;
	/** The post's own delivery key, shown in its footer. */
	nonce: string;
	at: string;
}

/**
 * A digest being sent. Without `failedAt` its outcome is unknown (the process died, the request timed out, the
 * store failed after the send): the next pass reads the channel back for `nonce` before anything is re-sent.
 */
export interface PendingDigest {
	day: string;
	/** Sent as the message nonce and shown in the footer as the delivery key. */
	nonce: string;
	paperIds: string[];
	/** paper id → listedOn, so a digest confirmed later records the right listing days. */
	listedOn?: Record<string, string>;
	/** First attempt: the read-back starts here. */
	at: string;
	/** Set only when Discord answered that the message was not posted (4xx, 429, or not found on read-back). */
	failedAt?: string;
}

/** Key: source name (`hf`, `arxiv`). */
export interface SourceStatusRecord {
	name: string;
	lastSuccessAt?: string;
	lastErrorAt?: string;
	lastError?: string;
	/** Papers added by the last successful run. */
	lastAdded?: number;
	/** Papers added by this source since the store was created. */
	added?: number;
	/** What the last successful run cut to stay within PAPER_LIMITS: fields shortened, entries over the page cap, responses not valid UTF-8. Absent: nothing. */
	lastTruncated?: number;
	lastDroppedEntries?: number;
	lastInvalidUtf8?: number;
}

export interface SourceStatusPatch {
	lastSuccessAt?: string;
	lastErrorAt?: string;
	lastError?: string;
	/** Papers newly added by this run; summed into `added`. */
	added?: number;
	/** The last run's cut counts: replace the kept ones; 0 removes them. */
	lastTruncated?: number;
	lastDroppedEntries?: number;
	lastInvalidUtf8?: number;
}

/**
 * One paper in a user's library: a copy of what the library shows and exports, so an export still works after the
 * corpus loses the paper. Authors are cut to LibraryLimits.authorsKept (`authorsCut` says so).
 */
export interface SavedPaper {
	id: string;
	title: string;
	authors: string[];
	authorsCut?: boolean;
	year?: number;
	arxivId?: string;
	/** The arXiv primary category (cs.CL), when a source gave it; BibTeX's primaryClass. */
	primaryClass?: string;
	/** The listing day, `YYYY-MM-DD`, when the corpus knew it. */
	listedOn?: string;
	/** Normalized (src/library/tags.ts), in the order they were added. */
	tags: string[];
	savedAt: string;
}

/** Key: `<userId>`. One record per user, so every save, unsave and tag change is one read-modify-write under its lock. */
export interface LibraryRecord {
	userId: string;
	/** Oldest save first. */
	papers: SavedPaper[];
	updatedAt: string;
}
