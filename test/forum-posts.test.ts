import { describe, expect, it } from 'vitest';
import { DiscordLimits } from '../src/cards/limits.js';
import { buildForumPost, forumPostNonce, tagsByPaper, tagsNamedLike } from '../src/digests/forum-posts.js';
import { NONCE_LENGTH } from '../src/digests/targets.js';
import { matchTopicsByText } from '../src/digests/topics.js';
import type { Paper } from '../src/papers/paper.js';
import { collectErrors } from '../src/sandbox/emulator/validation.js';

const paper = (id: string, title: string, abstract = 'An abstract.'): Paper => ({
	id,
	title,
	abstract,
	authors: ['Ada Lovelace'],
	listedOn: '2026-03-15',
	source: 'hf-daily',
});
const TAGS = [
	{ id: '100000000000000001', name: 'RLHF' },
	{ id: '100000000000000002', name: 'Diffusion ' },
	{ id: '100000000000000003', name: 'agents', moderated: true },
];

describe('forumPostNonce', () => {
	it('is one key per target, day and paper, within a nonce’s 25 characters', () => {
		const nonce = forumPostNonce('channel:1', '2026-03-15', '2603.00001');
		expect(nonce).toHaveLength(NONCE_LENGTH);
		expect(forumPostNonce('channel:1', '2026-03-15', '2603.00001')).toBe(nonce);
		expect(forumPostNonce('channel:1', '2026-03-15', '2603.00002')).not.toBe(nonce);
		expect(forumPostNonce('channel:1:weekly', '2026-03-15', '2603.00001')).not.toBe(nonce);
	});
});

describe('buildForumPost', () => {
	it('titles the post with the paper (at most 100 characters), carries its card with the key in the footer, and passes the schema', () => {
		const long = paper('2603.00001', `A ${'very '.repeat(40)}long title about @everyone`);
		const post = buildForumPost(long, ['100000000000000001'], 'pf0123456789abcdef0123456');
		expect(post.name.length).toBeLessThanOrEqual(DiscordLimits.threadName);
		expect(post.name).not.toContain('@everyone');
		expect(post.message.allowed_mentions).toEqual({ parse: [] });
		expect(post.message.embeds?.[0]?.footer?.text).toMatch(/Paper id: 2603\.00001 · ref pf0123456789abcdef0123456$/);
		const body = { name: post.name, applied_tags: post.appliedTags, auto_archive_duration: 10080, message: post.message };
		expect(collectErrors('forumThreadCreate', body)).toEqual([]);
	});

	it('applies at most five tags', () => {
		const ids = Array.from({ length: 7 }, (_, index) => `10000000000000000${index}`);
		expect(buildForumPost(paper('2603.00002', 'T'), ids, 'pf1').appliedTags).toHaveLength(DiscordLimits.appliedTags);
	});
});

describe('tagsByPaper', () => {
	it('gives each paper the tags named like the topics it matches, case-insensitively, never a moderated one', async () => {
		const papers = [paper('a', 'RLHF for agents'), paper('b', 'Latent diffusion'), paper('c', 'Protein folding')];
		const tags = await tagsByPaper(
			{ topics: ['rlhf', 'diffusion', 'agents'] },
			papers,
			TAGS.filter((tag) => !tag.moderated),
			matchTopicsByText,
		);
		expect(tags.get('a')).toEqual(['100000000000000001']);
		expect(tags.get('b')).toEqual(['100000000000000002']);
		expect(tags.has('c')).toBe(false);
		expect((await tagsByPaper({ topics: [] }, papers, TAGS, matchTopicsByText)).size).toBe(0);
	});
});

describe('tagsNamedLike', () => {
	it('finds the forum tags named like a topic, leaving moderated ones out', () => {
		expect(tagsNamedLike(['diffusion', 'Agents', 'other'], TAGS).map((tag) => tag.id)).toEqual(['100000000000000002']);
	});
});
