import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { openStore, type Store } from '../../src/store/store.js';

/** A real Keyv + SQLite store on a fresh temp file for every test, handed to `use`, closed and deleted after. */
export function useTempStore(name: string, use: (store: Store) => void): void {
	let dir: string;
	let store: Store;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), `paperboy-${name}-`));
		store = await openStore(`sqlite://${join(dir, 'paperboy.sqlite')}`, silentLogger);
		use(store);
	});
	afterEach(async () => {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});
}
