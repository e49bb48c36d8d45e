/**
 * How much one user's library holds. One record per user is read and written whole on every change, so the caps
 * keep it small enough to rewrite in milliseconds: 5,000 papers of typical size are about 1.5 MB of JSON.
 */
export const LibraryLimits = Object.freeze({
	papersPerUser: 5000,
	tagsPerPaper: 50,
	/** Characters (code points) in one tag. */
	tagChars: 32,
	/** Authors copied into a saved paper; collaboration papers list hundreds, and an export says "and others" past these. */
	authorsKept: 100,
	/** Papers on one /paper library page: two rows of five open buttons. */
	pageSize: 10,
	/** Tags named in an error that lists what the user has, before "and N more". */
	tagsListed: 15,
});
