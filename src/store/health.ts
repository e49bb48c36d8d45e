import type { StoreError, StoreFaultKind } from './errors.js';

export interface StoreFault {
	kind: StoreFaultKind;
	message: string;
	/** ISO instant. */
	at: string;
}

export interface StoreHealthSnapshot {
	/** True while the latest storage error is newer than the latest successful write, or writes are refused. */
	failing: boolean;
	lastError?: StoreFault;
	/** Distinct rows found unreadable (skipped in listings) since start-up. */
	corruptRows: number;
}

/** Kept in memory only: a store that cannot write could not record its own failure. */
export interface StoreHealth {
	recordError(error: StoreError): void;
	recordWrite(): void;
	recordCorruptRow(namespace: string, key: string): void;
	/** Writes are refused for good (file replaced, lease lost): failing until restart, whatever succeeds later. */
	recordRefusal(error: StoreError): void;
	snapshot(): StoreHealthSnapshot;
}

export function createStoreHealth(now: () => Date = () => new Date()): StoreHealth {
	let lastError: StoreFault | undefined;
	// Sequence numbers rather than instants: an error and a write in the same millisecond still order.
	let sequence = 0;
	let errorSequence = 0;
	let writeSequence = 0;
	let refused = false;
	const corrupt = new Set<string>();
	const record = (error: StoreError) => {
		lastError = { kind: error.kind, message: error.message, at: now().toISOString() };
		errorSequence = ++sequence;
	};
	return {
		recordError(error) {
			// A refusal stays the story (and its time the "since") until restart: each refused write repeats it.
			if (!refused) record(error);
		},
		recordWrite() {
			writeSequence = ++sequence;
		},
		recordCorruptRow(namespace, key) {
			corrupt.add(`${namespace}:${key}`);
		},
		recordRefusal(error) {
			refused = true;
			record(error);
		},
		snapshot() {
			const failing = refused || (lastError !== undefined && errorSequence > writeSequence);
			return { failing, ...(lastError ? { lastError: { ...lastError } } : {}), corruptRows: corrupt.size };
		},
	};
}
