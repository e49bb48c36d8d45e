import { UserError } from '../errors.js';
import { resolveTimeZone } from './time-zones.js';
import { DigestMessages } from './messages.js';

export const DigestDefaults = Object.freeze({
	time: '09:00',
	timezone: 'UTC',
	maxPapers: 10,
});

export const DigestLimits = Object.freeze({
	topics: 25,
	topicLength: 100,
	minPapers: 1,
	/**
	 * A digest is one message: a compact list in one embed (4,096 characters, 6,000 across the message)
	 * plus one button per paper. Ten titles with their links fit with room to spare, and ten buttons take
	 * two of the five action rows; 25 would overflow the embed with long titles and leave no row for controls.
	 */
	maxPapers: 10,
});

/** `HH:MM` 24-hour (a single-digit hour is accepted and padded); undefined or blank → the default. */
export function parseDigestTime(raw: string | undefined): string {
	const text = raw?.trim();
	if (!text) return DigestDefaults.time;
	const match = /^(\d{1,2}):(\d{2})$/.exec(text);
	if (!match) throw new UserError(DigestMessages.timeFormat(text));
	const hours = Number(match[1]);
	const minutes = Number(match[2]);
	if (hours > 23) throw new UserError(DigestMessages.timeHours(text));
	if (minutes > 59) throw new UserError(DigestMessages.timeMinutes(text));
	return `${String(hours).padStart(2, '0')}:${match[2]}`;
}

/** An IANA zone under its current name (see resolveTimeZone); undefined or blank → UTC. */
export function parseTimeZone(raw: string | undefined): string {
	const text = raw?.trim();
	if (!text) return DigestDefaults.timezone;
	return resolveTimeZone(text);
}

/** Comma-separated, trimmed, blank entries dropped, case-insensitive duplicates dropped; empty → every paper. */
export function parseTopics(raw: string | undefined): string[] {
	const topics: string[] = [];
	const seen = new Set<string>();
	for (const part of (raw ?? '').split(',')) {
		const topic = part.trim().replace(/\s+/g, ' ');
		if (!topic) continue;
		if (topic.length > DigestLimits.topicLength) throw new UserError(DigestMessages.topicTooLong(topic.length, DigestLimits.topicLength));
		const key = topic.toLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		topics.push(topic);
	}
	if (topics.length > DigestLimits.topics) throw new UserError(DigestMessages.tooManyTopics(topics.length, DigestLimits.topics));
	return topics;
}

export function parseMaxPapers(raw: number | undefined): number {
	if (raw === undefined) return DigestDefaults.maxPapers;
	if (!Number.isInteger(raw) || raw < DigestLimits.minPapers || raw > DigestLimits.maxPapers) {
		throw new UserError(DigestMessages.maxPapersRange(DigestLimits.minPapers, DigestLimits.maxPapers));
	}
	return raw;
}
