import { formatHelpCard } from '../cards/help-card.js';
import type { EmbedField, MessagePayload } from '../cards/types.js';
import { FILTER_EXAMPLES, FILTER_KEYS } from '../search/query-syntax.js';
import type { CommandData } from './command.js';

/**
 * /paper help: the command list the bot registers (so a new or renamed command shows up by itself),
 * with examples typed as in Discord. test/help.test.ts checks every example parses against the
 * command data, so an example for a renamed option fails the tests instead of misleading a user.
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly string[]>> = Object.freeze({
	'paper search': ['/paper search query:difusion', '/paper search query:"diffusion transformer" -video since:30d sort:upvotes'],
	'paper show': ['/paper show paper:2403.09611'],
	'paper share': ['/paper share paper:2403.09611'],
	'paper trending': ['/paper trending window:week topic:diffusion'],
	'paper follow': ['/paper follow topic:diffusion, RLHF time:08:30 timezone:Europe/Berlin'],
	'paper unfollow': ['/paper unfollow topic:RLHF'],
	'paper save': ['/paper save paper:2403.09611 tags:to-read rlhf'],
	'paper library': ['/paper library tag:to-read'],
	'paper tag add': ['/paper tag add paper:2403.09611 tags:reading-group'],
	'paper export': ['/paper export format:bibtex tag:to-read'],
	'digest subscribe': ['/digest subscribe time:09:00 timezone:America/New_York topics:RLHF, agents max_papers:5'],
	'digest unsubscribe': ['/digest unsubscribe'],
	'digest preview': ['/digest preview topics:diffusion'],
});

export function buildHelpCard(commands: readonly CommandData[]): MessagePayload {
	return formatHelpCard({ commands, examples: HELP_EXAMPLES, notes: { paper: [searchSyntaxField()] } });
}

/** The search syntax, from the parser's own list of filter keys. */
function searchSyntaxField(): EmbedField {
	const filters = FILTER_KEYS.map((key) => FILTER_EXAMPLES[key].replace(/([a-z]+:(?:"[^"]*"|\S+))/g, '`$1`')).join(' · ');
	return {
		name: 'Search syntax (in the query, or as /paper search options)',
		value: [
			'`"a phrase"` must appear as written · `-word` or `-"a phrase"` leaves out papers that have it',
			filters,
			'since: is inclusive, before: is not; a span counts back from today (`7d`, `2w`, `3m`, `1y`).',
			'A colon in plain text is just text: `3:1`, links, `arXiv:2403.09611`. Quote a word to search for it literally.',
		].join('\n'),
	};
}
