import { afterEach, describe, expect, it } from 'vitest';
import { createBotMetrics } from '../src/metrics/metrics.js';
import { StoreError } from '../src/store/errors.js';
import { startDigestHarness, type DigestHarness } from './support/digest-harness.js';

/** The opt-in metrics server of a real bot (METRICS_PORT=0 picks a free loopback port), scraped over HTTP. */

let harness: DigestHarness | undefined;
afterEach(async () => {
	await harness?.stop();
	harness = undefined;
});

async function scrape(h: DigestHarness, path: string): Promise<{ status: number; text: string; type: string | null }> {
	const response = await fetch(`http://127.0.0.1:${h.bot.metricsPort}${path}`);
	return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

describe('startMetricsServer', () => {
	it('serves Prometheus text with interactions by command and outcome, reply latency, digests, papers and event-loop lag', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z', { env: { METRICS_PORT: '0' } }));
		await h.command({ name: 'paper', subcommand: 'search', options: { query: 'difusion' } });
		await h.command({ name: 'digest', subcommand: 'subscribe', userId: h.emu.ids.adminId, options: { time: '25:00' } });
		await h.command({ name: 'digest', subcommand: 'subscribe', userId: h.emu.ids.adminId });
		await h.at('2026-03-15T09:00:00Z');
		const { status, text, type } = await scrape(h, '/metrics');
		expect(status).toBe(200);
		expect(type).toContain('text/plain');
		expect(text).toContain('paperboy_interactions_total{command="paper",kind="command",outcome="ok"} 1');
		expect(text).toContain('paperboy_interactions_total{command="digest",kind="command",outcome="user-error"} 1');
		expect(text).toMatch(/paperboy_interaction_reply_seconds_count\{command="paper",kind="command"\} 1/);
		expect(text).toMatch(/paperboy_digests_total\{outcome="sent"\} 1/);
		expect(text).toContain('paperboy_papers_indexed 63');
		expect(text).toContain('paperboy_nodejs_eventloop_lag_p99_seconds');
		expect(text).toMatch(/paperboy_scheduler_last_pass_seconds \d+/);
	});

	it('answers /healthz 200 once the gateway is up, the store writes and the scheduler has run, and 503 when the store fails', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z', { env: { METRICS_PORT: '0' } }));
		await h.at('2026-03-15T08:01:00Z');
		const healthy = await scrape(h, '/healthz');
		expect(healthy.status).toBe(200);
		expect(JSON.parse(healthy.text)).toMatchObject({ ok: true, checks: { gateway: true, store: true, scheduler: true } });
		h.bot.store.refuseWrites(new StoreError('test: writes refused', h.bot.store.file, { kind: 'replaced' }));
		const failing = await scrape(h, '/healthz');
		expect(failing.status).toBe(503);
		expect(JSON.parse(failing.text)).toMatchObject({ ok: false, checks: { store: false } });
		expect((await scrape(h, '/nope')).status).toBe(404);
	});

	it('serves nothing unless METRICS_PORT is set', async () => {
		const h = (harness = await startDigestHarness('2026-03-15T08:00:00Z'));
		expect(h.bot.metricsPort).toBeUndefined();
	});
});

describe('createBotMetrics', () => {
	it('keeps each bot’s counters apart (no global registry)', async () => {
		const one = createBotMetrics();
		const two = createBotMetrics();
		one.ingestRan('hf', 'ok', 3);
		expect(await one.registry.metrics()).toContain('paperboy_ingest_papers_added_total{source="hf"} 3');
		expect(await two.registry.metrics()).not.toContain('paperboy_ingest_papers_added_total{source="hf"}');
	});
});
