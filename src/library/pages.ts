import { paginate, type Page } from '../browse/pages.js';
import { UserError } from '../errors.js';
import type { LibraryRecord, SavedPaper } from '../store/records.js';
import { selectSaved } from './library.js';
import { LibraryLimits } from './limits.js';
import { LibraryMessages } from './messages.js';

/**
 * One page (zero-based) of the library, newest save first, optionally one tag's. A page typed past the end is a
 * UserError; a button's page (`clamp`) falls back to the last one, since an unsave may have shortened the library.
 */
export function libraryPage(record: LibraryRecord | undefined, tag: string | undefined, page: number, clamp: boolean): Page<SavedPaper> {
	const saved = selectSaved(record, tag);
	const current = paginate(saved, page, LibraryLimits.pageSize);
	if (!clamp && current.page !== page) throw new UserError(LibraryMessages.pageOutOfRange(page + 1, current.pageCount));
	return current;
}
