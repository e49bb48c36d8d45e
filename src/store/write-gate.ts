import { stat } from 'node:fs/promises';
import type { Logger } from '../log.js';
import { StoreError } from './errors.js';
import type { StoreHealth } from './health.js';
import { StoreMessages } from './messages.js';

/**
 * How often writes re-check that the path still names the file the store opened. A stat costs microseconds,
 * but a fan-out writes thousands of records a minute; a few seconds bounds what lands in a deleted file.
 */
export const FILE_CHECK_INTERVAL_MS = 2_000;

export interface WriteGate {
	/** Throws the refusal once writes are refused; re-checks the file first when the last check is old enough. */
	assertWritable(): Promise<void>;
	/** Checks the file now (lease renewals call this); the refusal it finds, if any. */
	checkFile(): Promise<StoreError | undefined>;
	/** Refuses every later write with `error` (the lease was lost); logged by whoever decided it. */
	refuse(error: StoreError): void;
	readonly refusal: StoreError | undefined;
}

export interface WriteGateOptions {
	logger: Logger;
	health: StoreHealth;
	intervalMs?: number;
	now?: () => number;
}

/**
 * An open SQLite connection keeps writing to its inode after the path is deleted or replaced (a volume
 * remounted, a restore copied over it): every change would be lost at the next restart while each reply says
 * "saved". Comparing the path's device and inode with the opened file's catches both. A database server has
 * no file to watch (`file` undefined): its gate only carries a refusal (the lease lost).
 */
export async function createWriteGate(file: string | undefined, options: WriteGateOptions): Promise<WriteGate> {
	const { logger, health } = options;
	const intervalMs = options.intervalMs ?? FILE_CHECK_INTERVAL_MS;
	const now = options.now ?? Date.now;
	const opened = file === undefined ? undefined : await stat(file);
	let refusal: StoreError | undefined;
	let checkedAt = now();

	const refuse = (error: StoreError) => {
		if (refusal) return;
		refusal = error;
		health.recordRefusal(error);
	};
	const checkFile = async () => {
		if (refusal) return refusal;
		if (file === undefined || opened === undefined) return undefined;
		checkedAt = now();
		const current = await stat(file).catch(() => undefined);
		if (current && current.dev === opened.dev && current.ino === opened.ino) return undefined;
		if (refusal) return refusal;
		const error = new StoreError(StoreMessages.fileReplaced(file, current ? 'replaced' : 'deleted'), file, { kind: 'replaced' });
		refuse(error);
		// Once: every later write is refused with the same error, and the dispatcher logs each refused command.
		logger.error(error.message, { file, error });
		return error;
	};
	return {
		async assertWritable() {
			if (!refusal && file !== undefined && now() - checkedAt >= intervalMs) await checkFile();
			if (refusal) throw new StoreError(refusal.message, refusal.file, { kind: refusal.kind, cause: refusal });
		},
		checkFile,
		refuse,
		get refusal() {
			return refusal;
		},
	};
}
