/**
 * multipart/form-data as Discord reads it (RFC 7578): a `payload_json` part and one `files[n]` part per upload,
 * parsed on bytes, so a binary file survives untouched.
 */

export interface UploadedFile {
	/** The form field, `files[0]`. */
	field: string;
	/** The part's filename as sent (undefined: the part was not a file). */
	filename: string | undefined;
	contentType: string | undefined;
	data: Buffer;
}

export interface MultipartBody {
	payloadJson: string | undefined;
	files: UploadedFile[];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function multipartBoundary(contentType: string | undefined): string | undefined {
	if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return undefined;
	return /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean);
}

/** Undefined when the body is not well-formed multipart (no opening delimiter, or a part without headers). */
export function parseMultipart(raw: Buffer, boundary: string): MultipartBody | undefined {
	const delimiter = Buffer.from(`--${boundary}`);
	let at = raw.indexOf(delimiter);
	if (at < 0) return undefined;
	const result: MultipartBody = { payloadJson: undefined, files: [] };
	for (;;) {
		at += delimiter.length;
		// `--` after the delimiter closes the body.
		if (raw.subarray(at, at + 2).toString() === '--') return result;
		if (!raw.subarray(at, at + 2).equals(CRLF)) return undefined;
		const headersStart = at + 2;
		const headersEnd = raw.indexOf(HEADER_END, headersStart);
		if (headersEnd < 0) return undefined;
		const next = raw.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd + HEADER_END.length);
		if (next < 0) return undefined;
		const headers = parseHeaders(raw.subarray(headersStart, headersEnd).toString('utf8'));
		const data = raw.subarray(headersEnd + HEADER_END.length, next);
		addPart(result, headers, data);
		at = next + CRLF.length;
	}
}

function addPart(result: MultipartBody, headers: Map<string, string>, data: Buffer): void {
	const disposition = headers.get('content-disposition') ?? '';
	const name = dispositionParam(disposition, 'name');
	if (name === undefined) return;
	if (name === 'payload_json') {
		result.payloadJson = data.toString('utf8');
		return;
	}
	result.files.push({ field: name, filename: dispositionParam(disposition, 'filename'), contentType: headers.get('content-type'), data: Buffer.from(data) });
}

function parseHeaders(text: string): Map<string, string> {
	const headers = new Map<string, string>();
	for (const line of text.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return headers;
}

/** `name="files[0]"`; browsers and undici write `"` as %22 and line breaks as %0D%0A inside the quotes. */
function dispositionParam(disposition: string, param: string): string | undefined {
	const match =
		new RegExp(`(?:^|;)\\s*${param}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition) ?? new RegExp(`(?:^|;)\\s*${param}=([^;\\s]+)`, 'i').exec(disposition);
	if (!match?.[1] && match?.[1] !== '') return undefined;
	return match[1].replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}
