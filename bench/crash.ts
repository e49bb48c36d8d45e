import { CRASH_POINTS } from '../test/support/crash-points.js';
import { RESTARTS, runCrashScenario, type Restart } from '../test/support/crash-matrix.js';

/**
 * The crash matrix at the size the issue measured: 200 channels + 50 followers, the bot a real child process
 * SIGKILLed at five points of its fan-out × three restart delays, the emulator enforcing the nonce window and
 * 50 requests/s. Prints totals over every scenario: duplicates and lost papers (both must be 0).
 */

interface ScenarioTotals {
	restart: Restart;
	point: string;
	duplicates: number;
	lost: number;
	missingDigests: number;
	rejected: number;
}

const scenarios: ScenarioTotals[] = [];
const started = performance.now();
for (const restart of Object.keys(RESTARTS) as Restart[]) {
	for (const point of CRASH_POINTS) {
		const outcome = await runCrashScenario({ point, restart, channels: 200, followers: 50, killAt: 60, concurrency: 32 });
		scenarios.push({ restart, point, duplicates: outcome.duplicates, lost: outcome.lost, missingDigests: outcome.missingDigests, rejected: outcome.rejected });
		process.stderr.write(`[crash] ${restart} / ${point}: duplicates ${outcome.duplicates}, lost ${outcome.lost}, missing digests ${outcome.missingDigests}\n`);
	}
}
const sum = (key: 'duplicates' | 'lost' | 'missingDigests' | 'rejected') => scenarios.reduce((total, scenario) => total + scenario[key], 0);
process.stdout.write(
	`${JSON.stringify({
		scenarios: scenarios.length,
		targets: 250,
		duplicates: sum('duplicates'),
		lost: sum('lost'),
		missingDigests: sum('missingDigests'),
		rejected: sum('rejected'),
		seconds: Math.round((performance.now() - started) / 1000),
		meetsTarget: sum('duplicates') === 0 && sum('lost') === 0 && sum('missingDigests') === 0,
	})}\n`,
);
