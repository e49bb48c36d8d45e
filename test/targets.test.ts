import { describe, expect, it } from 'vitest';
import { digestNonce, NONCE_LENGTH } from '../src/digests/targets.js';

describe('digestNonce', () => {
	it("is stable per target and day, distinct otherwise, and within Discord's 25 characters", () => {
		const nonce = digestNonce('channel:123456789012345678', '2026-03-15');
		expect(nonce).toHaveLength(NONCE_LENGTH);
		expect(NONCE_LENGTH).toBeLessThanOrEqual(25);
		expect(digestNonce('channel:123456789012345678', '2026-03-15')).toBe(nonce);
		expect(digestNonce('channel:123456789012345678', '2026-03-16')).not.toBe(nonce);
		expect(digestNonce('user:123456789012345678', '2026-03-15')).not.toBe(nonce);
	});
});
