import type { Collection } from './collection.js';
import { isStoreError } from './errors.js';
import type { StoreHealth } from './health.js';
import type { WriteGate } from './write-gate.js';

/** Methods that change the file; matched by name so a write method added to Collection is listed here. */
const WRITE_METHODS: ReadonlySet<string> = new Set(['set', 'setMany', 'delete', 'update']);

/**
 * The collection as the rest of the bot sees it: every write passes the gate first (file deleted or replaced,
 * lease lost), and every outcome feeds the in-memory health shown by `/paper stats` and `/digest list`.
 */
export function guardCollection<T>(collection: Collection<T>, gate: WriteGate, health: StoreHealth): Collection<T> {
	const guarded: Record<string, unknown> = {};
	for (const [method, member] of Object.entries(collection)) {
		if (typeof member !== 'function') {
			guarded[method] = member;
			continue;
		}
		const write = WRITE_METHODS.has(method);
		guarded[method] = async (...parameters: unknown[]) => {
			try {
				if (write) await gate.assertWritable();
				const result: unknown = await member.apply(collection, parameters);
				if (write) health.recordWrite();
				return result;
			} catch (error) {
				if (isStoreError(error)) health.recordError(error);
				throw error;
			}
		};
	}
	return guarded as unknown as Collection<T>;
}
