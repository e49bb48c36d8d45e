import { cleanForDiscord } from '../cards/escape.js';

/**
 * Corpus and user text as it may reach a terminal: control characters (ESC sequences could recolour,
 * retitle or clear the screen), bidi overrides and zero-width characters removed; one line unless asked.
 */
export function forTerminal(text: string, options: { multiline?: boolean } = {}): string {
	return cleanForDiscord(String(text), { singleLine: !options.multiline });
}
