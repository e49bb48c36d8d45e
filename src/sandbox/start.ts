import { ConfigError, loadConfig } from '../config.js';
import { runSandbox } from './main.js';

/** `npm run sandbox`: the offline sandbox, explicitly, whatever DISCORD_TOKEN says. */
try {
	const config = loadConfig();
	console.log('Starting the offline sandbox: local Discord emulator + bot + console.');
	process.exitCode = await runSandbox(config, process.argv.slice(2));
} catch (error) {
	console.error(error instanceof ConfigError ? error.message : `Sandbox failed: ${(error as Error).message}`);
	process.exitCode = error instanceof ConfigError ? 2 : 1;
}
