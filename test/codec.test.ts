import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { deserializeRecord, serializeRecord } from '../src/store/codec.js';

const keyv = new Keyv();
const keyvSerialize = keyv.serialize as (data: unknown) => string;
const keyvDeserialize = keyv.deserialize as (text: string) => unknown;

const RECORDS: unknown[] = [
	{ value: { target: 'channel:1', sent: { '2603.00001': '2026-03-14' }, lastDay: '2026-03-15' } },
	{ value: { title: 'He said "x": y', topics: ['a,b', '[c]', 'd:e'], n: 3.5, ok: true, none: null }, expires: 1_800_000_000_000 },
	{ value: { note: ':starts with a colon', list: [':one', 'two', ':three'], nested: { deep: '::double' } } },
	{ value: { ':key': 'value' } },
	{ value: ':a whole colon string' },
	{ value: ['a', { b: [':c'] }] },
	{ value: { at: new Date('2026-03-14T09:00:00.000Z') } },
	{ value: { unicode: 'παράδειγμα 例 🧪', escapes: '\u0000\n\t\\"' } },
	{ value: { undefinedField: undefined, kept: 1 } },
	{ value: 42 },
];

describe('serializeRecord', () => {
	it("writes exactly Keyv's text for every record shape", () => {
		for (const record of RECORDS) expect(serializeRecord(record)).toBe(keyvSerialize(record));
	});
});

describe('deserializeRecord', () => {
	it('reads back what Keyv reads, colon-escaped strings included', () => {
		for (const record of RECORDS) {
			const text = keyvSerialize(record);
			expect(deserializeRecord(text)).toEqual(keyvDeserialize(text));
		}
	});

	it('throws on text that is not JSON, as Keyv does', () => {
		expect(() => deserializeRecord('{"value": trunc')).toThrow();
	});
});
