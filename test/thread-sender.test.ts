import type { TextChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createThreadSender } from '../src/discord/thread-sender.js';
import { useEmulators } from './support/emulator-client.js';

const { startBot } = useEmulators();

/** The digests' thread edge over the real discord.js REST client, against the emulator. */
describe('createThreadSender', () => {
	it('finds its own post by the key in its footer, says absent otherwise, and answers exists for a second thread', async () => {
		const { emu, client } = await startBot();
		const sender = createThreadSender(client.rest, emu.ids.botId);
		const forumId = emu.ids.forumChannelId;
		const tags = await sender.forumTags(forumId);
		expect(tags.map((tag) => tag.name)).toContain('RLHF');
		const since = new Date(Date.now() - 60_000);
		const { threadId } = await sender.createForumPost(forumId, {
			name: 'A paper',
			appliedTags: [tags[0]?.id as string],
			message: { embeds: [{ title: 'A paper', footer: { text: 'Paper id: x · ref pf0123456789abcdef0123456' } }], allowed_mentions: { parse: [] } },
		});
		const query = { guildId: emu.ids.guildId, forumId, since };
		expect(await sender.findForumPost({ ...query, reference: 'pf0123456789abcdef0123456' })).toEqual({ kind: 'posted', messageId: threadId });
		expect(await sender.findForumPost({ ...query, reference: 'pfffffffffffffffffffffff' })).toEqual({ kind: 'absent' });
		const channel = (await client.channels.fetch(emu.ids.channelId)) as TextChannel;
		const message = await channel.send({ content: 'digest' });
		expect(await sender.startThread(channel.id, message.id, 'Talk')).toEqual({ threadId: message.id });
		expect(await sender.startThread(channel.id, message.id, 'Talk')).toBe('exists');
		expect(emu.requests({ route: '/channels/{channel_id}/threads' })[0]?.body).toMatchObject({
			message: { allowed_mentions: { parse: [] } },
			auto_archive_duration: 10080,
		});
	});
});
