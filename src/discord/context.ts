import type { Config } from '../config.js';
import type { TopicMatcher } from '../digests/topics.js';
import type { Logger } from '../log.js';
import type { PaperIndex } from '../search/index.js';
import type { Store } from '../store/store.js';

/** Remembers search queries too long to fit in a button's custom_id, so pagination survives restarts. */
export interface QueryMemo {
	remember(hash: string, query: string): Promise<void>;
	recall(hash: string): Promise<string | undefined>;
}

/** Everything a command handler may use; handlers get it as a parameter, never from globals. */
export interface BotContext {
	config: Config;
	index: PaperIndex;
	queries: QueryMemo;
	/** Subscriptions, follows and delivery records (digest commands read and write them). */
	store: Store;
	/** Fuzzy topic matching through `index`, the same matcher the scheduler uses, so a preview shows what will be posted. */
	matchTopics: TopicMatcher;
	logger: Logger;
	clock: () => Date;
}
