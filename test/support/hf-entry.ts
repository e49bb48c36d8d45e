/** One Hugging Face Daily Papers API entry as a line of JSON Lines; `paper` overrides its paper's fields. */
export function hfEntryLine(id: string, title: string, paper: Record<string, unknown> = {}): string {
	return JSON.stringify({
		paper: { id, title, summary: 'An abstract.', authors: [], publishedAt: '2025-03-03T00:00:00Z', upvotes: 1, ...paper },
		publishedAt: '2025-03-03T00:00:00Z',
	});
}
