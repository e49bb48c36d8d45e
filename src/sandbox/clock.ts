/** The sandbox's movable clock: `time +1d` in the console jumps it forward so a digest can be seen arriving. */
export interface SandboxClock {
	now(): Date;
	set(date: Date): void;
	advance(ms: number): void;
}

export function createSandboxClock(start = Date.now()): SandboxClock {
	let offset = start - Date.now();
	return {
		now: () => new Date(Date.now() + offset),
		set: (date) => {
			offset = date.getTime() - Date.now();
		},
		advance: (ms) => {
			offset += ms;
		},
	};
}

const OFFSET = /^\+(\d+)([dhm])$/;
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `+1d`, `+2h`, `+30m`, or an ISO date-time (taken as UTC when it has no zone). Throws a readable error otherwise. */
export function parseTimeInput(value: string, now: Date): Date {
	const offset = OFFSET.exec(value.trim());
	if (offset) return new Date(now.getTime() + Number(offset[1]) * UNIT_MS[offset[2] as keyof typeof UNIT_MS]);
	const text = value.trim();
	const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
	const time = Date.parse(withZone);
	if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time)) {
		throw new Error(`"${value}" is not a time. Use 2026-03-15T09:00 (UTC), or +1d, +2h, +30m.`);
	}
	return new Date(time);
}
