import { describe, expect, it } from 'vitest';
import { allowedEdits, boundedEditDistance } from '../src/search/edit-distance.js';

describe('boundedEditDistance', () => {
	it('counts insertions, deletions, substitutions and adjacent swaps as one edit', () => {
		expect(boundedEditDistance('difusion', 'diffusion', 2)).toBe(1);
		expect(boundedEditDistance('quantizaton', 'quantization', 2)).toBe(1);
		expect(boundedEditDistance('transfromer', 'transformer', 2)).toBe(1);
		expect(boundedEditDistance('model', 'modal', 2)).toBe(1);
		expect(boundedEditDistance('same', 'same', 1)).toBe(0);
	});

	it('returns max + 1 once the distance exceeds the bound', () => {
		expect(boundedEditDistance('diffusion', 'fusion', 2)).toBe(3);
		expect(boundedEditDistance('abc', 'xyz', 1)).toBe(2);
		expect(boundedEditDistance('short', 'muchlongerword', 2)).toBe(3);
	});
});

describe('allowedEdits', () => {
	it('allows none for acronyms, one for short words, two for long ones', () => {
		expect(allowedEdits('dpo')).toBe(0);
		expect(allowedEdits('rlhf')).toBe(1);
		expect(allowedEdits('difusion')).toBe(2);
	});
});
