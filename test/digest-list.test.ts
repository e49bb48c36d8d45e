import { describe, expect, it } from 'vitest';
import { decodeCustomId, hashQuery } from '../src/cards/custom-ids.js';
import { formatDigestList } from '../src/cards/digest-list.js';
import type { InteractiveButton } from '../src/cards/types.js';
import { createRandom, expectValidMessage, nastyPapers, nastyText, samplePaper } from './cards-support.js';

const tenPapers = Array.from({ length: 10 }, (_, i) => samplePaper({ id: `2401.0000${i}`, arxivId: `2401.0000${i}`, title: `Paper ${i}`, upvotes: 10 - i }));

describe('formatDigestList', () => {
	it('posts one compact list with upvotes, two rows of open buttons and two of Save buttons', () => {
		const payload = formatDigestList({ title: 'Daily papers', day: '2026-03-14', papers: tenPapers, footer: 'Topics: all' });
		expectValidMessage(payload);
		expect(payload.flags).toBeUndefined();
		const embed = payload.embeds?.[0];
		expect(embed?.title).toBe('Daily papers');
		expect(embed?.description?.split('\n').slice(0, 3)).toEqual([
			'**2026-03-14** · 10 new papers',
			'',
			'**1.** [Paper 0](https://huggingface.co/papers/2401.00000) · ▲ 10',
		]);
		expect(embed?.footer?.text).toBe('Topics: all');
		expect(payload.components?.map((row) => row.components.length)).toEqual([5, 5, 5, 5]);
		expect(decodeCustomId((payload.components?.[1]?.components?.[4] as InteractiveButton | undefined)?.custom_id)).toEqual({
			kind: 'open',
			paperId: '2401.00009',
		});
		const save = payload.components?.[3]?.components?.[4] as InteractiveButton | undefined;
		expect(save?.label).toBe('Save 10');
		expect(decodeCustomId(save?.custom_id)).toEqual({ kind: 'save', paperId: '2401.00009' });
	});

	it('lists a paper object by its title as it is now, after the title changed', () => {
		const paper = samplePaper({ id: '2401.05555', arxivId: '2401.05555', title: 'First title' });
		const lineAndLabel = () => {
			const payload = formatDigestList({ title: 'Daily papers', day: '2026-03-14', papers: [paper] });
			return [payload.embeds?.[0]?.description?.split('\n')[2], payload.components?.[0]?.components[0]?.label];
		};
		expect(lineAndLabel()).toEqual(['**1.** [First title](https://huggingface.co/papers/2401.05555) · ▲ 42', '1. First title']);
		paper.title = 'Second title';
		expect(lineAndLabel()).toEqual(['**1.** [Second title](https://huggingface.co/papers/2401.05555) · ▲ 42', '1. Second title']);
	});

	it('fits ten Save buttons beside an Unfollow button in Discord’s five rows', () => {
		const payload = formatDigestList({ title: 'Your papers', day: '2026-03-14', papers: tenPapers, unfollowTopic: '*' });
		expectValidMessage(payload);
		expect(payload.components?.map((row) => row.components[0]?.label)).toEqual(['1. Paper 0', '6. Paper 5', 'Save 1', 'Save 6', 'Unfollow']);
	});

	it('adds an Unfollow button for a topic, for everything, and by hash for a long topic', () => {
		const unfollow = (topic: string) => {
			const payload = formatDigestList({ title: 'Your papers', day: '2026-03-14', papers: [samplePaper()], unfollowTopic: topic });
			expectValidMessage(payload);
			const button = payload.components?.at(-1)?.components[0] as InteractiveButton;
			return { label: button.label, action: decodeCustomId(button.custom_id) };
		};
		expect(unfollow('diffusion')).toEqual({
			label: 'Unfollow “diffusion”',
			action: { kind: 'unfollow', all: false, topic: 'diffusion', topicHash: hashQuery('diffusion') },
		});
		expect(unfollow('*')).toEqual({ label: 'Unfollow', action: { kind: 'unfollow', all: true, topic: undefined, topicHash: undefined } });
		const long = 'topic '.repeat(30);
		expect(unfollow(long).action).toEqual({ kind: 'unfollow', all: false, topic: undefined, topicHash: hashQuery(long) });
	});

	it('mentions papers beyond the first ten instead of dropping them silently', () => {
		const payload = formatDigestList({ title: 'x', day: '2026-03-14', papers: [...tenPapers, samplePaper({ id: '2402.00001' })] });
		expect(payload.embeds?.[0]?.description).toMatch(/…and 1 more$/);
	});

	it('satisfies the schemas and every limit for 300 adversarial digests', () => {
		const random = createRandom(4);
		for (let i = 0; i < 300; i++) {
			const payload = formatDigestList({
				title: nastyText(random, 400),
				day: random() < 0.8 ? '2026-03-14' : nastyText(random, 50),
				papers: nastyPapers(random, [0, 1, 5, 10, 10, 30][i % 6] ?? 10),
				footer: random() < 0.5 ? nastyText(random, 3000) : undefined,
				unfollowTopic: random() < 0.5 ? nastyText(random, 200) : random() < 0.5 ? '*' : undefined,
			});
			expectValidMessage(payload);
		}
	});
});
