import { describe, expect, it } from 'vitest';
import { formatSourcesCard } from '../src/cards/sources-card.js';
import type { Embed } from '../src/cards/types.js';
import { formatSubscriptionList } from '../src/discord/digest-replies.js';

/** The store's health line where people look: `/paper stats` and `/digest list`. */

const WARNING = '⚠️ Storage is failing since <t:1773482400:R>: the disk is full, so changes are not being saved. The operators have been alerted.';

describe('formatSourcesCard', () => {
	it('puts the storage warning first and marks the card as failing', () => {
		const healthy = formatSourcesCard([], { hf: true }, { corpusSize: 63 }).embeds?.[0] as Embed;
		const failing = formatSourcesCard([], { hf: true }, { corpusSize: 63, storeWarning: WARNING }).embeds?.[0] as Embed;
		expect(failing.description?.split('\n')[0]).toBe(WARNING);
		expect(failing.description).toContain('**63** papers in the corpus');
		expect(failing.color).not.toBe(healthy.color);
		expect(healthy.description).not.toContain('Storage');
	});
});

describe('formatSubscriptionList', () => {
	it('shows the storage warning above the subscriptions and still counts them', () => {
		const embed = formatSubscriptionList(['line one', 'line two'], WARNING).embeds?.[0] as Embed;
		expect(embed.description).toBe(`${WARNING}\nline one\nline two`);
		expect(formatSubscriptionList(['line one', 'line two']).embeds?.[0]?.description).toBe('line one\nline two');
	});
});
