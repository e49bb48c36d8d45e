/**
 * Bytes to text, refusing what is not text: a NUL byte means binary, and invalid UTF-8 is located
 * by line so the message says where to look (and JSON Lines can skip just those lines).
 */

export type DecodeResult = { ok: true; text: string; badLines?: ReadonlySet<number> } | { ok: false; line: number; reason: string };

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** With `perLine`, invalid UTF-8 lines are listed in `badLines` instead of failing the whole text. */
export function decodeText(bytes: Uint8Array, perLine = false): DecodeResult {
	const nul = bytes.indexOf(0);
	if (nul >= 0) return { ok: false, line: lineAt(bytes, nul), reason: 'binary data (a NUL byte), not a text file; file skipped' };
	try {
		return { ok: true, text: strict.decode(bytes) };
	} catch {
		const badLines = findBadLines(bytes);
		if (perLine) return { ok: true, text: lenient.decode(bytes), badLines };
		const first = Math.min(...badLines);
		return { ok: false, line: first, reason: 'not valid UTF-8 text; file skipped' };
	}
}

function findBadLines(bytes: Uint8Array): Set<number> {
	const bad = new Set<number>();
	let start = 0;
	let line = 1;
	while (start <= bytes.length) {
		let end = bytes.indexOf(0x0a, start);
		if (end < 0) end = bytes.length;
		try {
			strict.decode(bytes.subarray(start, end));
		} catch {
			bad.add(line);
		}
		start = end + 1;
		line++;
	}
	return bad;
}

function lineAt(bytes: Uint8Array, offset: number): number {
	let line = 1;
	for (let index = bytes.indexOf(0x0a); index >= 0 && index < offset; index = bytes.indexOf(0x0a, index + 1)) line++;
	return line;
}
