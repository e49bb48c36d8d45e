/** Pure builders of Discord message payloads; nothing here talks to Discord or imports discord.js. */
export * from './types.js';
export * from './limits.js';
export * from './escape.js';
export * from './custom-ids.js';
export * from './measure.js';
export { formatPaperCard, type PaperCardOptions } from './paper-card.js';
export { formatResultsPage, type ResultsPageInput } from './results-page.js';
export { formatTodayPage, type TodayPageInput } from './today-page.js';
export { formatTrendingPage, type TrendingPageInput } from './trending-page.js';
export { formatHelpCard, type HelpCommand, type HelpInput } from './help-card.js';
export { formatSimilarList, type SimilarListOptions } from './similar-list.js';
export { formatDigestList, type DigestListInput } from './digest-list.js';
export { formatNotice, type NoticeOptions } from './notice.js';
export { formatAutocompleteChoices } from './autocomplete.js';
