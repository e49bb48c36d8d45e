import { ChannelType, DiscordAPIError, Routes, type Client, type ForumChannel, type TextChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { REQUIRE_TAG_FLAG } from '../src/cards/limits.js';
import type { DiscordEmulator } from '../src/sandbox/emulator/index.js';
import { useEmulators } from './support/emulator-client.js';

const { startBot } = useEmulators();

/** Discord's JSON error code of a refused request (0 when it succeeded). */
async function codeOf(promise: Promise<unknown>): Promise<number> {
	return promise.then(
		() => 0,
		(error: unknown) => (error instanceof DiscordAPIError ? Number(error.code) : -1),
	);
}

async function forumOf(client: Client, emu: DiscordEmulator, id = emu.ids.forumChannelId): Promise<ForumChannel> {
	return (await client.channels.fetch(id)) as ForumChannel;
}

const post = (name: string, extra: Record<string, unknown> = {}) => ({
	name,
	message: { embeds: [{ title: name, footer: { text: 'ref pfabc' } }], allowed_mentions: { parse: [] } },
	...extra,
});

describe('forum channels in the emulator', () => {
	it('sends the sandbox forum with its tags, which discord.js reads as a forum channel', async () => {
		const { emu, client } = await startBot();
		const forum = await forumOf(client, emu);
		expect(forum.type).toBe(ChannelType.GuildForum);
		expect(forum.availableTags.map((tag) => tag.name)).toEqual(['RLHF', 'diffusion', 'LLM', 'agents', 'quantization']);
	});

	it('starts a post with its first message (same id), applies tags, lists it as active, and sends THREAD_CREATE', async () => {
		const { emu, client } = await startBot();
		const forum = await forumOf(client, emu);
		const rlhf = forum.availableTags.find((tag) => tag.name === 'RLHF')?.id as string;
		const thread = await forum.threads.create({ name: 'A paper', message: { content: 'hello' }, appliedTags: [rlhf] });
		expect(thread.parentId).toBe(forum.id);
		expect(thread.appliedTags).toEqual([rlhf]);
		expect(emu.messages(thread.id)[0]).toMatchObject({ id: thread.id, content: 'hello' });
		const active = (await client.rest.get(Routes.guildActiveThreads(emu.ids.guildId))) as { threads: Array<{ id: string; owner_id: string }> };
		expect(active.threads).toEqual([expect.objectContaining({ id: thread.id, owner_id: emu.ids.botId })]);
		expect(emu.requests({ route: '/channels/{channel_id}/threads' })[0]).toMatchObject({ method: 'POST', status: 201 });
		expect(client.channels.cache.get(thread.id)?.isThread()).toBe(true);
	});

	it('enforces the limits: a name of 1–100 characters, at most 5 tags, only the forum’s own tags, a required tag', async () => {
		const { emu, client } = await startBot();
		const forumId = emu.ids.forumChannelId;
		const forum = await forumOf(client, emu);
		const tags = forum.availableTags.map((tag) => tag.id);
		const create = (body: Record<string, unknown>, channelId = forumId) => codeOf(client.rest.post(Routes.threads(channelId), { body }));
		expect(await create(post('x'.repeat(101)))).toBe(50035);
		expect(await create(post(''))).toBe(50035);
		expect(await create(post('ok', { applied_tags: [...tags, tags[0]] }))).toBe(50035);
		expect(await create(post('ok', { applied_tags: ['123456789012345678'] }))).toBe(50035);
		expect(await create(post('ok', { auto_archive_duration: 30 }))).toBe(50035);
		expect(await create({ name: 'empty', message: {} })).toBe(50006);
		expect(await create(post('x'.repeat(100), { applied_tags: tags.slice(0, 5), auto_archive_duration: 10080 }))).toBe(0);
		const strict = emu.addChannel({ name: 'strict', type: ChannelType.GuildForum, availableTags: [{ name: 'vision' }], flags: REQUIRE_TAG_FLAG });
		expect(await create(post('untagged'), strict.id)).toBe(40067);
		// Posts are threads: a forum takes no plain message, and a text channel no forum post.
		expect(await codeOf(client.rest.post(Routes.channelMessages(forumId), { body: { content: 'hi' } }))).toBe(50008);
		expect(await create(post('wrong place'), emu.ids.channelId)).toBe(50024);
		const rejected = emu.rejectedRequests().map((request) => request.status);
		expect(rejected.every((status) => status === 400)).toBe(true);
	});

	it('needs Create Posts (Send Messages) and Embed Links in the forum, and Send Messages in Threads to post in a thread', async () => {
		const { emu, client } = await startBot();
		const forumId = emu.ids.forumChannelId;
		emu.setBotPermissions(forumId, { deny: ['SendMessages'] });
		expect(await codeOf(client.rest.post(Routes.threads(forumId), { body: post('no') }))).toBe(50013);
		emu.setBotPermissions(forumId, { deny: ['EmbedLinks'] });
		expect(await codeOf(client.rest.post(Routes.threads(forumId), { body: post('no') }))).toBe(50013);
		emu.setBotPermissions(forumId, {});
		const thread = (await client.rest.post(Routes.threads(forumId), { body: post('yes') })) as { id: string };
		emu.setBotPermissions(forumId, { deny: ['SendMessagesInThreads'] });
		expect(await codeOf(client.rest.post(Routes.channelMessages(thread.id), { body: { content: 'reply' } }))).toBe(50013);
		emu.setBotPermissions(forumId, {});
		expect(await codeOf(client.rest.post(Routes.channelMessages(thread.id), { body: { content: 'reply' } }))).toBe(0);
	});
});

describe('threads on messages in the emulator', () => {
	it('starts one thread per message, with the message’s id, marks the message, and refuses a second', async () => {
		const { emu, client } = await startBot();
		const channel = (await client.channels.fetch(emu.ids.channelId)) as TextChannel;
		const message = await channel.send({ content: 'digest' });
		const thread = await message.startThread({ name: '2026-03-15 · RLHF' });
		expect(thread.id).toBe(message.id);
		expect(emu.findMessage(message.id)).toMatchObject({ flags: 32, thread: { id: message.id, name: '2026-03-15 · RLHF' } });
		expect(await codeOf(client.rest.post(Routes.threads(channel.id, message.id), { body: { name: 'again' } }))).toBe(160004);
		expect(await codeOf(client.rest.post(Routes.threads(channel.id, message.id), { body: { name: 'x'.repeat(101) } }))).toBe(50035);
		const other = await channel.send({ content: 'another' });
		emu.setBotPermissions(channel.id, { deny: ['CreatePublicThreads'] });
		expect(await codeOf(client.rest.post(Routes.threads(channel.id, other.id), { body: { name: 'no' } }))).toBe(50013);
	});
});
