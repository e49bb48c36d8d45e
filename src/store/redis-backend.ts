import KeyvRedis, { createClient } from '@keyv/redis';
import Keyv from 'keyv';
import { chunk, compareKeys, type BackendContext, type NamespaceBackend, type RawChange, type RawRow, type StoreBackend } from './backend.js';

/** @keyv/redis's separator: a namespace's keys are `<namespace>::<key>` (Keyv itself adds no prefix here). */
const SEPARATOR = '::';
/** Keys per MGET, MULTI, SCAN page and script call. */
const BATCH_KEYS = 1_000;
const CONNECT_TIMEOUT_MS = 5_000;
const RECONNECT_MAX_MS = 2_000;

/**
 * The compare-and-set batch, atomic per call (a script runs alone on the server). Per key, ARGV holds five
 * fields: expected present ('1'/'0'), expected, next present ('1'/'0'), next, TTL in ms ('0': keep the row's).
 */
const SWAP_SCRIPT = `
local applied = {}
for index, key in ipairs(KEYS) do
	local base = (index - 1) * 5
	local current = redis.call('GET', key)
	local matches
	if ARGV[base + 1] == '1' then matches = current == ARGV[base + 2] else matches = current == false end
	if matches then
		if ARGV[base + 3] == '1' then
			local ttl = tonumber(ARGV[base + 5])
			if ttl > 0 then redis.call('SET', key, ARGV[base + 4], 'PX', ttl) else redis.call('SET', key, ARGV[base + 4], 'KEEPTTL') end
		else
			redis.call('DEL', key)
		end
		applied[#applied + 1] = key
	end
end
return applied
`;

type Client = ReturnType<typeof createClient>;

/**
 * A Redis server through one client per store, shared by every namespace's @keyv/redis adapter. Commands fail
 * at once while the connection is down (no offline queue): a write the bot cannot make must be a StoreError
 * now, not a promise that hangs until the server is back. The client reconnects by itself once it had connected.
 *
 * Prefix listings SCAN the namespace's pattern and sort the keys: always exactly what is stored (Keyv's own
 * writes and TTL expiry included), where a sorted-set index would have to follow every write and expiry.
 * One listing costs a pass over the keyspace in pages of 1,000 keys, a few milliseconds per 10,000 keys.
 */
export function openRedisBackend(url: string, label: string, context: BackendContext): StoreBackend {
	let connectedOnce = false;
	const client: Client = createClient({
		url,
		disableOfflineQueue: true,
		socket: {
			connectTimeout: CONNECT_TIMEOUT_MS,
			// Before the first connection a failure ends the attempt (the open fails loudly); after it, reconnect.
			reconnectStrategy: (retries: number) => (connectedOnce ? Math.min(100 * 2 ** retries, RECONNECT_MAX_MS) : false),
		},
	});
	// Every namespace's adapter listens on this one client.
	client.setMaxListeners(64);
	// node-redis emits every socket error; unheard, an 'error' event would crash the process.
	client.on('error', (error: unknown) => context.logger.debug('redis connection error', { database: label, error: context.fault('connection', error) }));
	const connected = client.connect().then(() => {
		connectedOnce = true;
	});
	connected.catch(() => {});
	const namespaces = new Map<string, NamespaceBackend>();
	let closing: Promise<void> | undefined;
	return {
		kind: 'redis',
		label,
		namespace(name) {
			let opened = namespaces.get(name);
			if (!opened) namespaces.set(name, (opened = openNamespace(name, client, connected, context)));
			return opened;
		},
		close: () =>
			(closing ??= (async () => {
				await connected.catch(() => {});
				if (!client.isOpen) return;
				try {
					await client.close();
				} catch (error) {
					context.logger.debug('store close failed', { database: label, error: context.fault('closing', error) });
					client.destroy();
				}
			})()),
	};
}

function openNamespace(name: string, client: Client, connected: Promise<void>, context: BackendContext): NamespaceBackend {
	const adapter = new KeyvRedis(client as never, { namespace: name, throwOnErrors: true, throwOnConnectError: true });
	// useKeyPrefix false: the adapter prefixes (`name::key`); Keyv's own `name:` on top would double it.
	const keyv = new Keyv({ store: adapter, namespace: name, useKeyPrefix: false, throwOnErrors: true });
	keyv.on('error', (error: unknown) => context.logger.debug('store error event', { namespace: name, error: context.fault('adapter', error) }));
	const head = `${name}${SEPARATOR}`;
	const prefixed = (key: string) => `${head}${key}`;
	const ready = (async () => {
		try {
			await connected;
			await client.ping();
		} catch (error) {
			throw context.fault(`cannot open (namespace "${name}")`, error);
		}
	})();
	ready.catch(() => {});
	const mget = async (keys: readonly string[]) => (await client.mGet(keys.map(prefixed))) as Array<string | null>;
	const scan = async (prefix: string): Promise<string[]> => {
		const found = new Set<string>();
		const match = `${escapeGlob(prefixed(prefix))}*`;
		let cursor = '0';
		do {
			const page = (await client.scan(cursor, { MATCH: match, COUNT: BATCH_KEYS, TYPE: 'string' })) as { cursor: string | number; keys: string[] };
			cursor = String(page.cursor);
			// SCAN may repeat a key; a Set keeps one.
			for (const key of page.keys) found.add(key.slice(head.length));
		} while (cursor !== '0');
		return [...found];
	};
	return {
		name,
		keyv,
		ready,
		async read(keys) {
			const found = new Map<string, string>();
			for (const part of chunk(keys, BATCH_KEYS)) {
				const values = await mget(part);
				part.forEach((key, index) => {
					const value = values[index];
					if (typeof value === 'string') found.set(key, value);
				});
			}
			return found;
		},
		async write(rows) {
			for (const part of chunk(rows, BATCH_KEYS)) {
				const multi = client.multi();
				for (const [key, value] of part) multi.set(prefixed(key), value);
				await multi.exec();
			}
		},
		async list(prefix) {
			const keys = (await scan(prefix)).sort(compareKeys);
			const rows: RawRow[] = [];
			for (const part of chunk(keys, BATCH_KEYS)) {
				const values = await mget(part);
				part.forEach((key, index) => {
					const value = values[index];
					// Deleted or expired between the SCAN and the MGET.
					if (typeof value === 'string') rows.push([key, value]);
				});
			}
			return rows;
		},
		async count() {
			return (await scan('')).length;
		},
		async swap(changes) {
			const effective = changes.filter((change) => change.expected !== undefined || change.next !== undefined);
			const [only] = effective;
			// Claiming an absent key alone is Redis's own primitive.
			if (effective.length === 1 && only && only.expected === undefined && only.next !== undefined) {
				const reply = await client.set(prefixed(only.key), only.next, {
					condition: 'NX',
					...(only.ttlMs ? { expiration: { type: 'PX', value: Math.ceil(only.ttlMs) } } : {}),
				});
				return reply === null ? [] : [only.key];
			}
			const applied: string[] = [];
			for (const part of chunk(effective, BATCH_KEYS)) {
				const reply = (await client.eval(SWAP_SCRIPT, {
					keys: part.map((change) => prefixed(change.key)),
					arguments: part.flatMap(scriptArguments),
				})) as string[];
				applied.push(...reply.map((key) => key.slice(head.length)));
			}
			return applied;
		},
		async query() {
			throw new Error('DATABASE_URL names a Redis server, which runs no SQL');
		},
	};
}

function scriptArguments(change: RawChange): string[] {
	return [
		change.expected === undefined ? '0' : '1',
		change.expected ?? '',
		change.next === undefined ? '0' : '1',
		change.next ?? '',
		String(change.ttlMs && change.ttlMs > 0 ? Math.ceil(change.ttlMs) : 0),
	];
}

/** A prefix taken literally by SCAN's MATCH. */
function escapeGlob(text: string): string {
	return text.replace(/[*?[\]\\]/g, '\\$&');
}
