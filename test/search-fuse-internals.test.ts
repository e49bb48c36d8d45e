import Fuse, { type FuseIndex } from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { fieldNorm } from '../src/search/fuse-rank.js';

/**
 * src/search/fuse-rank.ts reads and writes Fuse.js index internals (the field norm `n` of each record's keyed
 * value, `records[].i`, `keys[].id`) to give excerpts their whole abstract's norm. package.json pins Fuse's
 * minor version for that; this fails loudly if an upgrade changes those internals.
 */

interface Doc {
	title: string;
	abstract: string;
}

describe('Fuse.js index internals relied on by rankWithFuse', () => {
	it('keeps keys with ids, records with i and a per-field norm n equal to fieldNorm', () => {
		const docs: Doc[] = [
			{ title: 'Diffusion transformers', abstract: 'We quantize diffusion transformers after training, keeping quality.' },
			{ title: 'One', abstract: 'word' },
		];
		const index = Fuse.createIndex<Doc>(['title', 'abstract'], docs) as FuseIndex<Doc> & {
			keys: Array<{ id: string }>;
			records: Array<{ i: number; $: Record<number, { v: string; n: number }> }>;
		};
		expect(index.keys.map((key) => key.id)).toEqual(['title', 'abstract']);
		const abstractKey = index.keys.findIndex((key) => key.id === 'abstract');
		for (const record of index.records) {
			const doc = docs[record.i] as Doc;
			expect(record.$[abstractKey]?.v).toBe(doc.abstract);
			expect(record.$[abstractKey]?.n).toBe(fieldNorm(doc.abstract));
		}
	});

	it('is the minor version package.json pins', async () => {
		const { readFile } = await import('node:fs/promises');
		const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
		const installed = JSON.parse(await readFile(new URL('../node_modules/fuse.js/package.json', import.meta.url), 'utf8')) as { version: string };
		expect(manifest.dependencies['fuse.js']).toBe('~7.5.0');
		expect(installed.version).toMatch(/^7\.5\./);
	});
});
