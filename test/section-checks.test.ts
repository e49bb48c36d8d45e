import { closeSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSectionsAside } from '../src/search/section-checks.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-checks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const first = Buffer.from('first section '.repeat(1000));
const second = Buffer.from('second section');
const sections = [
	{ name: 'first', offset: 0, length: first.length, crc: crc32(first) },
	{ name: 'second', offset: first.length, length: second.length, crc: crc32(second) },
];

function withFile(path: string, run: (fd: number) => void): void {
	const fd = openSync(path, 'r');
	try {
		run(fd);
	} finally {
		closeSync(fd);
	}
}

describe('checkSectionsAside', () => {
	it('answers nothing damaged for sound sections, and names the first damaged one', () => {
		const path = join(dir, 'file');
		writeFileSync(path, Buffer.concat([first, second]));
		withFile(path, (fd) => expect(checkSectionsAside(path, fd, sections).damaged()).toBeUndefined());
		writeFileSync(path, Buffer.concat([first, Buffer.from('second sectioN')]));
		withFile(path, (fd) => expect(checkSectionsAside(path, fd, sections).damaged()).toBe('second'));
		writeFileSync(path, first);
		withFile(path, (fd) => expect(checkSectionsAside(path, fd, sections).damaged()).toBe('second'));
	});

	it('judges the file the caller opened when another one has replaced it at the path', () => {
		const path = join(dir, 'file');
		writeFileSync(path, Buffer.concat([first, second]));
		withFile(path, (fd) => {
			const other = join(dir, 'other');
			writeFileSync(other, Buffer.alloc(first.length + second.length));
			renameSync(other, path);
			expect(checkSectionsAside(path, fd, sections).damaged()).toBeUndefined();
		});
	});
});
