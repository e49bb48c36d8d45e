import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { createArxivSource } from './arxiv.js';
import { createHfSource } from './hf.js';
import type { LiveSource, SourceName } from './types.js';

/** The sources the configuration switches on (HF unless HF_ENABLED=false, arXiv when ARXIV_CATEGORIES is set), optionally just one. */
export function createConfiguredSources(
	config: Pick<Config, 'hfBaseUrl' | 'hfEnabled' | 'arxivBaseUrl' | 'arxivCategories' | 'sourceTimeoutMs'>,
	options: { only?: SourceName; logger?: Logger; signal?: AbortSignal } = {},
): LiveSource[] {
	const sources: LiveSource[] = [];
	const logger = { ...(options.logger ? { logger: options.logger } : {}), ...(options.signal ? { http: { signal: options.signal } } : {}) };
	if (config.hfEnabled && (options.only ?? 'hf') === 'hf') {
		sources.push(createHfSource({ baseUrl: config.hfBaseUrl, timeoutMs: config.sourceTimeoutMs, ...logger }));
	}
	if (config.arxivCategories.length > 0 && (options.only ?? 'arxiv') === 'arxiv') {
		sources.push(createArxivSource({ baseUrl: config.arxivBaseUrl, categories: config.arxivCategories, timeoutMs: config.sourceTimeoutMs, ...logger }));
	}
	return sources;
}
