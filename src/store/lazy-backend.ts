import type { NamespaceBackend, StoreBackend } from './backend.js';
import type { BackendKind } from './database-url.js';

/**
 * A server backend whose driver module is imported only when the server is used: the Redis and PostgreSQL
 * clients take a quarter of a second to import, which every SQLite start (the default) would pay otherwise.
 * Until the module is there, each namespace's `ready` waits for it, and so does every operation.
 */
export function lazyBackend(kind: BackendKind, label: string, load: () => Promise<StoreBackend>): StoreBackend {
	let opened: Promise<StoreBackend> | undefined;
	const backend = () => (opened ??= load());
	return {
		kind,
		label,
		namespace(name) {
			let inner: NamespaceBackend | undefined;
			const ready = backend().then((loaded) => {
				inner = loaded.namespace(name);
				return inner.ready;
			});
			const opened = async () => {
				await ready;
				return inner as NamespaceBackend;
			};
			return {
				name,
				get keyv() {
					if (!inner) throw new Error(`namespace ${name} used before it was ready`);
					return inner.keyv;
				},
				ready,
				read: async (keys) => (await opened()).read(keys),
				write: async (rows) => (await opened()).write(rows),
				list: async (prefix) => (await opened()).list(prefix),
				count: async () => (await opened()).count(),
				swap: async (changes) => (await opened()).swap(changes),
				query: async (sql, ...parameters) => (await opened()).query(sql, ...parameters),
			};
		},
		close: async () => {
			// A driver that never loaded has nothing open.
			const loaded = await opened?.catch(() => undefined);
			await loaded?.close();
		},
	};
}
