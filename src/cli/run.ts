import { ConfigError } from '../config.js';
import { isUserError } from '../errors.js';
import { CLI_COMMANDS, findCommand } from './commands.js';
import { createCliContext, type CliContextOptions } from './context.js';
import { EXIT, formatCommandList, UsageError } from './usage.js';

/**
 * Runs `paperboy <argv>` and returns the exit code: 0 done, 1 an expected failure (unknown id, missing
 * seeds folder), 2 bad arguments or configuration. Never throws, so tests can call it in-process.
 */
export async function runCli(argv: readonly string[], options: CliContextOptions = {}): Promise<number> {
	const context = createCliContext(options);
	const { stdout, stderr } = context.io;
	const [name, ...args] = argv;
	if (name === undefined) {
		stderr.write(formatCommandList(CLI_COMMANDS));
		return EXIT.usage;
	}
	if (name === 'help' || name === '--help' || name === '-h') {
		const command = args[0] === undefined ? undefined : findCommand(args[0]);
		stdout.write(command ? `Usage: ${command.usage}\n` : formatCommandList(CLI_COMMANDS));
		return EXIT.ok;
	}
	const command = findCommand(name);
	if (!command) {
		stderr.write(`paperboy: unknown command "${name}"\n\n${formatCommandList(CLI_COMMANDS)}`);
		return EXIT.usage;
	}
	try {
		return await command.run(args, context);
	} catch (error) {
		if (error instanceof UsageError) {
			stderr.write(`paperboy ${command.name}: ${error.message}\n\nUsage: ${command.usage}\n`);
			return EXIT.usage;
		}
		if (error instanceof ConfigError) {
			stderr.write(`paperboy: ${error.message}\n`);
			return EXIT.usage;
		}
		if (isUserError(error)) {
			stderr.write(`paperboy: ${error.message}\n`);
			return EXIT.failure;
		}
		stderr.write(`paperboy: unexpected error in "${command.name}": ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		return EXIT.failure;
	}
}
