import type { DiscordEmulator } from './emulator/index.js';
import { Permission } from './emulator/permissions.js';
import { ConsoleInputError } from './parse-line.js';

/**
 * `fault …` console lines: the failures the README promises to handle, made to happen in the sandbox so a
 * newcomer can watch the bot handle them (a paused digest, a retried send, a closed DM).
 */
export const FAULT_HELP = `  fault deny SendMessages [#channel]    take a permission from the bot (ViewChannel, EmbedLinks, ReadMessageHistory…)
  fault allow [#channel]                give the bot its permissions back
  fault delete #papers                  delete a channel (its digest pauses: Unknown Channel)
  fault dms closed|open [admin|member]  a user closes (or reopens) their DMs
  fault 429 [n] | fault 5xx [n]         Discord answers the next n message posts with a rate limit or a server error
  restart                               stop the bot and start it again on the same database`;

const MESSAGE_POSTS = 'POST /channels/{channel_id}/messages';

export interface FaultContext {
	emulator: DiscordEmulator;
	/** `#papers`, `papers`, `<#id>` or an id → the channel id. */
	channelIdOf(value: string): string;
	/** The user a console line acts as by default. */
	userId: string;
}

/** Applies one fault and returns what to tell the user; a ConsoleInputError for a malformed line. */
export function applyFault(words: readonly string[], context: FaultContext): string {
	const { emulator } = context;
	const [what = '', ...rest] = words;
	const channelOf = (value: string | undefined) => {
		const id = context.channelIdOf(value ?? '#papers');
		if (!emulator.world.channels.has(id)) throw new ConsoleInputError(`No channel ${value ?? '#papers'} in the sandbox server.`);
		return id;
	};
	const name = (channelId: string) => `#${emulator.world.channels.get(channelId)?.name ?? channelId}`;
	switch (what.toLowerCase()) {
		case 'deny': {
			const permission = rest[0] ?? '';
			if (!(permission in Permission)) throw new ConsoleInputError(`fault deny needs a permission name: ${Object.keys(Permission).join(', ')}`);
			const channelId = channelOf(rest[1]);
			emulator.setBotPermissions(channelId, { deny: [permission as keyof typeof Permission] });
			return `Paperboy can no longer use ${permission} in ${name(channelId)}.`;
		}
		case 'allow': {
			const channelId = channelOf(rest[0]);
			emulator.setBotPermissions(channelId, {});
			return `Paperboy has its permissions back in ${name(channelId)}.`;
		}
		case 'delete': {
			if (!rest[0]) throw new ConsoleInputError('fault delete needs a channel, e.g. fault delete #papers');
			const channelId = channelOf(rest[0]);
			const label = name(channelId);
			emulator.deleteChannel(channelId);
			return `Deleted ${label}.`;
		}
		case 'dms': {
			const state = rest[0]?.toLowerCase();
			if (state !== 'closed' && state !== 'open') throw new ConsoleInputError('fault dms needs closed or open, e.g. fault dms closed member');
			const who = rest[1]?.toLowerCase();
			const userId = who === 'admin' ? emulator.ids.adminId : who === 'member' ? emulator.ids.userId : context.userId;
			emulator.closeDms(userId, state === 'closed');
			return `${emulator.world.users.get(userId)?.username ?? userId} ${state === 'closed' ? 'closed' : 'opened'} their DMs.`;
		}
		case '429':
		case '5xx': {
			const times = rest[0] === undefined ? 1 : Number(rest[0]);
			if (!Number.isInteger(times) || times < 1 || times > 100) throw new ConsoleInputError(`fault ${what} takes how many posts, 1 to 100 (got ${rest[0]}).`);
			if (what === '429') emulator.faults.rateLimit({ match: MESSAGE_POSTS, times, retryAfter: 1 });
			else emulator.faults.serverError({ match: MESSAGE_POSTS, times, status: 503 });
			return (
				`Discord will answer the next ${times} message post${times === 1 ? '' : 's'} with ` +
				`${what === '429' ? '429 Too Many Requests' : '503 Service Unavailable'}.`
			);
		}
		default:
			throw new ConsoleInputError(`Unknown fault "${what}". Faults:\n${FAULT_HELP}`);
	}
}
