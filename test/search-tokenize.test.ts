import { describe, expect, it } from 'vitest';
import { foldText, hashRange, isStopword, MAX_TOKEN_LENGTH, scanHashedTokens, tokenize } from '../src/search/tokenize.js';

describe('tokenize', () => {
	it('lower-cases and splits on anything but letters and digits', () => {
		expect(tokenize('MoDec-GS: 3D Gaussian Splatting (3DGS) for GPT-4o')).toEqual(['modec', 'gs', '3d', 'gaussian', 'splatting', '3dgs', 'for', 'gpt', '4o']);
	});

	it('drops single characters and cuts very long runs', () => {
		expect(tokenize('a b c de')).toEqual(['de']);
		expect(tokenize('x'.repeat(100))).toEqual(['x'.repeat(MAX_TOKEN_LENGTH)]);
	});

	it('folds accents and keeps other scripts', () => {
		expect(tokenize('Café naïve Schrödinger')).toEqual(['cafe', 'naive', 'schrodinger']);
		expect(tokenize('Über 大语言模型 αβγ')).toEqual(['uber', '大语言模型', 'αβγ']);
	});

	it('returns nothing for symbols and emoji', () => {
		expect(tokenize('?!… 🚀🔥 --')).toEqual([]);
	});
});

describe('scanHashedTokens', () => {
	it('yields the same tokens as tokenize, with matching hashes', () => {
		for (const text of ['Deep RL for UAVs, v2.0', 'Crème Brûlée-Net: ÉTUDE', 'Plain ASCII then ünïcode tail words', 'x'.repeat(50)]) {
			const seen: string[] = [];
			scanHashedTokens(text, (source, start, end, hash, lowerCased) => {
				const token = lowerCased ? source.slice(start, end) : source.slice(start, end).toLowerCase();
				expect(hash).toBe(hashRange(token, 0, token.length));
				seen.push(token);
			});
			expect(seen).toEqual(tokenize(text));
		}
	});
});

describe('foldText', () => {
	it('removes diacritics only when there are any', () => {
		expect(foldText('Ångström')).toBe('angstrom');
		expect(foldText('ASCII')).toBe('ascii');
	});
});

describe('isStopword', () => {
	it('knows function words, not content words', () => {
		expect(isStopword('the')).toBe(true);
		expect(isStopword('diffusion')).toBe(false);
	});
});
