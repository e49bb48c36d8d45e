import type { CliContext } from './context.js';

/**
 * One `paperboy <name>` subcommand. `run` returns the exit code and writes only through `context.io`,
 * so tests run commands in-process. Throw UsageError for bad arguments (exit 2) and UserError for
 * expected failures (exit 1).
 */
export interface CliCommand {
	name: string;
	/** One line for the command list. */
	summary: string;
	/** The synopsis and options, shown with `--help` and after a usage error. */
	usage: string;
	run(args: readonly string[], context: CliContext): Promise<number>;
}
