import type { Paper } from '../papers/paper.js';
import { DiscordLimits } from './limits.js';
import { plainTitle } from './paper-text.js';
import type { AutocompleteChoice } from './types.js';

/**
 * Autocomplete choices: the title (cut to 100) as name; the value is the paper id (for a `paper`
 * option) or the title itself cut to 100 (for a free-text `query` option).
 */
export function formatAutocompleteChoices(papers: readonly Pick<Paper, 'id' | 'title'>[], valueKind: 'id' | 'title' = 'id'): AutocompleteChoice[] {
	const choices: AutocompleteChoice[] = [];
	const seen = new Set<string>();
	for (const paper of Array.isArray(papers) ? papers : []) {
		if (choices.length >= DiscordLimits.autocompleteChoices) break;
		const value = valueKind === 'title' ? titleValue(paper) : typeof paper?.id === 'string' ? paper.id : '';
		if (value === '' || value.length > DiscordLimits.choiceValue || seen.has(value)) continue;
		seen.add(value);
		choices.push({ name: plainTitle(paper, DiscordLimits.choiceName), value });
	}
	return choices;
}

/** A title used as a search query: cut without the ellipsis, which would only be noise to the search. */
function titleValue(paper: Pick<Paper, 'id' | 'title'>): string {
	return plainTitle(paper, DiscordLimits.choiceValue).replace(/…$/, '').trimEnd();
}

/** Time-zone choices: the zone name shown with underscores as spaces, the name itself as the value. */
export function formatTimeZoneChoices(zones: readonly string[]): AutocompleteChoice[] {
	return zones
		.filter((zone) => zone.length > 0 && zone.length <= DiscordLimits.choiceValue)
		.slice(0, DiscordLimits.autocompleteChoices)
		.map((zone) => ({ name: zone.replace(/_/g, ' ').slice(0, DiscordLimits.choiceName), value: zone }));
}

/** Plain strings (tags, a tag list being typed) as choices; anything over a choice's 100 characters is left out. */
export function formatTextChoices(values: readonly string[]): AutocompleteChoice[] {
	return [...new Set(values)]
		.filter((value) => value.length > 0 && value.length <= DiscordLimits.choiceValue && value.length <= DiscordLimits.choiceName)
		.slice(0, DiscordLimits.autocompleteChoices)
		.map((value) => ({ name: value, value }));
}
