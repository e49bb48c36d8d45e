type GrowableArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** A copy of `array` with room for `size` elements: the index builds into typed arrays of unknown final size. */
export function grow<T extends GrowableArray>(array: T, size: number): T {
	const next = new (array.constructor as new (length: number) => T)(size);
	next.set(array);
	return next;
}
