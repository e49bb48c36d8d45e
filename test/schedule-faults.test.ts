import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessagePayload } from '../src/cards/types.js';
import type { DigestPaper } from '../src/digests/compose.js';
import type { DeliveryLookup, DigestSender } from '../src/digests/deliver.js';
import { createDigestScheduler } from '../src/digests/schedule.js';
import { createLogger } from '../src/log.js';
import { openCollection } from '../src/store/collection.js';
import type { Follow, Subscription } from '../src/store/records.js';
import { openStore, type Store } from '../src/store/store.js';

/** The scheduler when one collection fails: the other's digests still go out, and the failure is logged. */

class RecordingSender implements DigestSender {
	sent: string[] = [];
	async sendToChannel(channelId: string, _payload: MessagePayload) {
		this.sent.push(channelId);
		return { messageId: `m${this.sent.length}` };
	}
	async openDm(userId: string) {
		return { channelId: `dm-${userId}` };
	}
	async findDelivery(): Promise<DeliveryLookup> {
		return { kind: 'absent' };
	}
}

const papers: DigestPaper[] = [{ id: 'p1', title: 'Paper one', abstract: '', authors: [], listedOn: '2026-03-14', source: 'hf-daily' }];
const created = '2026-03-01T00:00:00.000Z';
const subscription = (channelId: string): Subscription => ({
	guildId: 'g',
	channelId,
	time: '09:00',
	timezone: 'UTC',
	topics: [],
	maxPapers: 10,
	createdBy: 'u',
	createdAt: created,
});
const follow = (userId: string): Follow => ({ userId, time: '09:00', timezone: 'UTC', topics: [], createdAt: created });

let dir: string;
let store: Store;
let lines: string[];

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'paperboy-schedule-faults-'));
	store = await openStore(`sqlite://${join(dir, 'paperboy.sqlite')}`, createLogger({ write: () => {} }));
	lines = [];
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('createDigestScheduler', () => {
	it('still delivers every channel digest when the follows cannot be read, and logs why', async () => {
		await store.subscriptions.setMany([
			['g:c1', subscription('c1')],
			['g:c2', subscription('c2')],
		]);
		await store.follows.set('u1', follow('u1'));
		// A follows collection whose connection is gone: every read of it fails with a real StoreError.
		const broken = openCollection<Follow>(store.file, 'follows', createLogger({ write: () => {} }));
		await broken.ready;
		await broken.close();
		const sender = new RecordingSender();
		const logger = createLogger({ write: (line) => lines.push(line) });
		const scheduler = createDigestScheduler({
			store: { ...store, follows: broken.collection },
			sender,
			clock: () => new Date('2026-03-15T09:00:00Z'),
			logger,
			papers: () => papers,
		});

		const report = await scheduler.tick();
		expect(sender.sent.sort()).toEqual(['c1', 'c2']);
		expect(report.unreadable).toEqual(['follows']);
		const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.level === 'error');
		expect(logged).toMatchObject({ message: 'digest tick could not read follows; delivering the other digests', collection: 'follows' });
	});

	it('delivers the followers when a corrupt follow row is skipped', async () => {
		await store.follows.setMany([
			['u1', follow('u1')],
			['u2', follow('u2')],
		]);
		const raw = openCollection<Follow>(store.file, 'follows', createLogger({ write: () => {} }));
		await raw.ready;
		await raw.query(`UPDATE keyv SET value = 'not json' WHERE key = 'follows:u1'`);
		await raw.close();
		const sender = new RecordingSender();
		const scheduler = createDigestScheduler({
			store,
			sender,
			clock: () => new Date('2026-03-15T09:00:00Z'),
			logger: createLogger({ write: () => {} }),
			papers: () => papers,
		});

		await scheduler.tick();
		expect(sender.sent).toEqual(['dm-u2']);
		expect(store.health().corruptRows).toBe(1);
	});
});
