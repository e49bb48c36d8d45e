import { describe, expect, it } from 'vitest';
import { memoizeText } from '../src/cards/memo.js';

describe('memoizeText', () => {
	it('makes each text once per key', () => {
		let calls = 0;
		const shout = memoizeText(
			(word: string) => word,
			(word) => {
				calls += 1;
				return word.toUpperCase();
			},
		);
		expect([shout('a'), shout('b'), shout('a')]).toEqual(['A', 'B', 'A']);
		expect(calls).toBe(2);
	});

	it('forgets the oldest key once the limit is reached', () => {
		const made: string[] = [];
		const echo = memoizeText(
			(word: string) => word,
			(word) => {
				made.push(word);
				return word;
			},
			2,
		);
		for (const word of ['a', 'b', 'c', 'b', 'a']) echo(word);
		expect(made).toEqual(['a', 'b', 'c', 'a']);
	});
});
