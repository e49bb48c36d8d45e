/** Discord's numbered JSON errors, as the emulator answers them. Thrown by route handlers, turned into responses by the router. */
export class DiscordHttpError extends Error {
	override readonly name = 'DiscordHttpError';
	constructor(
		readonly status: number,
		readonly body: { code: number; message: string; errors?: unknown },
	) {
		super(body.message);
	}
}

export type ErrorTree = { _errors?: { code: string; message: string }[]; [key: string]: ErrorTree | { code: string; message: string }[] | undefined };

const error = (status: number, code: number, message: string) => new DiscordHttpError(status, { code, message });

export const DiscordErrors = {
	unauthorized: () => error(401, 0, '401: Unauthorized'),
	notFound: () => error(404, 0, '404: Not Found'),
	methodNotAllowed: () => error(405, 0, '405: Method Not Allowed'),
	unknownApplication: () => error(404, 10002, 'Unknown Application'),
	unknownChannel: () => error(404, 10003, 'Unknown Channel'),
	unknownGuild: () => error(404, 10004, 'Unknown Guild'),
	unknownMessage: () => error(404, 10008, 'Unknown Message'),
	unknownMember: () => error(404, 10007, 'Unknown Member'),
	unknownUser: () => error(404, 10013, 'Unknown User'),
	unknownWebhook: () => error(404, 10015, 'Unknown Webhook'),
	unknownInteraction: () => error(404, 10062, 'Unknown interaction'),
	alreadyAcknowledged: () => error(400, 40060, 'Interaction has already been acknowledged'),
	missingAccess: () => error(403, 50001, 'Missing Access'),
	cannotSendToUser: () => error(403, 50007, 'Cannot send messages to this user'),
	missingPermissions: () => error(403, 50013, 'Missing Permissions'),
	invalidFormBody: (errors: ErrorTree) => new DiscordHttpError(400, { code: 50035, message: 'Invalid Form Body', errors }),
	cannotSendEmptyMessage: () => error(400, 50006, 'Cannot send an empty message'),
	cannotSendInNonText: () => error(400, 50008, 'Cannot send messages in a non-text channel'),
	wrongChannelType: () => error(400, 50024, 'Cannot execute action on this channel type'),
	tagRequired: () => error(400, 40067, 'A tag is required to create a forum post in this channel'),
	threadAlreadyCreated: () => error(400, 160004, 'A thread has already been created for this message'),
};

/** One Discord-style field error; `path` is the JSON path inside the body. */
export interface FieldError {
	path: (string | number)[];
	code: string;
	message: string;
}

/** Discord's nested `errors` object: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
export function buildErrorTree(fieldErrors: readonly FieldError[]): ErrorTree {
	const root: ErrorTree = {};
	for (const { path, code, message } of fieldErrors) {
		let node = root;
		for (const key of path) {
			const name = String(key);
			node = (node[name] ??= {}) as ErrorTree;
		}
		(node._errors ??= []).push({ code, message });
	}
	return root;
}
