/** The live sources' public surface: what the bot, the CLI and the store wire together. */
export { ARXIV_DEFAULTS, arxivQueryUrl, categorySearchQuery, createArxivSource, fetchArxivQuery } from './arxiv.js';
export { paperFromArxivEntry, parseArxivFeed, type ArxivEntry, type ArxivFeed } from './arxiv-feed.js';
export { formatCut } from './cut.js';
export { createConfiguredSources } from './from-config.js';
export { createHfSource, fetchHfDay, HF_DEFAULTS, parseHfDailyPapers } from './hf.js';
export { fetchText, HTTP_DEFAULTS } from './http.js';
export { ingestOnce, INGEST_LIMITS, resolveDates } from './ingest.js';
export { createRateLimiter } from './limiter.js';
export { isSamePaper, mergePaper } from './merge.js';
export { cronBefore, scheduleIngest, SCHEDULE_DEFAULTS, type IngestSchedule } from './schedule.js';
export { isSourceError, SourceError } from './source-error.js';
export { applyStatusUpdate, formatSourceStatus, formatStatusCut } from './status.js';
export * from './types.js';
