import type { CliCommand } from './command.js';
import type { CliIo } from './context.js';

/** Bad command-line arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}

export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/** `--help`: the usage on stdout, success. */
export function printUsage(command: CliCommand, io: CliIo): number {
	io.stdout.write(`Usage: ${command.usage}\n`);
	return EXIT.ok;
}

export function formatCommandList(commands: readonly CliCommand[]): string {
	const width = Math.max(...commands.map((command) => command.name.length));
	const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
	return `Usage: paperboy <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "paperboy <command> --help" for a command's options.\n`;
}
