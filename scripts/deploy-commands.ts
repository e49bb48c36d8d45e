import { loadConfig, ConfigError } from '../src/config.js';
import { commands } from '../src/discord/commands.js';
import { createRest, deployCommands } from '../src/discord/deploy.js';
import { redact } from '../src/log.js';

async function main(): Promise<number> {
	const config = loadConfig();
	if (!config.discordToken) {
		console.error('deploy-commands needs DISCORD_TOKEN (in the environment or .env). The sandbox registers its commands by itself.');
		return 2;
	}
	try {
		const result = await deployCommands(createRest(config.discordApiUrl, config.discordToken), commands, config.devGuildId);
		const where = result.scope === 'guild' ? `to server ${config.devGuildId}` : 'globally (may take up to an hour to appear)';
		console.log(`Registered ${result.count} command(s) ${where}: ${result.names.map((name) => `/${name}`).join(', ')}`);
		return 0;
	} catch (error) {
		console.error(`Could not register commands: ${redact(String((error as Error).message ?? error), [config.discordToken])}`);
		return 1;
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof ConfigError ? error.message : `deploy-commands failed: ${(error as Error).message}`);
		process.exit(2);
	},
);
