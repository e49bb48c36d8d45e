import { isUtf8 } from 'node:buffer';

/**
 * Bytes to text, refusing what is not text: a NUL byte means binary, and invalid UTF-8 is located
 * by line so the message says where to look.
 */

export type DecodeResult = { ok: true; text: string } | { ok: false; line: number; reason: string };

const strict = new TextDecoder('utf-8', { fatal: true });

/** JSON Lines are decoded a line at a time instead, each bad line skipped alone (src/papers/jsonl-file.ts). */
export function decodeText(bytes: Uint8Array): DecodeResult {
	const nul = bytes.indexOf(0);
	if (nul >= 0) return { ok: false, line: lineAt(bytes, nul), reason: 'binary data (a NUL byte), not a text file; file skipped' };
	try {
		return { ok: true, text: strict.decode(bytes) };
	} catch {
		return { ok: false, line: firstBadLine(bytes), reason: 'not valid UTF-8 text; file skipped' };
	}
}

/** The first line that is not UTF-8 on its own (the whole text already failed, so there is one). */
function firstBadLine(bytes: Uint8Array): number {
	let start = 0;
	for (let line = 1; start <= bytes.length; line++) {
		let end = bytes.indexOf(0x0a, start);
		if (end < 0) end = bytes.length;
		if (!isUtf8(bytes.subarray(start, end))) return line;
		start = end + 1;
	}
	return lineAt(bytes, bytes.length);
}

function lineAt(bytes: Uint8Array, offset: number): number {
	let line = 1;
	for (let index = bytes.indexOf(0x0a); index >= 0 && index < offset; index = bytes.indexOf(0x0a, index + 1)) line++;
	return line;
}
