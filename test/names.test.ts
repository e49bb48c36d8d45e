import { describe, expect, it } from 'vitest';
import { DEFAULT_DIGEST_NAME, DigestNameLimits, digestNameOf, isDefaultName, parseDigestName } from '../src/digests/names.js';
import { UserError } from '../src/errors.js';

describe('parseDigestName', () => {
	it('reads blank or absent as the default digest', () => {
		expect(parseDigestName(undefined)).toBe(DEFAULT_DIGEST_NAME);
		expect(parseDigestName(null)).toBe(DEFAULT_DIGEST_NAME);
		expect(parseDigestName('   ')).toBe(DEFAULT_DIGEST_NAME);
		expect(parseDigestName('Default')).toBe(DEFAULT_DIGEST_NAME);
	});

	it('lower-cases and joins words with -, keeping letters of any script and digits', () => {
		expect(parseDigestName('  Weekly  RLHF ')).toBe('weekly-rlhf');
		expect(parseDigestName('ml_papers-2')).toBe('ml_papers-2');
		expect(parseDigestName('論文')).toBe('論文');
	});

	it('refuses a name over 32 characters and one with other characters, saying which', () => {
		expect(parseDigestName('x'.repeat(DigestNameLimits.length))).toHaveLength(32);
		expect(() => parseDigestName('x'.repeat(33))).toThrow(/at most 32 characters; that one has 33/);
		for (const bad of ['a/b', 'a:b', '-lead', '@everyone', 'a*b']) expect(() => parseDigestName(bad)).toThrow(UserError);
	});
});

describe('digestNameOf', () => {
	it('reads a subscription stored without a name as the default one', () => {
		expect(digestNameOf({})).toBe('default');
		expect(digestNameOf({ name: 'rlhf' })).toBe('rlhf');
		expect(isDefaultName(digestNameOf({}))).toBe(true);
	});
});
