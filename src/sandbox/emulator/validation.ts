import * as spec from 'discord-api-spec/zod';
import * as z from 'zod/mini';
import { DiscordErrors, buildErrorTree, type FieldError } from './errors.js';
import { checkAutocompleteCrossFieldLimits, checkMessageCrossFieldLimits } from './limits.js';

type Body = Record<string, unknown>;

/** The request bodies the emulator checks, each against Discord's official schema for that endpoint. */
export type BodyKind =
	| 'messageCreate'
	| 'messageEdit'
	| 'webhookExecute'
	| 'webhookEdit'
	| 'interactionCallback'
	| 'commandsBulk'
	| 'commandCreate'
	| 'dmCreate'
	| 'forumThreadCreate'
	| 'threadFromMessage';

const SCHEMAS: Record<Exclude<BodyKind, 'interactionCallback' | 'commandsBulk'>, z.ZodMiniType> = {
	messageCreate: spec.MessageCreateRequestSchema,
	messageEdit: spec.MessageEditRequestPartialSchema,
	webhookExecute: spec.IncomingWebhookRequestPartialSchema,
	webhookEdit: spec.IncomingWebhookUpdateRequestPartialSchema,
	commandCreate: spec.ApplicationCommandCreateRequestSchema,
	dmCreate: spec.CreatePrivateChannelRequestSchema,
	forumThreadCreate: spec.CreateForumThreadRequestSchema,
	threadFromMessage: spec.CreateTextThreadWithMessageRequestSchema,
};
const BULK_COMMANDS = z.array(spec.ApplicationCommandUpdateRequestSchema);

const CALLBACK_SCHEMAS: Record<number, z.ZodMiniType> = {
	1: spec.PongInteractionCallbackRequestSchema,
	4: spec.CreateMessageInteractionCallbackRequestSchema,
	5: spec.CreateMessageInteractionCallbackRequestSchema,
	6: spec.UpdateMessageInteractionCallbackRequestSchema,
	7: spec.UpdateMessageInteractionCallbackRequestSchema,
	8: spec.ApplicationCommandAutocompleteCallbackRequestSchema,
	9: spec.ModalInteractionCallbackRequestSchema,
	12: spec.LaunchActivityInteractionCallbackRequestSchema,
};

/** The spec models autocomplete data as a union; the focused option's type says which branch Discord applies. */
const AUTOCOMPLETE_DATA: Record<number, z.ZodMiniType> = {
	3: spec.InteractionApplicationCommandAutocompleteCallbackStringDataSchema,
	4: spec.InteractionApplicationCommandAutocompleteCallbackIntegerDataSchema,
	10: spec.InteractionApplicationCommandAutocompleteCallbackNumberDataSchema,
};

export interface ValidationContext {
	/** Option type (3 string, 4 integer, 10 number) of the focused option, for autocomplete callbacks. */
	autocompleteOptionType?: number;
}

/** Throws Discord's 400 50035 "Invalid Form Body" with the `errors` tree when the body breaks a schema or a limit. */
export function validateBody(kind: BodyKind, body: unknown, context: ValidationContext = {}): void {
	const errors = collectErrors(kind, body, context);
	if (errors.length > 0) throw DiscordErrors.invalidFormBody(buildErrorTree(errors));
}

export function collectErrors(kind: BodyKind, body: unknown, context: ValidationContext = {}): FieldError[] {
	if (kind === 'commandsBulk') return checkSchema(BULK_COMMANDS, normalizeCommands(body));
	if (kind === 'commandCreate') return checkSchema(SCHEMAS.commandCreate, normalizeCommand(body));
	if (kind === 'interactionCallback') return collectCallbackErrors(body, context);
	const errors = checkSchema(SCHEMAS[kind], body);
	if (kind === 'forumThreadCreate') {
		// A forum post's first message has every limit a message has.
		if (isObject(body) && isObject(body.message))
			errors.push(...checkMessageCrossFieldLimits(body.message).map((e) => ({ ...e, path: ['message', ...e.path] })));
		return dedupe(errors);
	}
	if (kind !== 'dmCreate' && kind !== 'threadFromMessage' && isObject(body)) errors.push(...checkMessageCrossFieldLimits(body));
	return dedupe(errors);
}

function collectCallbackErrors(body: unknown, context: ValidationContext): FieldError[] {
	if (!isObject(body)) return [{ path: [], code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' }];
	const type = Number(body.type);
	const schema = CALLBACK_SCHEMAS[type];
	if (!schema) {
		return [{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${Object.keys(CALLBACK_SCHEMAS).join(', ')}}.` }];
	}
	const errors = checkSchema(schema, body);
	if (type === 8) {
		const dataSchema = AUTOCOMPLETE_DATA[context.autocompleteOptionType ?? 3];
		if (dataSchema && body.data !== undefined) {
			// Replace the union's vague error with the precise one for the focused option's type.
			const precise = checkSchema(dataSchema, body.data).map((e) => ({ ...e, path: ['data', ...e.path] }));
			const others = errors.filter((e) => e.path[0] !== 'data');
			return dedupe([...others, ...precise, ...checkAutocompleteCrossFieldLimits(body.data as Body)]);
		}
		return errors;
	}
	if (isObject(body.data) && (type === 4 || type === 7)) {
		errors.push(...checkMessageCrossFieldLimits(body.data).map((e) => ({ ...e, path: ['data', ...e.path] })));
	}
	return dedupe(errors);
}

function checkSchema(schema: z.ZodMiniType, body: unknown): FieldError[] {
	const result = z.safeParse(schema, body, { reportInput: true });
	return result.success ? [] : flattenIssues(result.error.issues as Issue[], []);
}

interface Issue {
	code: string;
	path: PropertyKey[];
	message: string;
	input?: unknown;
	origin?: string;
	maximum?: number | bigint;
	minimum?: number | bigint;
	expected?: string;
	values?: unknown[];
	format?: string;
	errors?: Issue[][];
}

function flattenIssues(issues: readonly Issue[], prefix: (string | number)[]): FieldError[] {
	const out: FieldError[] = [];
	for (const issue of issues) {
		const path = [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))];
		if (issue.code === 'invalid_union' && issue.errors?.length) {
			const branch = pickUnionBranch(issue.errors);
			if (branch) {
				out.push(...flattenIssues(branch, path));
				continue;
			}
		}
		out.push({ path, ...describeIssue(issue) });
	}
	return out;
}

/** The branch that failed on details, not on its discriminant or the value's basic type, is the one the sender meant. */
function pickUnionBranch(branches: Issue[][]): Issue[] | undefined {
	const meant = branches.filter(
		(branch) =>
			!branch.some((issue) => issue.path.length === 0 && issue.code === 'invalid_type') &&
			!branch.some((issue) => issue.path.length === 1 && issue.path[0] === 'type' && issue.code === 'invalid_value'),
	);
	if (meant.length === 0) return undefined;
	return meant.reduce((best, branch) => (branch.length < best.length ? branch : best));
}

function describeIssue(issue: Issue): { code: string; message: string } {
	const shown = JSON.stringify(issue.input)?.slice(0, 40) ?? 'undefined';
	switch (issue.code) {
		case 'too_big':
			if (issue.origin === 'string' || issue.origin === 'array')
				return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${issue.maximum} or fewer in length.` };
			return { code: 'NUMBER_TYPE_MAX', message: `Value should be less than or equal to ${issue.maximum}.` };
		case 'too_small':
			if (issue.origin === 'string' || issue.origin === 'array')
				return { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${issue.minimum} or more in length.` };
			return { code: 'NUMBER_TYPE_MIN', message: `Value should be greater than or equal to ${issue.minimum}.` };
		case 'invalid_type':
			if (issue.input === undefined) return { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
			return describeTypeMismatch(issue.expected, shown);
		case 'invalid_value':
			return { code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}}.` };
		case 'invalid_format':
			if (issue.format === 'url') return { code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' };
			if (issue.format === 'regex') return { code: 'NUMBER_TYPE_COERCE', message: `Value ${shown} is not snowflake.` };
			if (issue.format === 'datetime') return { code: 'DATE_TIME_TYPE_PARSE', message: `Could not parse ${shown}. Should be ISO8601.` };
			return { code: 'BASE_TYPE_BAD_FORMAT', message: `Value ${shown} is not a valid ${issue.format}.` };
		case 'invalid_union':
			return { code: 'UNION_TYPE_CHOICES', message: `Value ${shown} matches none of the allowed types.` };
		default:
			return { code: 'BASE_TYPE_INVALID', message: 'Invalid value.' };
	}
}

function describeTypeMismatch(expected: string | undefined, shown: string): { code: string; message: string } {
	switch (expected) {
		case 'string':
			return { code: 'STRING_TYPE_CONVERT', message: `Could not interpret ${shown} as string.` };
		case 'number':
		case 'int':
			return { code: 'NUMBER_TYPE_COERCE', message: `Value ${shown} is not int.` };
		case 'boolean':
			return { code: 'BOOLEAN_TYPE_COERCE', message: `Value ${shown} is not boolean.` };
		case 'array':
			return { code: 'LIST_TYPE_CONVERT', message: 'Not a list.' };
		case 'object':
			return { code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' };
		default:
			return { code: 'BASE_TYPE_INVALID', message: `Value ${shown} is not ${expected ?? 'valid'}.` };
	}
}

/** Discord accepts permission bitfields as decimal strings (discord.js sends them so); the spec types them as numbers. */
function normalizeCommand(command: unknown): unknown {
	if (!isObject(command)) return command;
	const permissions = command.default_member_permissions;
	if (typeof permissions === 'string' && /^\d+$/.test(permissions)) return { ...command, default_member_permissions: Number(permissions) };
	return command;
}

function normalizeCommands(body: unknown): unknown {
	return Array.isArray(body) ? body.map(normalizeCommand) : body;
}

function dedupe(errors: FieldError[]): FieldError[] {
	const seen = new Set<string>();
	return errors.filter((e) => {
		const key = `${e.path.join('.')}|${e.code}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

export function isObject(value: unknown): value is Body {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
