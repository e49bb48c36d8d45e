import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbstractShelf } from '../src/search/abstract-shelf.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-shelf-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function shelfOf(abstracts: string[]): AbstractShelf {
	const bytes = abstracts.map((text) => Buffer.from(text, 'utf8'));
	const starts = new Float64Array(bytes.length + 1);
	for (let i = 0; i < bytes.length; i++) starts[i + 1] = (starts[i] as number) + (bytes[i] as Buffer).length;
	const path = join(dir, 'abstracts');
	writeFileSync(path, Buffer.concat(bytes));
	return new AbstractShelf(openSync(path, 'r'), starts);
}

describe('copyRange', () => {
	it('does copy an abstract’s UTF-8 bytes where it is told, without reading it as text', () => {
		const shelf = shelfOf(['first', 'zweite – ß', '']);
		const target = Buffer.alloc(32, '.');
		expect(shelf.copyRange(shelf.range(1) as [number, number], target, 3)).toBe(Buffer.byteLength('zweite – ß'));
		expect(target.subarray(3, 3 + Buffer.byteLength('zweite – ß')).toString('utf8')).toBe('zweite – ß');
		expect(target.subarray(0, 3).toString()).toBe('...');
		expect(shelf.copyRange(shelf.range(2) as [number, number], target, 0)).toBe(0);
		shelf.close();
	});

	it('does copy nothing from a closed shelf, as read gives an empty abstract, and gives no range for a slot it does not have', () => {
		const shelf = shelfOf(['first']);
		const target = Buffer.alloc(8);
		const range = shelf.range(0) as [number, number];
		expect(shelf.range(5)).toBeUndefined();
		shelf.close();
		expect(shelf.copyRange(range, target, 0)).toBe(0);
		expect(shelf.read(0)).toBe('');
	});
});
