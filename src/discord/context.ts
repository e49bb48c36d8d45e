import type { BotMetrics } from '../metrics/metrics.js';
import type { Config } from '../config.js';
import type { CommandData } from './command.js';
import type { TopicMatcher } from '../digests/topics.js';
import type { Logger } from '../log.js';
import type { PaperIndex } from '../search/index.js';
import type { QueryMemo, Store } from '../store/store.js';

/** Everything a command handler may use; handlers get it as a parameter, never from globals. */
export interface BotContext {
	config: Config;
	index: PaperIndex;
	/** Search queries too long for a button's custom_id, by hash, so pagination survives restarts. */
	queries: QueryMemo;
	/** Subscriptions, follows and delivery records (digest commands read and write them). */
	store: Store;
	/** Fuzzy topic matching through `index`, the same matcher the scheduler uses, so a preview shows what will be posted. */
	matchTopics: TopicMatcher;
	logger: Logger;
	clock: () => Date;
	/** Tell the bot digest times changed (subscribe, follow, …) so the pre-digest ingest follows them. Never throws. */
	schedulesChanged: () => void;
	/** The registration data of the commands this bot answers (what /paper help lists). */
	commands: readonly CommandData[];
	/** Counts every interaction by command and outcome, with its reply latency (Prometheus, when METRICS_PORT is set). */
	metrics?: Pick<BotMetrics, 'interactionHandled'>;
}
