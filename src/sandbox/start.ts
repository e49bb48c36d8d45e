import { ConfigError, loadConfig } from '../config.js';
import { runSandbox, applySandboxDefaults } from './main.js';

/** `npm run sandbox`: the offline sandbox, explicitly, whatever DISCORD_TOKEN says. */
try {
	const config = loadConfig();
	const argv = process.argv.slice(2);
	// With --json, stdout carries only the request log (one JSON line each), so the banner goes to stderr.
	(argv.includes('--json') ? console.error : console.log)('Starting the offline sandbox: local Discord emulator + bot + console.');
	process.exitCode = await runSandbox(applySandboxDefaults(config), argv);
} catch (error) {
	console.error(error instanceof ConfigError ? error.message : `Sandbox failed: ${(error as Error).message}`);
	process.exitCode = error instanceof ConfigError ? 2 : 1;
}
