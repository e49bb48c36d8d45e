import { MessageFlags, type InteractionEditReplyOptions, type InteractionReplyOptions, type InteractionUpdateOptions } from 'discord.js';
import type { MessagePayload } from '../cards/types.js';

/**
 * Our card builders emit Discord API JSON; discord.js takes the same embeds/components but camelCase
 * envelope fields. Mentions are always disabled here too, so no code path can forget it.
 */
export function toReplyOptions(payload: MessagePayload): InteractionReplyOptions {
	const options: InteractionReplyOptions = {
		embeds: (payload.embeds ?? []) as InteractionReplyOptions['embeds'],
		components: (payload.components ?? []) as InteractionReplyOptions['components'],
		allowedMentions: { parse: [] },
	};
	if (payload.content !== undefined) options.content = payload.content;
	if (payload.flags !== undefined && (payload.flags & MessageFlags.Ephemeral) !== 0) options.flags = MessageFlags.Ephemeral;
	return options;
}

/** An update replaces the whole message, so absent parts are cleared rather than left over from the old page. */
export function toUpdateOptions(payload: MessagePayload): InteractionUpdateOptions {
	return {
		content: payload.content ?? '',
		embeds: (payload.embeds ?? []) as InteractionUpdateOptions['embeds'],
		components: (payload.components ?? []) as InteractionUpdateOptions['components'],
		allowedMentions: { parse: [] },
	};
}

/** A text with one attached file, for editReply after a deferral (an upload of megabytes may outlast the 3 s to answer). */
export function toFileEditOptions(content: string, file: { filename: string; text: string }): InteractionEditReplyOptions {
	return { content, files: [{ attachment: Buffer.from(file.text, 'utf8'), name: file.filename }], allowedMentions: { parse: [] } };
}
