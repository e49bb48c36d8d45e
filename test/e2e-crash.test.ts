import { describe, expect, it } from 'vitest';
import { CRASH_POINTS } from './support/crash-points.js';
import { DAY1, DAY2, RESTARTS, runCrashScenario, type Restart } from './support/crash-matrix.js';

/**
 * The bot as a real child process, SIGKILLed at five points of a fan-out and restarted after +0, +15 minutes
 * (past the emulator's 5-minute nonce window) or the next day, against the emulator enforcing Discord's rate
 * limits. Counted on the emulator: one digest per target per day, every eligible paper delivered exactly once.
 */

describe('deliverDigests across real process deaths', () => {
	for (const restart of Object.keys(RESTARTS) as Restart[]) {
		describe.concurrent(`restarted ${restart}`, () => {
			for (const point of CRASH_POINTS) {
				it(`does not duplicate or lose a digest when killed ${point}`, async () => {
					const outcome = await runCrashScenario({ point, restart, channels: 12, followers: 4, killAt: 6 });
					expect(outcome.rejected).toBe(0);
					for (const target of outcome.targets) {
						const days = outcome.messages.get(target) ?? new Map<string, number>();
						if (restart === 'next day') {
							expect(days.get(DAY1) ?? 0, `${target} on ${DAY1}`).toBeLessThanOrEqual(1);
							expect(days.get(DAY2), `${target} on ${DAY2}`).toBe(1);
						} else {
							expect(days.get(DAY1), `${target} on ${DAY1}`).toBe(1);
						}
					}
					expect({ duplicates: outcome.duplicates, lost: outcome.lost, missingDigests: outcome.missingDigests }).toEqual({
						duplicates: 0,
						lost: 0,
						missingDigests: 0,
					});
				}, 120_000);
			}
		});
	}
});
