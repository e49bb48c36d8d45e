import { DiscordLimits } from '../../cards/limits.js';
import type { FieldError } from './errors.js';

/** Message flag that switches a message to Components V2 (no action-row cap, no content/embeds). */
const IS_COMPONENTS_V2 = 1 << 15;

type Body = Record<string, unknown>;

/**
 * Limits Discord enforces that no per-field schema expresses: the 6,000-character embed budget,
 * five action rows, unique custom_ids, and the bot's 2,000-character content cap (the spec says 4,000,
 * which only Nitro users get).
 */
export function checkMessageCrossFieldLimits(body: Body): FieldError[] {
	const errors: FieldError[] = [];
	if (typeof body.content === 'string' && body.content.length > DiscordLimits.messageContent) {
		errors.push({ path: ['content'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DiscordLimits.messageContent} or fewer in length.` });
	}
	if (Array.isArray(body.embeds) && sumEmbedCharacters(body.embeds) > DiscordLimits.embedTotalCharacters) {
		errors.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${DiscordLimits.embedTotalCharacters}` });
	}
	if (Array.isArray(body.components)) errors.push(...checkComponents(body.components, Number(body.flags ?? 0)));
	return errors;
}

function checkComponents(components: unknown[], flags: number): FieldError[] {
	const errors: FieldError[] = [];
	if ((flags & IS_COMPONENTS_V2) === 0 && components.length > DiscordLimits.actionRows) {
		errors.push({ path: ['components'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DiscordLimits.actionRows} or fewer in length.` });
	}
	const seen = new Set<string>();
	const visit = (node: unknown, path: (string | number)[]) => {
		if (!node || typeof node !== 'object') return;
		const component = node as Body;
		if (typeof component.custom_id === 'string') {
			if (seen.has(component.custom_id)) {
				errors.push({ path: [...path, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
			}
			seen.add(component.custom_id);
		}
		if (Array.isArray(component.components)) component.components.forEach((child, i) => visit(child, [...path, 'components', i]));
		if (component.accessory) visit(component.accessory, [...path, 'accessory']);
	};
	components.forEach((component, i) => visit(component, ['components', i]));
	return errors;
}

/** Discord counts title, description, field names and values, footer text and author name. */
export function sumEmbedCharacters(embeds: readonly unknown[]): number {
	let total = 0;
	const length = (value: unknown) => (typeof value === 'string' ? value.length : 0);
	for (const raw of embeds) {
		if (!raw || typeof raw !== 'object') continue;
		const embed = raw as Body;
		total += length(embed.title) + length(embed.description);
		total += length((embed.footer as Body | undefined)?.text) + length((embed.author as Body | undefined)?.name);
		if (Array.isArray(embed.fields)) {
			for (const field of embed.fields as Body[]) total += length(field?.name) + length(field?.value);
		}
	}
	return total;
}

export function checkAutocompleteCrossFieldLimits(data: Body | undefined): FieldError[] {
	const choices = data?.choices;
	if (Array.isArray(choices) && choices.length > DiscordLimits.autocompleteChoices) {
		return [{ path: ['data', 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DiscordLimits.autocompleteChoices} or fewer in length.` }];
	}
	return [];
}
