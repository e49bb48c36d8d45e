import KeyvSqlite from '@keyv/sqlite';
import type { BackendContext } from './backend.js';

export interface SqliteReader {
	/** Opens the connection; a failure leaves reads on the namespaces' own connections (logged, not fatal). */
	open(): Promise<void>;
	isOpen(): boolean;
	query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
	close(): Promise<void>;
}

/**
 * One connection for every namespace's reads. SQLite serializes the statements of a connection, so a read on a
 * writing connection waits out that connection's commit; on its own connection, under WAL, it reads the last
 * commit at once. `query_only` keeps anything that slipped through from writing past the write queue.
 */
export function createSqliteReader(file: string, busyTimeout: number, context: BackendContext): SqliteReader {
	let adapter: KeyvSqlite | undefined;
	let opening: Promise<void> | undefined;
	let closed = false;
	return {
		open: () =>
			(opening ??= (async () => {
				const connecting = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout });
				try {
					await connecting.query('PRAGMA query_only = 1');
				} catch (error) {
					context.logger.warn('store read connection failed; reads share the writers', { error });
					await connecting.disconnect().catch(() => undefined);
					return;
				}
				if (closed) await connecting.disconnect().catch(() => undefined);
				else adapter = connecting;
			})()),
		isOpen: () => adapter !== undefined,
		query: (sql, ...parameters) => {
			if (!adapter) return Promise.reject(new Error('the store read connection is not open'));
			return adapter.query(sql, ...parameters) as Promise<unknown[]>;
		},
		async close() {
			closed = true;
			await opening;
			const open = adapter;
			adapter = undefined;
			await open?.disconnect().catch((error: unknown) => context.logger.debug('store read connection close failed', { error }));
		},
	};
}
