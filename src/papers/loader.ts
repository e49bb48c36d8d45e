import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { UserError } from '../errors.js';
import { decodeText } from './decode.js';
import { parseDailyDump } from './dump.js';
import { parsePaperJson, type PapersRead } from './json.js';
import { readJsonLinesFile } from './jsonl-file.js';
import type { FileReport, LoadProblem, LoadReport } from './load-report.js';
import { mergePapers } from './merge.js';
import type { Paper } from './paper.js';
import { StringPool } from './shared-strings.js';

export { formatLoadProblem, type FileReport, type LoadProblem, type LoadReport } from './load-report.js';

/**
 * Loads the corpus files of the seeds directory. A bad file or record never stops the load: it is
 * reported (file and line or record) and everything else still loads.
 */

export interface LoadOptions {
	/** Year for the text dump's year-less date line; default the most recent such day not after `now`. */
	papersYear?: number;
	now?: Date;
}

type FileKind = 'dump' | 'json' | 'jsonl';

const KINDS: Record<string, FileKind> = { '.txt': 'dump', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };
const gunzipAsync = promisify(gunzip);

export interface SeedsLoadOptions extends LoadOptions {
	/**
	 * The papers as they are read, a few hundred at a time, before the merge: the caller may move their abstracts off
	 * the heap, putting equal papers in their places, then or at any later call (the lists are read once all are in).
	 */
	onPapersRead?: PapersRead;
}

export async function loadSeedsDir(dir: string, options: SeedsLoadOptions = {}): Promise<LoadReport> {
	const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') throw new UserError(`Seeds directory not found: ${dir} (set SEEDS_DIR to the folder of corpus files)`);
		if (error.code === 'ENOTDIR') throw new UserError(`Seeds path is not a directory: ${dir}`);
		throw error;
	});
	const files: FileReport[] = [];
	const fileLists: Paper[][] = [];
	const strings = new StringPool();
	// Dotfiles (.gitkeep, .DS_Store) are by convention not content.
	const names = entries.filter((entry) => !entry.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	for (const entry of names) {
		const path = join(dir, entry.name);
		if (!entry.isFile() && !(entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())) {
			files.push(wholeFileSkip(path, 'not a regular file (subfolders are not read); skipped'));
			continue;
		}
		const { papers, report } = await loadPaperFile(path, options, (list, from, to) => {
			// As they are read, so the copies die young instead of piling up until the merge.
			strings.shareAll(list, from, to);
			options.onPapersRead?.(list, from, to);
		});
		fileLists.push(papers);
		files.push(report);
	}
	const all = fileLists.flat();
	fileLists.length = 0;
	const { papers, merged } = mergePapers(all);
	const problems = files.flatMap((file) => file.problems);
	if (files.length === 0) problems.push({ file: dir, message: 'no corpus files in the seeds directory' });
	return {
		papers,
		files,
		loaded: all.length,
		merged,
		skipped: files.reduce((sum, file) => sum + file.skipped, 0),
		problems,
	};
}

/**
 * Loads one `.txt` dump, `.json` array or `.jsonl` file, each optionally gzipped (`.jsonl.gz`). `onRead` sees the
 * papers before they are returned: a JSON Lines file's a few hundred at a time as they are read, any other's at once.
 */
export async function loadPaperFile(path: string, options: LoadOptions = {}, onRead?: PapersRead): Promise<{ papers: Paper[]; report: FileReport }> {
	const name = basename(path).toLowerCase();
	const gzipped = name.endsWith('.gz');
	const extension = extname(gzipped ? name.slice(0, -3) : name);
	const kind = KINDS[extension];
	if (!kind) {
		const what = extension ? `"${extension}${gzipped ? '.gz' : ''}"` : 'no extension';
		return { papers: [], report: wholeFileSkip(path, `unsupported file type (${what}); expected .txt, .json or .jsonl, optionally .gz; skipped`) };
	}

	if (kind === 'jsonl') {
		const read = await readJsonLinesFile(path, gzipped, onRead);
		if (!read.ok) return { papers: [], report: wholeFileSkip(path, read.reason, read.line) };
		const { papers, skipped, problems } = read.parsed;
		return { papers, report: { file: path, loaded: papers.length, skipped, problems } };
	}
	let bytes: Uint8Array;
	try {
		bytes = await readFile(path);
		if (gzipped) bytes = await gunzipAsync(bytes);
	} catch (error) {
		const reason = gzipped && (error as NodeJS.ErrnoException).code?.startsWith('Z_') ? 'not a valid gzip file' : 'cannot read file';
		return { papers: [], report: wholeFileSkip(path, `${reason}: ${(error as Error).message}`) };
	}
	if (bytes.length === 0) return { papers: [], report: { file: path, loaded: 0, skipped: 0, problems: [{ file: path, message: 'empty file, no papers' }] } };

	const decoded = decodeText(bytes);
	if (!decoded.ok) return { papers: [], report: wholeFileSkip(path, decoded.reason, decoded.line) };

	const parsed = kind === 'dump' ? parseDailyDump(decoded.text, { file: path, ...options }) : parsePaperJson(decoded.text, path);
	if (parsed.papers.length > 0) onRead?.(parsed.papers, 0, parsed.papers.length);
	return {
		papers: parsed.papers,
		report: { file: path, loaded: parsed.papers.length, skipped: parsed.skipped, problems: parsed.problems },
	};
}

function wholeFileSkip(file: string, message: string, line?: number): FileReport {
	const problem: LoadProblem = line === undefined ? { file, message } : { file, line, message };
	return { file, loaded: 0, skipped: 1, problems: [problem] };
}

export interface SeedFileStamp {
	name: string;
	size: number;
	mtimeMs: number;
	/** For text dumps: the listing days they resolve to, which move with the clock when no year is configured. */
	days?: string[];
}

/**
 * What the seeds directory holds, cheaply: names, sizes and modification times (a text dump is small and is
 * parsed, since its year-less date depends on `now`). Equal stamps mean loadSeedsDir would read the same papers.
 */
export async function stampSeedsDir(dir: string, options: LoadOptions = {}): Promise<SeedFileStamp[]> {
	const entries = await readdir(dir, { withFileTypes: true });
	const stamps: SeedFileStamp[] = [];
	for (const entry of entries.filter((item) => !item.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
		const path = join(dir, entry.name);
		const info = await stat(path).catch(() => undefined);
		if (!info) continue;
		const stamp: SeedFileStamp = { name: entry.name, size: info.size, mtimeMs: info.mtimeMs };
		if (/\.txt(\.gz)?$/i.test(entry.name)) stamp.days = [...new Set((await loadPaperFile(path, options)).papers.map((paper) => paper.listedOn))].sort();
		stamps.push(stamp);
	}
	return stamps;
}
