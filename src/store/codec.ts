import Keyv from 'keyv';

/**
 * Keyv's own codec (the default every namespace uses), with a fast path. Keyv escapes strings that start with
 * ':' (and encodes Buffers) by walking every value in JavaScript, and undoes it with a JSON.parse reviver:
 * both several times slower than plain JSON, on every record a fan-out reads and writes. Records are plain
 * JSON (src/store/records.ts); where no string in the text starts with ':', Keyv's text and plain JSON's are
 * the same, so plain JSON serves, and Keyv's codec handles the rest, byte for byte as before.
 */
const keyv = new Keyv();
const keyvSerialize = keyv.serialize as (data: unknown) => string;
const keyvDeserialize = keyv.deserialize as (text: string) => unknown;

/**
 * In compact JSON a string value opens with `"` right after `:` (an object's value), `[` or `,` (an array's
 * element). A value starting with ':' therefore shows as one of these followed by `":`; inside a string a
 * quote is escaped (`\"`), so it cannot look like this. A key starting with ':' may match too: that only
 * sends the record the slow way.
 */
const COLON_STRING = /[:,[]":/;
/** The same, or a Buffer's JSON (`{"type":"Buffer",…}`), which Keyv writes as `:base64:`: one scan of the text for both. */
const KEYV_SPECIAL = /[:,[]":|"type":"Buffer"/;

export function serializeRecord(data: unknown): string {
	const text = JSON.stringify(data);
	return typeof text === 'string' && !KEYV_SPECIAL.test(text) ? text : keyvSerialize(data);
}

export function deserializeRecord(text: string): unknown {
	return COLON_STRING.test(text) ? keyvDeserialize(text) : JSON.parse(text);
}
