import { UserError } from '../errors.js';
import { DigestMessages } from './messages.js';

/**
 * The zones people can pick, under their current IANA names. ICU (and so Intl) still lists a few under
 * names IANA retired (Asia/Calcutta for Asia/Kolkata, Europe/Kiev for Europe/Kyiv): users type, and should
 * see, the current ones. Intl accepts both spellings, so stored schedules keep working either way.
 */
const CURRENT_NAMES: Readonly<Record<string, string>> = Object.freeze({
	'Asia/Calcutta': 'Asia/Kolkata',
	'Europe/Kiev': 'Europe/Kyiv',
	'Asia/Saigon': 'Asia/Ho_Chi_Minh',
	'Asia/Katmandu': 'Asia/Kathmandu',
	'Asia/Rangoon': 'Asia/Yangon',
	'America/Godthab': 'America/Nuuk',
	'Atlantic/Faeroe': 'Atlantic/Faroe',
	'Pacific/Truk': 'Pacific/Chuuk',
	'Pacific/Ponape': 'Pacific/Pohnpei',
	'Pacific/Enderbury': 'Pacific/Kanton',
	'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
	'America/Catamarca': 'America/Argentina/Catamarca',
	'America/Cordoba': 'America/Argentina/Cordoba',
	'America/Jujuy': 'America/Argentina/Jujuy',
	'America/Mendoza': 'America/Argentina/Mendoza',
	'America/Indianapolis': 'America/Indiana/Indianapolis',
	'America/Louisville': 'America/Kentucky/Louisville',
	'America/Coral_Harbour': 'America/Atikokan',
	'Africa/Asmera': 'Africa/Asmara',
});

/**
 * Abbreviations people type for zones that observe daylight saving. Intl takes some of them (EST is a fixed
 * UTC−5 zone, no DST: a New York user would get digests an hour off all summer), so they are refused with
 * the zone they most likely mean.
 */
const ABBREVIATIONS: Readonly<Record<string, { zone: string; note?: string }>> = Object.freeze({
	EST: { zone: 'America/New_York' },
	EDT: { zone: 'America/New_York' },
	ET: { zone: 'America/New_York' },
	CST: { zone: 'America/Chicago', note: 'China Standard Time is Asia/Shanghai' },
	CDT: { zone: 'America/Chicago' },
	CT: { zone: 'America/Chicago' },
	MST: { zone: 'America/Denver', note: 'Arizona, which keeps MST all year, is America/Phoenix' },
	MDT: { zone: 'America/Denver' },
	MT: { zone: 'America/Denver' },
	PST: { zone: 'America/Los_Angeles' },
	PDT: { zone: 'America/Los_Angeles' },
	PT: { zone: 'America/Los_Angeles' },
	AKST: { zone: 'America/Anchorage' },
	HST: { zone: 'Pacific/Honolulu' },
	GMT: { zone: 'Europe/London', note: 'for a zone without daylight saving, use UTC' },
	BST: { zone: 'Europe/London' },
	WET: { zone: 'Europe/Lisbon' },
	CET: { zone: 'Europe/Paris', note: 'or your city, e.g. Europe/Berlin' },
	CEST: { zone: 'Europe/Paris', note: 'or your city, e.g. Europe/Berlin' },
	EET: { zone: 'Europe/Athens', note: 'or your city, e.g. Europe/Helsinki' },
	MSK: { zone: 'Europe/Moscow' },
	IST: { zone: 'Asia/Kolkata', note: 'Irish time is Europe/Dublin, Israel time Asia/Jerusalem' },
	JST: { zone: 'Asia/Tokyo' },
	KST: { zone: 'Asia/Seoul' },
	HKT: { zone: 'Asia/Hong_Kong' },
	SGT: { zone: 'Asia/Singapore' },
	AEST: { zone: 'Australia/Sydney' },
	AEDT: { zone: 'Australia/Sydney' },
	ACST: { zone: 'Australia/Adelaide' },
	AWST: { zone: 'Australia/Perth' },
	NZST: { zone: 'Pacific/Auckland' },
	NZDT: { zone: 'Pacific/Auckland' },
});

/** What an empty autocomplete offers: the zones most servers pick. */
const COMMON_ZONES = Object.freeze([
	'UTC',
	'America/New_York',
	'America/Chicago',
	'America/Denver',
	'America/Los_Angeles',
	'America/Sao_Paulo',
	'Europe/London',
	'Europe/Paris',
	'Europe/Berlin',
	'Europe/Moscow',
	'Africa/Lagos',
	'Asia/Dubai',
	'Asia/Kolkata',
	'Asia/Shanghai',
	'Asia/Singapore',
	'Asia/Tokyo',
	'Asia/Seoul',
	'Australia/Sydney',
	'Pacific/Auckland',
]);

let zoneNames: readonly string[] | undefined;
let byLowerCase: ReadonlyMap<string, string> | undefined;

/** Every pickable zone under its current name, plus UTC, sorted. */
export function listTimeZones(): readonly string[] {
	zoneNames ??= Object.freeze(['UTC', ...new Set(Intl.supportedValuesOf('timeZone').map(currentName))].sort());
	return zoneNames;
}

function currentName(zone: string): string {
	return CURRENT_NAMES[zone] ?? zone;
}

function lookup(name: string): string | undefined {
	byLowerCase ??= new Map([...listTimeZones(), ...Object.keys(CURRENT_NAMES)].map((zone) => [zone.toLowerCase(), currentName(zone)]));
	return byLowerCase.get(name.toLowerCase());
}

/** What Intl makes of a name it accepts (links such as US/Eastern or Japan), under its current name. */
function resolveWithIntl(name: string): string | undefined {
	if (name.length > 64) return undefined;
	try {
		return currentName(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
	} catch {
		return undefined;
	}
}

/**
 * The zone a person meant, under its current IANA name: `asia/kolkata` → `Asia/Kolkata`; `US/Eastern` →
 * `America/New_York`; `UTC`, `utc`, `Etc/UTC` → `UTC`. An abbreviation, or a name Intl accepts but no one
 * should store (`Japan`, `EST5EDT`), is refused with a suggestion; an unknown name with the closest ones.
 */
export function resolveTimeZone(raw: string): string {
	const name = raw.trim();
	if (/^(utc|etc\/utc|z|zulu|etc\/zulu|universal|etc\/universal)$/i.test(name)) return 'UTC';
	const abbreviation = ABBREVIATIONS[name.toUpperCase()];
	if (abbreviation) throw new UserError(DigestMessages.timeZoneAbbreviation(name, abbreviation.zone, abbreviation.note));
	const known = lookup(name);
	if (known) return known;
	const linked = resolveWithIntl(name);
	if (linked && linked !== 'UTC' && name.includes('/')) return linked;
	if (linked) throw new UserError(DigestMessages.timeZoneAlias(name, linked));
	throw new UserError(DigestMessages.unknownTimeZone(name, suggestTimeZones(name, 3)));
}

/**
 * Zones for autocomplete: those whose name contains every word typed (`new york`, `york`, `america/new`),
 * city-first matches before the rest; nothing typed gives the common ones.
 */
export function suggestTimeZones(typed: string, limit = 25): string[] {
	const words = typed.trim().toLowerCase().replace(/[_/]+/g, ' ').split(/\s+/).filter(Boolean);
	if (words.length === 0) return COMMON_ZONES.slice(0, limit);
	const scored: Array<{ zone: string; rank: number }> = [];
	for (const zone of listTimeZones()) {
		const text = zone.toLowerCase().replace(/[_/]+/g, ' ');
		if (!words.every((word) => text.includes(word))) continue;
		const city = (zone.split('/').at(-1) ?? zone).toLowerCase().replace(/_/g, ' ');
		const rank = city.startsWith(words.join(' ')) ? 0 : COMMON_ZONES.includes(zone) ? 1 : 2;
		scored.push({ zone, rank });
	}
	return scored
		.sort((a, b) => a.rank - b.rank || a.zone.localeCompare(b.zone))
		.slice(0, limit)
		.map(({ zone }) => zone);
}
