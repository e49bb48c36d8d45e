import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryStatus } from '../digests/deliver.js';

/**
 * What the bot reports to Prometheus. One registry per bot (not prom-client's global one), so two bots in a
 * test process never share counters. Domain code never sees this: the bot feeds it from hooks.
 */
export interface BotMetrics {
	readonly registry: Registry;
	interactionHandled(command: string, kind: 'command' | 'autocomplete' | 'button', outcome: 'ok' | 'user-error' | 'failed', seconds: number): void;
	digestsDelivered(counts: Readonly<Record<DeliveryStatus, number>>): void;
	schedulerPassed(at: Date): void;
	ingestRan(source: string, outcome: 'ok' | 'failed', added: number): void;
	papersIndexed(count: number): void;
}

export const METRIC_PREFIX = 'paperboy_';

export function createBotMetrics(): BotMetrics {
	const registry = new Registry();
	// Process CPU, memory, GC and event-loop lag (nodejs_eventloop_lag_*), from prom-client itself.
	collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX, eventLoopMonitoringPrecision: 10 });
	const interactions = new Counter({
		name: `${METRIC_PREFIX}interactions_total`,
		help: 'Interactions handled, by command, kind and outcome',
		labelNames: ['command', 'kind', 'outcome'],
		registers: [registry],
	});
	const latency = new Histogram({
		name: `${METRIC_PREFIX}interaction_reply_seconds`,
		help: 'Time from an interaction arriving to its handler finishing (the reply sent)',
		labelNames: ['command', 'kind'],
		buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
		registers: [registry],
	});
	const digests = new Counter({
		name: `${METRIC_PREFIX}digests_total`,
		help: 'Digest deliveries by outcome (sent, empty, paused, failed, retry, …)',
		labelNames: ['outcome'],
		registers: [registry],
	});
	const lastPass = new Gauge({
		name: `${METRIC_PREFIX}scheduler_last_pass_seconds`,
		help: 'Unix time of the last digest scheduler pass',
		registers: [registry],
	});
	const ingestRuns = new Counter({
		name: `${METRIC_PREFIX}ingest_runs_total`,
		help: 'Live-source fetches by source and outcome',
		labelNames: ['source', 'outcome'],
		registers: [registry],
	});
	const ingestPapers = new Counter({
		name: `${METRIC_PREFIX}ingest_papers_added_total`,
		help: 'Papers added by each live source',
		labelNames: ['source'],
		registers: [registry],
	});
	const indexed = new Gauge({ name: `${METRIC_PREFIX}papers_indexed`, help: 'Papers in the search index', registers: [registry] });
	return {
		registry,
		interactionHandled(command, kind, outcome, seconds) {
			interactions.inc({ command, kind, outcome });
			latency.observe({ command, kind }, seconds);
		},
		digestsDelivered(counts) {
			for (const [outcome, count] of Object.entries(counts)) if (count > 0) digests.inc({ outcome }, count);
		},
		schedulerPassed(at) {
			lastPass.set(at.getTime() / 1000);
		},
		ingestRan(source, outcome, added) {
			ingestRuns.inc({ source, outcome });
			if (added > 0) ingestPapers.inc({ source }, added);
		},
		papersIndexed(count) {
			indexed.set(count);
		},
	};
}
