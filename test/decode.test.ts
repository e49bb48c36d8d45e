import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/papers/decode.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('decodeText', () => {
	it('decodes UTF-8 and drops a byte-order mark', () => {
		expect(decodeText(bytes([0xef, 0xbb, 0xbf], 'héllo ✓'))).toEqual({ ok: true, text: 'héllo ✓' });
	});

	it('refuses binary data, naming the line of the first NUL byte', () => {
		expect(decodeText(bytes('a\nb\n', [0]))).toEqual({ ok: false, line: 3, reason: 'binary data (a NUL byte), not a text file; file skipped' });
	});

	it('locates invalid UTF-8 by its first bad line, failing the text', () => {
		const input = bytes('ok\n', [0xc3], '\nfine\n', [0xff]);
		expect(decodeText(input)).toEqual({ ok: false, line: 2, reason: 'not valid UTF-8 text; file skipped' });
		expect(decodeText(bytes('ok\nfine\n', [0xff]))).toEqual({ ok: false, line: 3, reason: 'not valid UTF-8 text; file skipped' });
	});
});
