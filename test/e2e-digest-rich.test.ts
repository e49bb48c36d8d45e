import { afterEach, describe, expect, it } from 'vitest';
import { REQUIRE_TAG_FLAG } from '../src/cards/limits.js';
import { DigestMessages } from '../src/digests/messages.js';
import type { ThreadSender } from '../src/digests/threads.js';
import { DigestReplies } from '../src/discord/digest-replies.js';
import type { Paper } from '../src/papers/paper.js';
import type { ApiMessage } from '../src/sandbox/emulator/index.js';
import type { Subscription } from '../src/store/records.js';
import { digestPaperIds, makePaper, startDigestHarness, waitFor, type DigestHarness } from './support/digest-harness.js';

/**
 * Richer digests end to end (the real bot and scheduler against the emulator, a real sqlite file, a movable clock):
 * several named digests in a channel, weekly and weekday cadences, include and exclude words, authors as topics,
 * forum channels (a post per paper, tagged) and a discussion thread per digest. 2026-03-14 is a Saturday.
 */

let harness: DigestHarness | undefined;

afterEach(async () => {
	await harness?.stop();
	harness = undefined;
});

const FORUM = 15;
const HAS_THREAD = 1 << 5;

function digest(h: DigestHarness, subcommand: string, options: Record<string, string | number | boolean> = {}) {
	return h.command({ name: 'digest', subcommand, userId: h.emu.ids.adminId, options });
}

/** The bot's own channel messages (not interaction replies). */
function posted(h: DigestHarness, channelId = h.emu.ids.channelId): ApiMessage[] {
	return h.emu.messages(channelId).filter((message) => !message.webhook_id);
}

function paperBy(id: string, title: string, day: string, authors: string[], upvotes = 1): Paper {
	return { ...makePaper(id, title, day, upvotes), authors };
}

/** Moves the clock to 09:00 UTC of each day in turn, running the pass each time. */
async function eachMorning(h: DigestHarness, days: readonly string[]): Promise<void> {
	for (const day of days) await h.at(`${day}T09:00:00Z`);
}

describe('named digests', () => {
	it('adds a second digest beside one stored before names, delivers both, lists and removes them by name', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const { guildId, channelId, adminId } = h.emu.ids;
		// A subscription as every version before names stored it: no name field, the `<guild>:<channel>` key.
		const legacy: Subscription = {
			guildId,
			channelId,
			time: '09:00',
			timezone: 'UTC',
			topics: ['quokka'],
			maxPapers: 10,
			createdBy: adminId,
			createdAt: '2026-03-01T00:00:00.000Z',
		};
		await h.bot.store.subscriptions.set(`${guildId}:${channelId}`, legacy);
		const second = await digest(h, 'subscribe', { name: 'Wombat Watch', topics: 'wombat' });
		expect(second.content).toContain('Subscribed');
		expect(second.content).toContain('(“wombat-watch”)');
		await h.addPapers([makePaper('2603.91001', 'Quokka world models', '2026-03-15', 5), makePaper('2603.91002', 'Wombat planners', '2026-03-15', 3)]);

		await h.at('2026-03-15T09:00:00Z');
		const messages = posted(h);
		expect(messages).toHaveLength(2);
		const byTitle = new Map(messages.map((message) => [message.embeds[0]?.title, digestPaperIds(message)]));
		expect(byTitle.get(DigestMessages.channelDigestTitle)).toEqual(['2603.91001']);
		expect(byTitle.get(`${DigestMessages.channelDigestTitle} · wombat-watch`)).toEqual(['2603.91002']);
		// Each digest keeps its own record; the old one's key and shape are untouched.
		expect(Object.keys((await h.bot.store.deliveries.get(`channel:${channelId}`))?.sent ?? {})).toEqual(['2603.91001']);
		expect(Object.keys((await h.bot.store.deliveries.get(`channel:${channelId}:wombat-watch`))?.sent ?? {})).toEqual(['2603.91002']);
		const stored = await h.bot.store.subscriptions.get(`${guildId}:${channelId}`);
		expect(stored).not.toHaveProperty('name');
		expect(stored?.lastDelivery?.outcome).toBe('sent');

		// Without a name, subscribe updates the old one: still two digests.
		await digest(h, 'subscribe', { topics: 'quokka, numbat' });
		expect(await h.bot.store.subscriptions.values()).toHaveLength(2);
		expect((await h.bot.store.subscriptions.get(`${guildId}:${channelId}`))?.topics).toEqual(['quokka', 'numbat']);

		const list = JSON.stringify((await digest(h, 'list')).embeds);
		expect(list).toContain('“default”');
		expect(list).toContain('“wombat-watch”');
		const choices = await h.emu.injectAutocomplete({ name: 'digest', subcommand: 'unsubscribe', userId: adminId, options: { name: 'w' } }).choices();
		expect(choices.map((choice) => choice.value)).toEqual(['wombat-watch']);

		const unknown = await digest(h, 'unsubscribe', { name: 'nope' });
		expect(unknown.content).toBe(DigestMessages.unknownDigestName(channelId, 'nope', ['default', 'wombat-watch']));
		expect((await digest(h, 'unsubscribe', { name: 'wombat-watch' })).content).toBe(DigestReplies.unsubscribed(channelId, 'wombat-watch'));
		expect((await h.bot.store.subscriptions.values()).map((subscription) => subscription.name)).toEqual([undefined]);
		expect(h.emu.rejectedRequests()).toEqual([]);
	});

	it('refuses a name over 32 characters and a sixth digest in a channel, with their own errors', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		expect((await digest(h, 'subscribe', { name: 'x'.repeat(33) })).content).toBe(DigestMessages.nameTooLong(33, 32));
		expect((await digest(h, 'subscribe', { name: 'no/slash' })).content).toBe(DigestMessages.nameCharacters('no/slash'));
		for (const name of ['default', 'a', 'b', 'c', 'd']) expect((await digest(h, 'subscribe', { name })).content).toContain('Subscribed');
		expect((await digest(h, 'subscribe', { name: 'e' })).content).toBe(DigestMessages.tooManyInChannel(h.emu.ids.channelId, 5));
		// Updating one of the five still works.
		expect((await digest(h, 'subscribe', { name: 'd', topics: 'llm' })).content).toContain('Updated');
		expect(await h.bot.store.subscriptions.values()).toHaveLength(5);
	});
});

describe('digest cadence', () => {
	it('posts a weekly digest once a week with every paper since the previous one, none twice, a late one included', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const reply = await digest(h, 'subscribe', { frequency: 'weekly', topics: 'quokka' });
		expect(reply.content).toContain('weekly on Monday at 09:00 UTC');
		expect(reply.content).toContain('Weekly digests go out on Monday unless you pick a day');
		expect(reply.content).toContain('Next digest: 2026-03-16 09:00 UTC');
		expect((await digest(h, 'subscribe', { name: 'other', day: 'fri' })).content).toBe(DigestMessages.dayNeedsWeekly);

		await h.addPapers([makePaper('2603.92000', 'Quokka before the first', '2026-03-13', 1)]);
		await h.at('2026-03-16T09:00:00Z');
		expect(posted(h).map(digestPaperIds)).toEqual([['2603.92000']]);

		// A paper listed the day before the first digest but ingested after it ran, then one a day all week.
		h.setTime('2026-03-16T10:00:00Z');
		await h.addPapers([makePaper('2603.92001', 'Quokka late arrival', '2026-03-15', 1)]);
		const week = ['2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22'];
		for (const [index, day] of week.entries()) {
			h.setTime(`${day}T06:00:00Z`);
			await h.addPapers([makePaper(`2603.9201${index}`, `Quokka day ${index}`, day, index)]);
			await h.at(`${day}T09:00:00Z`);
		}
		expect(posted(h)).toHaveLength(1);
		await h.at('2026-03-23T09:00:00Z');
		const messages = posted(h);
		expect(messages).toHaveLength(2);
		expect(messages[1]?.embeds[0]?.title).toBe(DigestMessages.weeklyDigestTitle);
		expect(new Set(digestPaperIds(messages[1]))).toEqual(new Set(['2603.92001', ...week.map((_, index) => `2603.9201${index}`)]));

		// Nothing new by the next Monday: nothing posted, and the week after still has no repeat.
		await eachMorning(h, ['2026-03-24', '2026-03-30']);
		expect(posted(h)).toHaveLength(2);
		expect(h.emu.rejectedRequests()).toEqual([]);
	});

	it('skips the weekend on weekdays, and Monday carries what came after Friday’s digest', async () => {
		const h = (harness = await startDigestHarness('2026-03-20T08:00:00Z'));
		await digest(h, 'subscribe', { frequency: 'weekdays', topics: 'numbat' });
		await h.addPapers([makePaper('2603.93000', 'Numbat Friday', '2026-03-20', 1)]);
		await h.at('2026-03-20T09:00:00Z');
		expect(posted(h).map(digestPaperIds)).toEqual([['2603.93000']]);
		h.setTime('2026-03-20T18:00:00Z');
		await h.addPapers([makePaper('2603.93001', 'Numbat Friday evening', '2026-03-20', 1)]);
		h.setTime('2026-03-21T12:00:00Z');
		await h.addPapers([makePaper('2603.93002', 'Numbat Saturday', '2026-03-21', 1)]);
		await eachMorning(h, ['2026-03-21', '2026-03-22']);
		h.setTime('2026-03-22T12:00:00Z');
		await h.addPapers([makePaper('2603.93003', 'Numbat Sunday', '2026-03-22', 1)]);
		expect(posted(h)).toHaveLength(1);
		await h.at('2026-03-23T09:00:00Z');
		expect(posted(h)).toHaveLength(2);
		expect(new Set(digestPaperIds(posted(h)[1]))).toEqual(new Set(['2603.93001', '2603.93002', '2603.93003']));
	});
});

describe('digest filters', () => {
	it('keeps only papers with an include phrase and drops those with an exclude word', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		await digest(h, 'subscribe', { include: 'zebrafish tracking, axolotl', exclude: 'ultrasound' });
		await h.addPapers([
			makePaper('2603.94001', 'Zebrafish tracking in the wild', '2026-03-15', 4),
			makePaper('2603.94002', 'Zebrafish tracking with ultrasound', '2026-03-15', 3),
			makePaper('2603.94003', 'Tracking zebrafish larvae', '2026-03-15', 2),
			makePaper('2603.94004', 'Axolotl regeneration', '2026-03-15', 1),
		]);
		await h.at('2026-03-15T09:00:00Z');
		expect(digestPaperIds(posted(h)[0])).toEqual(['2603.94001', '2603.94004']);
		const list = JSON.stringify((await digest(h, 'list')).embeds);
		expect(list).toContain('only with “zebrafish tracking” or “axolotl”');
		expect(list).toContain('without “ultrasound”');
	});

	it('follows authors by name, not as free text, beside topics', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		await digest(h, 'subscribe', { topics: 'quokka', authors: 'Grace Hopper' });
		await h.addPapers([
			paperBy('2603.95001', 'Compilers for everyone', '2026-03-15', ['Grace Hopper', 'Jean Sammet'], 5),
			paperBy('2603.95002', 'Debugging moths', '2026-03-15', ['GRACE  hopper'], 4),
			paperBy('2603.95003', 'Not her paper', '2026-03-15', ['Grace Hopperson'], 3),
			paperBy('2603.95004', 'Grace Hopper, a biography', '2026-03-15', ['Someone Else'], 2),
			paperBy('2603.95005', 'Quokka sorting', '2026-03-15', ['Someone Else'], 1),
		]);
		await h.at('2026-03-15T09:00:00Z');
		expect(digestPaperIds(posted(h)[0])).toEqual(['2603.95001', '2603.95002', '2603.95005']);
		expect(JSON.stringify(posted(h)[0]?.embeds)).toContain('author Grace Hopper');
	});

	it('sends a follower the papers of the authors they follow by DM', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const followed = await h.command({ name: 'paper', subcommand: 'follow', options: { author: 'Grace Hopper' } });
		expect(followed.content).toContain('author “Grace Hopper”');
		await h.addPapers([
			paperBy('2603.95101', 'Compilers for everyone', '2026-03-15', ['Grace Hopper'], 5),
			paperBy('2603.95102', 'Quokka sorting', '2026-03-15', ['Someone Else'], 1),
		]);
		await h.at('2026-03-15T09:00:00Z');
		const dm = h.emu.messages().filter((message) => message.channel_id !== h.emu.ids.channelId && !message.webhook_id);
		expect(dm.map(digestPaperIds)).toEqual([['2603.95101']]);
		const gone = await h.command({ name: 'paper', subcommand: 'unfollow', options: { author: 'grace hopper' } });
		expect(gone.content).toBe(DigestReplies.unfollowedAll);
	});
});

describe('forum digests', () => {
	it('posts one tagged thread per paper, titled with the paper, and no message in the forum itself', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const forumId = h.emu.ids.forumChannelId;
		const reply = await digest(h, 'subscribe', { channel: forumId, topics: 'quokka, RLHF', max_papers: 3 });
		expect(reply.content).toContain('One post per paper, tagged “RLHF”');
		const long = `Quokka ${'very '.repeat(30)}long title`;
		await h.addPapers([makePaper('2603.96001', long, '2026-03-15', 9), makePaper('2603.96002', 'Quokka RLHF', '2026-03-15', 8)]);
		await h.at('2026-03-15T09:00:00Z');

		const threads = h.emu.world.threadsOf(forumId);
		expect(threads).toHaveLength(3);
		const rlhf = h.emu.world.requireChannel(forumId).availableTags.find((tag) => tag.name === 'RLHF')?.id;
		const first = threads[0];
		expect(first?.name).toMatch(/^Quokka very (very )+.*…$/);
		expect(first?.name?.length).toBeLessThanOrEqual(100);
		expect(first?.thread?.appliedTags).toEqual([]);
		expect(threads[1]?.name).toBe('Quokka RLHF');
		expect(threads[1]?.thread?.appliedTags).toEqual([rlhf]);
		// Each post's first message is the paper's card, with the post's key in its footer; the forum has no messages.
		for (const thread of threads) {
			const [starter] = h.emu.messages(thread.id);
			expect(starter?.id).toBe(thread.id);
			expect(starter?.embeds[0]?.footer).toMatchObject({ text: expect.stringMatching(/ref pf[0-9a-f]{23}$/) });
		}
		expect(h.emu.messages(forumId)).toEqual([]);
		const record = await h.bot.store.deliveries.get(`channel:${forumId}`);
		expect(Object.keys(record?.sent ?? {})).toHaveLength(3);
		expect(record?.post).toBeUndefined();
		expect(h.emu.rejectedRequests()).toEqual([]);

		await h.at('2026-03-16T09:00:00Z');
		expect(h.emu.world.threadsOf(forumId)).toHaveLength(3);
	});

	it('posts each paper once when the process dies after Discord made a post but before it was recorded', async () => {
		let posts = 0;
		let hang = true;
		const dieOnSecondPost = (threads: ThreadSender): ThreadSender => ({
			...threads,
			createForumPost: async (forumId, post) => {
				const made = await threads.createForumPost(forumId, post);
				posts += 1;
				return posts === 2 && hang ? new Promise(() => {}) : made;
			},
		});
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z', { wrapThreadSender: dieOnSecondPost }));
		const forumId = h.emu.ids.forumChannelId;
		await digest(h, 'subscribe', { channel: forumId, topics: 'quokka' });
		await h.addPapers([1, 2, 3, 4].map((n) => makePaper(`2603.9700${n}`, `Quokka part ${n}`, '2026-03-15', 10 - n)));
		h.setTime('2026-03-15T09:00:00Z');
		void h.bot.onTimeChanged(h.now());
		await waitFor(() => posts === 2);
		await h.kill();
		hang = false;
		expect(h.emu.world.threadsOf(forumId)).toHaveLength(2);

		h.setTime('2026-03-15T09:05:00Z');
		const bot = await h.launch({ wrapThreadSender: dieOnSecondPost });
		await bot.onTimeChanged(h.now());
		const names = h.emu.world.threadsOf(forumId).map((thread) => thread.name);
		expect(names.sort()).toEqual(['Quokka part 1', 'Quokka part 2', 'Quokka part 3', 'Quokka part 4']);
		expect(Object.keys((await h.bot.store.deliveries.get(`channel:${forumId}`))?.sent ?? {}).sort()).toEqual([
			'2603.97001',
			'2603.97002',
			'2603.97003',
			'2603.97004',
		]);
		await h.at('2026-03-16T09:00:00Z');
		expect(h.emu.world.threadsOf(forumId)).toHaveLength(4);
	});

	it('refuses a forum it could never post to: no Create Posts, or a required tag no topic names', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const strict = h.emu.addChannel({ name: 'strict', type: FORUM, availableTags: [{ name: 'vision' }, { name: 'audio' }], flags: REQUIRE_TAG_FLAG });
		expect((await digest(h, 'subscribe', { channel: strict.id, topics: 'quokka' })).content).toBe(DigestReplies.forumNeedsTag(strict.id, ['vision', 'audio']));
		expect((await digest(h, 'subscribe', { channel: strict.id, topics: 'Vision' })).content).toContain('Subscribed');
		h.emu.setBotPermissions(h.emu.ids.forumChannelId, { deny: ['SendMessages'] });
		expect((await digest(h, 'subscribe', { channel: h.emu.ids.forumChannelId })).content).toBe(
			DigestReplies.botMissing(h.emu.ids.forumChannelId, ['Create Posts']),
		);
		expect((await digest(h, 'subscribe', { channel: strict.id, thread: true })).content).toBe(DigestMessages.threadInForum);
	});
});

describe('discussion threads', () => {
	it('starts one thread on each digest message, named by its day and topics', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		const reply = await digest(h, 'subscribe', { topics: 'quokka', thread: true });
		expect(reply.content).toContain('Each digest gets a discussion thread');
		await h.addPapers([makePaper('2603.98001', 'Quokka world models', '2026-03-15', 5)]);
		await h.at('2026-03-15T09:00:00Z');
		const [message] = posted(h);
		expect((message?.flags ?? 0) & HAS_THREAD).toBe(HAS_THREAD);
		expect(message?.thread).toMatchObject({ id: message?.id, name: '2026-03-15 · quokka', parent_id: h.emu.ids.channelId });
		expect(h.emu.world.threadsOf(h.emu.ids.channelId)).toHaveLength(1);
		expect(h.emu.rejectedRequests()).toEqual([]);

		h.emu.setBotPermissions(h.emu.ids.channelId, { deny: ['CreatePublicThreads'] });
		expect((await digest(h, 'subscribe', { name: 'more', thread: true })).content).toBe(
			DigestReplies.botMissing(h.emu.ids.channelId, ['Create Public Threads']),
		);
	});
});

describe('"For you" follows', () => {
	it('DMs the recommendations among new papers from the saved ones, never twice, until Stop', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		await h.addPapers([makePaper('2603.99000', 'Marsupial locomotion with spring legs', '2026-03-14', 1)]);
		await h.command({ name: 'paper', subcommand: 'save', options: { paper: '2603.99000', tags: 'marsupials' } });
		expect((await h.command({ name: 'paper', subcommand: 'follow', options: { foryou: true, topic: 'x' } })).content).toBe(DigestMessages.forYouWithTopics);
		expect((await h.command({ name: 'paper', subcommand: 'follow', options: { foryou: true, tag: 'nope' } })).content).toContain('tagged “nope”');
		const followed = await h.command({ name: 'paper', subcommand: 'follow', options: { foryou: true, tag: 'marsupials' } });
		expect(followed.content).toContain('Followed “For you”');
		await h.addPapers([
			makePaper('2603.99001', 'Spring legs for marsupial locomotion', '2026-03-15', 1),
			makePaper('2603.99002', 'Quantum error correction', '2026-03-15', 50),
		]);
		await h.at('2026-03-15T09:00:00Z');
		const dms = () => h.emu.messages().filter((message) => message.channel_id !== h.emu.ids.channelId && !message.webhook_id);
		expect(dms()).toHaveLength(1);
		const ids = digestPaperIds(dms()[0]);
		// Closest first; the saved paper itself is never recommended.
		expect(ids[0]).toBe('2603.99001');
		expect(ids).not.toContain('2603.99000');
		expect(dms()[0]?.embeds[0]?.title).toBe('For you · marsupials');

		await h.at('2026-03-16T09:00:00Z');
		expect(dms()).toHaveLength(1);
		const stop = await h.emu.clickButton({ message: dms()[0] as ApiMessage, label: 'Stop “For you”', userId: h.emu.ids.userId }).reply();
		expect(stop.content).toBe(DigestReplies.unfollowedForYou);
		expect(await h.bot.store.follows.get(`${h.emu.ids.userId}:foryou`)).toBeUndefined();
		expect(h.emu.rejectedRequests()).toEqual([]);
	});
});
