import type { CliCommand } from './command.js';
import { ingestCommand } from './ingest.js';
import { searchCommand } from './search.js';
import { showCommand } from './show.js';
import { sourcesCommand } from './sources.js';
import { statsCommand } from './stats.js';

/** Every `paperboy <command>`, in the order the help lists them. Add new subcommands here. */
export const CLI_COMMANDS: readonly CliCommand[] = [searchCommand, showCommand, statsCommand, ingestCommand, sourcesCommand];

export function findCommand(name: string): CliCommand | undefined {
	return CLI_COMMANDS.find((command) => command.name === name);
}
