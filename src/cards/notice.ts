import { cleanForDiscord, neutralizeMentions, truncate } from './escape.js';
import { CardBudget, EPHEMERAL_FLAG } from './limits.js';
import type { MessagePayload } from './types.js';

export interface NoticeOptions {
	/** Defaults to true: errors and confirmations are for the person who asked. */
	ephemeral?: boolean;
}

/**
 * A short plain message for errors and confirmations. The text is ours and may use markdown, so it is
 * not escaped: callers escape any user input they quote (escapeMarkdown). Mentions are always defused.
 */
export function formatNotice(text: string, options: NoticeOptions = {}): MessagePayload {
	const content = truncate(neutralizeMentions(cleanForDiscord(String(text ?? ''))), CardBudget.notice) || 'Done.';
	const payload: MessagePayload = { content, allowed_mentions: { parse: [] } };
	if (options.ephemeral !== false) payload.flags = EPHEMERAL_FLAG;
	return payload;
}
