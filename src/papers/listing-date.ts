/** Dates in the text dump are written like the Daily Papers page shows them: "Mar 14", sometimes with a year. */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Month names as the page may spell them, short or long. */
const MONTH_PATTERNS = [
	'jan(?:uary)?',
	'feb(?:ruary)?',
	'mar(?:ch)?',
	'apr(?:il)?',
	'may',
	'june?',
	'july?',
	'aug(?:ust)?',
	'sep(?:t(?:ember)?)?',
	'oct(?:ober)?',
	'nov(?:ember)?',
	'dec(?:ember)?',
];
const DATE_LINE = new RegExp(`^(${MONTH_PATTERNS.join('|')})\\.?\\s+(\\d{1,2})(?:(?:,\\s*|\\s+)(\\d{4}))?$`, 'i');

export interface DayOfYear {
	/** 1-12 */
	month: number;
	day: number;
	year?: number;
}

export function parseDateLine(line: string): DayOfYear | undefined {
	const match = DATE_LINE.exec(line.trim());
	if (!match) return undefined;
	const month = MONTHS.indexOf(match[1]!.slice(0, 3).toLowerCase()) + 1;
	const parsed: DayOfYear = { month, day: Number(match[2]) };
	if (match[3]) parsed.year = Number(match[3]);
	return parsed;
}

/**
 * The full `YYYY-MM-DD` for a day. Without a year (in the line or from config) it is the most recent
 * such day not after `now`, so a dump read on Mar 13 is not dated a day in the future.
 * Returns undefined for a day that does not exist (Feb 30, or Feb 29 in a configured non-leap year).
 */
export function resolveListingDay(date: DayOfYear, papersYear: number | undefined, now: Date): string | undefined {
	const fixedYear = date.year ?? papersYear;
	if (fixedYear !== undefined) return isoDay(fixedYear, date.month, date.day);
	const today = now.toISOString().slice(0, 10);
	// Feb 29 needs up to eight years back to find a leap year (1900-style century gaps included).
	for (let year = now.getUTCFullYear(); year > now.getUTCFullYear() - 9; year--) {
		const day = isoDay(year, date.month, date.day);
		if (day !== undefined && day <= today) return day;
	}
	return undefined;
}

function isoDay(year: number, month: number, day: number): string | undefined {
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
	return date.toISOString().slice(0, 10);
}
