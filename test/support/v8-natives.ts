import { setFlagsFromString } from 'node:v8';

// V8's own view of an object, for the tests that guard against a layout costing memory (not timing).
setFlagsFromString('--allow-natives-syntax');
const fastProperties = new Function('object', 'return %HasFastProperties(object)') as (object: object) => boolean;

/** Whether V8 keeps the object's properties in fast mode (a shared hidden class), not a per-object dictionary. */
export function hasFastProperties(object: object): boolean {
	return fastProperties(object);
}
