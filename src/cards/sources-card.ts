import { formatStatusCut } from '../papers/sources/status.js';
import { toSafeMarkdown } from './escape.js';
import { EPHEMERAL_FLAG } from './limits.js';
import { CARD_COLOR } from './paper-text.js';
import type { Embed, EmbedField, MessagePayload } from './types.js';

/** A source's kept status (the store's SourceStatusRecord fits). */
export interface SourceStatusView {
	name: string;
	lastSuccessAt?: string;
	lastErrorAt?: string;
	lastError?: string;
	added?: number;
	/** What the last successful fetch cut to stay within the limits (see PAPER_LIMITS). */
	lastTruncated?: number;
	lastDroppedEntries?: number;
	lastInvalidUtf8?: number;
}

export interface SourcesCardOptions {
	/** Papers the search index holds (seeds plus ingested). */
	corpusSize?: number;
	/** Of those, papers read from the store at start-up or ingested since. */
	storedCount?: number;
	/** One line when the store is unhealthy (StoreMessages.healthWarning), shown first. */
	storeWarning?: string;
}

export const SourcesCardBudget = Object.freeze({
	/** Known sources plus a few stale names at most; 10 fields of at most ~550 characters stay under 6,000. */
	sources: 10,
	error: 300,
	sourceName: 60,
	storeWarning: 300,
	/** The "Cut on last fetch" line: three counts and their words (longer counts end in "…"). */
	cut: 110,
});

const SOURCE_LABELS: Readonly<Record<string, string>> = Object.freeze({ hf: 'Hugging Face Daily Papers', arxiv: 'arXiv' });
const FAILING_COLOR = 0xd9534f;

/**
 * `/paper stats`: papers in the corpus, then per source whether it is on, its last successful fetch, the papers
 * it added and its last error (flagged when newer than the last success). Sources that are on come first, in
 * the order given; a source with a status but no longer configured is shown as off.
 */
export function formatSourcesCard(
	statuses: readonly SourceStatusView[],
	enabled: Readonly<Record<string, boolean>>,
	options: SourcesCardOptions = {},
): MessagePayload {
	const byName = new Map((Array.isArray(statuses) ? statuses : []).map((status) => [String(status.name), status]));
	const names = [...new Set([...Object.keys(enabled), ...byName.keys()])].slice(0, SourcesCardBudget.sources);
	const fields = names.map((name) => formatSourceField(name, byName.get(name), enabled[name] === true));
	const failing = names.some((name) => enabled[name] === true && isFailing(byName.get(name)));
	const embed: Embed = {
		title: 'Paper sources',
		description: describeCorpus(
			options,
			names.some((name) => enabled[name] === true),
		),
		color: failing || options.storeWarning ? FAILING_COLOR : CARD_COLOR,
	};
	if (fields.length > 0) embed.fields = fields;
	return { embeds: [embed], allowed_mentions: { parse: [] }, flags: EPHEMERAL_FLAG };
}

function describeCorpus(options: SourcesCardOptions, anyOn: boolean): string {
	const lines: string[] = [];
	if (options.storeWarning) lines.push(toSafeMarkdown(options.storeWarning, SourcesCardBudget.storeWarning));
	if (isCount(options.corpusSize)) {
		const stored = isCount(options.storedCount) ? ` (${options.storedCount} ingested from live sources)` : '';
		lines.push(`**${options.corpusSize}** ${options.corpusSize === 1 ? 'paper' : 'papers'} in the corpus${stored}.`);
	}
	if (!anyOn) lines.push('No live source is switched on: only the shipped seeds and papers ingested earlier are served.');
	return lines.join('\n') || 'Live sources and what they fetched.';
}

function formatSourceField(name: string, status: SourceStatusView | undefined, on: boolean): EmbedField {
	const label = toSafeMarkdown(SOURCE_LABELS[name] ?? name, SourcesCardBudget.sourceName) || 'unnamed source';
	const failing = on && isFailing(status);
	const lines = [`Last success: ${formatInstant(status?.lastSuccessAt) ?? 'never'}`, `Papers added: ${isCount(status?.added) ? status.added : 0}`];
	const cut = formatStatusCut(status);
	if (cut) lines.push(toSafeMarkdown(`Cut on last fetch: ${cut}`, SourcesCardBudget.cut));
	if (status?.lastError) {
		const when = formatInstant(status.lastErrorAt);
		const reason = toSafeMarkdown(status.lastError, SourcesCardBudget.error);
		lines.push(`${failing ? '⚠️ Failing' : 'Last error'}${when ? ` ${when}` : ''}: ${reason}`);
	}
	return { name: `${label} · ${on ? (failing ? 'on, failing' : 'on') : 'off'}`, value: lines.join('\n') };
}

/** An error newer than the last success (or with no success at all) means the source is failing now. */
function isFailing(status: SourceStatusView | undefined): boolean {
	if (!status?.lastErrorAt) return false;
	return !status.lastSuccessAt || status.lastErrorAt > status.lastSuccessAt;
}

/** Discord renders `<t:…:R>` in each reader's locale and keeps it relative ("3 hours ago"). */
function formatInstant(iso: string | undefined): string | undefined {
	if (typeof iso !== 'string') return undefined;
	const time = Date.parse(iso);
	return Number.isFinite(time) ? `<t:${Math.floor(time / 1000)}:R>` : undefined;
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
