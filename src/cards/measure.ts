import { measureLength } from './escape.js';
import { COMPONENTS_V2_FLAG, DiscordLimits } from './limits.js';

/**
 * Discord rules that no request schema expresses: the 6,000 characters across all embeds, row and
 * button counts, unique custom_ids, button shape. Works on any message body (ours or anyone's), so the
 * local Discord emulator enforces it on every request too. Input is `unknown` and never trusted.
 */

export interface MessageLimitOptions {
	/** Creating a message needs some body (content, embeds, components, stickers, files or a poll); edits do not. */
	requireBody?: boolean;
}

type JsonObject = Record<string, unknown>;

/** What kind of rule a violation breaks, so a consumer (the emulator's 400 answer) need not read the wording. */
export type LimitKind = 'tooLong' | 'tooMany' | 'embedTotal' | 'duplicateCustomId' | 'invalid';

export interface LimitViolation {
	/** Where, in the body's own terms: `embeds[0].fields[1].name`, or `message` for the whole body. */
	path: string;
	kind: LimitKind;
	/** The maximum broken, for tooLong / tooMany / embedTotal. */
	limit?: number;
	/** What is wrong, readable: `300 characters > 256`. */
	detail: string;
}

/** `embeds[0].title: 300 characters > 256`. */
export function formatViolation(violation: LimitViolation): string {
	return `${violation.path}: ${violation.detail}`;
}

class Problems {
	readonly found: LimitViolation[] = [];
	invalid(path: string, detail: string): void {
		this.found.push({ path, kind: 'invalid', detail });
	}
	tooMany(path: string, count: number, limit: number, noun = ''): void {
		this.found.push({ path, kind: 'tooMany', limit, detail: `${count}${noun} > ${limit}` });
	}
	tooLong(path: string, length: number, limit: number): void {
		this.found.push({ path, kind: 'tooLong', limit, detail: `${length} characters > ${limit}` });
	}
	add(violation: LimitViolation): void {
		this.found.push(violation);
	}
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const LINK_STYLE = 5;
const PREMIUM_STYLE = 6;

/** Characters Discord counts toward the 6,000 limit: titles, descriptions, field names and values, footers, author names. */
export function embedsCharacterCount(embeds: unknown): number {
	if (!Array.isArray(embeds)) return 0;
	let total = 0;
	for (const embed of embeds) {
		if (!isObject(embed)) continue;
		total += lengthOf(embed.title) + lengthOf(embed.description);
		if (isObject(embed.footer)) total += lengthOf(embed.footer.text);
		if (isObject(embed.author)) total += lengthOf(embed.author.name);
		if (Array.isArray(embed.fields)) {
			for (const field of embed.fields) if (isObject(field)) total += lengthOf(field.name) + lengthOf(field.value);
		}
	}
	return total;
}

/** Every violated limit as one readable line (`embeds[0].title: 300 > 256`); empty when the message is fine. */
export function checkMessageLimits(payload: unknown, options: MessageLimitOptions = {}): string[] {
	return findMessageViolations(payload, options).map(formatViolation);
}

/** Every violated limit, structured; checkMessageLimits is its readable form. */
export function findMessageViolations(payload: unknown, options: MessageLimitOptions = {}): LimitViolation[] {
	const problems = new Problems();
	if (!isObject(payload)) {
		problems.invalid('message', 'not an object');
		return problems.found;
	}
	checkLength(problems, 'content', payload.content, DiscordLimits.messageContent);
	checkEmbeds(problems, payload.embeds);
	const v2 = typeof payload.flags === 'number' && (payload.flags & COMPONENTS_V2_FLAG) !== 0;
	if (v2) checkComponentsV2(problems, payload);
	else checkActionRows(problems, payload.components);
	checkUniqueCustomIds(problems, payload.components);
	checkAllowedMentions(problems, payload.allowed_mentions);
	if (options.requireBody && !hasBody(payload))
		problems.invalid('message', 'cannot send an empty message (no content, embeds, components, stickers, files or poll)');
	return problems.found;
}

/** Autocomplete answers: at most 25 choices, each name 1–100 and a string value at most 100 characters. */
export function checkAutocompleteChoices(choices: unknown): string[] {
	return findAutocompleteViolations(choices).map(formatViolation);
}

export function findAutocompleteViolations(choices: unknown): LimitViolation[] {
	const problems = new Problems();
	if (choices === undefined || choices === null) return problems.found;
	if (!Array.isArray(choices)) {
		problems.invalid('choices', 'not an array');
		return problems.found;
	}
	if (choices.length > DiscordLimits.autocompleteChoices) problems.tooMany('choices', choices.length, DiscordLimits.autocompleteChoices);
	for (const [index, choice] of choices.entries()) {
		if (!isObject(choice)) {
			problems.invalid(`choices[${index}]`, 'not an object');
			continue;
		}
		if (typeof choice.name !== 'string' || choice.name.length === 0) problems.invalid(`choices[${index}].name`, 'must be a non-empty string');
		else checkLength(problems, `choices[${index}].name`, choice.name, DiscordLimits.choiceName);
		if (typeof choice.value === 'string') checkLength(problems, `choices[${index}].value`, choice.value, DiscordLimits.choiceValue);
		else if (typeof choice.value !== 'number') problems.invalid(`choices[${index}].value`, 'must be a string or number');
	}
	return problems.found;
}

function checkEmbeds(problems: Problems, embeds: unknown): void {
	if (embeds === undefined || embeds === null) return;
	if (!Array.isArray(embeds)) return void problems.invalid('embeds', 'not an array');
	if (embeds.length > DiscordLimits.embedsPerMessage) problems.tooMany('embeds', embeds.length, DiscordLimits.embedsPerMessage);
	for (const [index, embed] of embeds.entries()) {
		const path = `embeds[${index}]`;
		if (!isObject(embed)) {
			problems.invalid(path, 'not an object');
			continue;
		}
		checkLength(problems, `${path}.title`, embed.title, DiscordLimits.embedTitle);
		checkLength(problems, `${path}.description`, embed.description, DiscordLimits.embedDescription);
		if (isObject(embed.footer)) checkLength(problems, `${path}.footer.text`, embed.footer.text, DiscordLimits.embedFooterText);
		if (isObject(embed.author)) checkLength(problems, `${path}.author.name`, embed.author.name, DiscordLimits.embedAuthorName);
		if (Array.isArray(embed.fields)) {
			if (embed.fields.length > DiscordLimits.embedFields) problems.tooMany(`${path}.fields`, embed.fields.length, DiscordLimits.embedFields);
			for (const [fieldIndex, field] of embed.fields.entries()) {
				if (!isObject(field)) continue;
				checkLength(problems, `${path}.fields[${fieldIndex}].name`, field.name, DiscordLimits.embedFieldName);
				checkLength(problems, `${path}.fields[${fieldIndex}].value`, field.value, DiscordLimits.embedFieldValue);
			}
		}
	}
	const total = embedsCharacterCount(embeds);
	if (total > DiscordLimits.embedTotalCharacters)
		problems.add({
			path: 'embeds',
			kind: 'embedTotal',
			limit: DiscordLimits.embedTotalCharacters,
			detail: `${total} characters across embeds > ${DiscordLimits.embedTotalCharacters}`,
		});
}

function checkActionRows(problems: Problems, components: unknown): void {
	if (components === undefined || components === null) return;
	if (!Array.isArray(components)) return void problems.invalid('components', 'not an array');
	if (components.length > DiscordLimits.actionRows) problems.tooMany('components', components.length, DiscordLimits.actionRows, ' action rows');
	for (const [index, row] of components.entries()) {
		const path = `components[${index}]`;
		if (!isObject(row) || row.type !== 1) problems.invalid(path, 'top-level components must be action rows (type 1) without the components-v2 flag');
		else checkRow(problems, path, row);
	}
}

function checkRow(problems: Problems, path: string, row: JsonObject): void {
	if (!Array.isArray(row.components) || row.components.length === 0)
		return void problems.invalid(`${path}.components`, `an action row needs 1–${DiscordLimits.buttonsPerRow} components`);
	if (row.components.length > DiscordLimits.buttonsPerRow) problems.tooMany(`${path}.components`, row.components.length, DiscordLimits.buttonsPerRow);
	const hasSelect = row.components.some((child) => isObject(child) && SELECT_TYPES.has(child.type as number));
	if (hasSelect && row.components.length > 1) problems.invalid(path, 'a select menu must be alone in its action row');
	row.components.forEach((child, index) => {
		if (isObject(child) && child.type === 2) checkButton(problems, `${path}.components[${index}]`, child);
	});
}

function checkButton(problems: Problems, path: string, button: JsonObject): void {
	checkLength(problems, `${path}.label`, button.label, DiscordLimits.buttonLabel);
	if (button.label === undefined && button.emoji === undefined && button.style !== PREMIUM_STYLE) problems.invalid(path, 'a button needs a label or an emoji');
	if (button.style === LINK_STYLE) {
		if (typeof button.url !== 'string') problems.invalid(path, 'a link button needs a url');
		else checkLength(problems, `${path}.url`, button.url, DiscordLimits.linkButtonUrl);
		if (button.custom_id !== undefined && button.custom_id !== null) problems.invalid(path, 'a link button cannot have a custom_id');
	} else if (button.style === PREMIUM_STYLE) {
		if (button.sku_id === undefined || button.sku_id === null) problems.invalid(path, 'a premium button needs a sku_id');
	} else {
		if (typeof button.custom_id !== 'string' || button.custom_id.length === 0) problems.invalid(path, 'a button needs a custom_id');
		if (button.url !== undefined && button.url !== null) problems.invalid(path, 'only link buttons have a url');
	}
}

function checkComponentsV2(problems: Problems, payload: JsonObject): void {
	if (typeof payload.content === 'string' && payload.content !== '') problems.invalid('content', 'not allowed with the components-v2 flag');
	if (Array.isArray(payload.embeds) && payload.embeds.length > 0) problems.invalid('embeds', 'not allowed with the components-v2 flag');
	const count = countComponents(payload.components);
	if (count > DiscordLimits.componentsV2Total) problems.tooMany('components', count, DiscordLimits.componentsV2Total, ' components');
	forEachComponent(payload.components, (component, path) => {
		if (component.type === 1) checkRow(problems, path, component);
	});
}

function checkUniqueCustomIds(problems: Problems, components: unknown): void {
	const seen = new Map<string, string>();
	forEachComponent(components, (component, path) => {
		if (typeof component.custom_id !== 'string') return;
		checkLength(problems, `${path}.custom_id`, component.custom_id, DiscordLimits.customId);
		const first = seen.get(component.custom_id);
		if (first) problems.add({ path: `${path}.custom_id`, kind: 'duplicateCustomId', detail: `duplicates ${first} (custom_ids must be unique in a message)` });
		else seen.set(component.custom_id, path);
	});
}

function checkAllowedMentions(problems: Problems, mentions: unknown): void {
	if (!isObject(mentions) || !Array.isArray(mentions.parse)) return;
	for (const kind of ['users', 'roles'] as const) {
		const list = mentions[kind];
		if (mentions.parse.includes(kind) && Array.isArray(list) && list.length > 0) {
			problems.invalid('allowed_mentions', `parse "${kind}" conflicts with a ${kind} list (mutually exclusive)`);
		}
	}
}

function hasBody(payload: JsonObject): boolean {
	if (typeof payload.content === 'string' && payload.content.trim() !== '') return true;
	return (
		['embeds', 'components', 'sticker_ids', 'attachments', 'files'].some((key) => Array.isArray(payload[key]) && (payload[key] as unknown[]).length > 0) ||
		isObject(payload.poll)
	);
}

function countComponents(components: unknown): number {
	let count = 0;
	forEachComponent(components, () => void count++);
	return count;
}

/** Visits every component at any depth (rows, sections' accessories, containers), with its path. */
function forEachComponent(components: unknown, visit: (component: JsonObject, path: string) => void, base = 'components'): void {
	if (!Array.isArray(components)) return;
	components.forEach((component, index) => {
		if (!isObject(component)) return;
		const path = `${base}[${index}]`;
		visit(component, path);
		if (isObject(component.accessory)) visit(component.accessory, `${path}.accessory`);
		forEachComponent(component.components, visit, `${path}.components`);
	});
}

function checkLength(problems: Problems, path: string, value: unknown, max: number): void {
	if (typeof value !== 'string') return;
	const length = measureLength(value);
	if (length > max) problems.tooLong(path, length, max);
}

function lengthOf(value: unknown): number {
	return typeof value === 'string' ? measureLength(value) : 0;
}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
