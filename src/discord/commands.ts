import { digestCommand } from '../../commands/digest.js';
import { paperCommand } from '../../commands/paper.js';
import type { SlashCommand } from './command.js';

/** The one list of commands: the runtime router and `npm run deploy-commands` both read it. */
export const commands: readonly SlashCommand[] = [paperCommand, digestCommand];
