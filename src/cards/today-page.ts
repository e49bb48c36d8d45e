import type { Paper } from '../papers/paper.js';
import { encodeTodayPage, isValidDay } from './custom-ids.js';
import { toSafeMarkdown } from './escape.js';
import { countLabel, formatListPage } from './paper-list.js';
import type { MessagePayload } from './types.js';

export interface TodayPageInput {
	/** The listing day, `YYYY-MM-DD`. */
	day: string;
	/** This page's papers, already ranked (by upvotes when known). */
	papers: Paper[];
	/** 0-based. */
	page: number;
	pageCount: number;
	/** All papers of the day, for the footer. */
	total?: number;
	/** Defaults to encodeTodayPage(page, day). */
	pageButton?: (page: number) => string;
	pageSize?: number;
}

/** An ephemeral page of one listing day's papers with Previous/Next. Takes an input object or (day, papers, page, pageCount). */
export function formatTodayPage(input: TodayPageInput): MessagePayload;
export function formatTodayPage(day: string, papers: Paper[], page: number, pageCount: number): MessagePayload;
export function formatTodayPage(first: TodayPageInput | string, papers?: Paper[], page?: number, pageCount?: number): MessagePayload {
	const input: TodayPageInput =
		typeof first === 'object' && first !== null ? first : { day: String(first), papers: papers ?? [], page: page ?? 0, pageCount: pageCount ?? 1 };
	const day = String(input.day ?? '');
	const shownDay = toSafeMarkdown(day, 32);
	const defaultButton = (target: number) => (isValidDay(day) ? encodeTodayPage(target, day) : undefined);
	return formatListPage({
		title: shownDay ? `Papers listed on ${shownDay}` : 'Latest papers',
		papers: input.papers,
		page: input.page,
		pageCount: input.pageCount,
		pageSize: input.pageSize,
		footer: input.total === undefined ? undefined : countLabel(input.total, 'paper'),
		empty: 'No papers were listed that day.',
		idFor: input.pageButton ?? defaultButton,
	});
}
