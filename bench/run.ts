import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { repoRoot } from './corpus.js';
import { SECTIONS, type BenchResult, type BenchSection } from './sections.js';

/**
 * `npm run bench [-- --json] [-- --only search]`: runs every section's scripts one after another, each
 * in a fresh process, and prints a table per section (or all results as JSON).
 */

const USAGE = 'usage: npm run bench -- [--json] [--only <section>[,<section>…]]';

const { values } = parseArgs({
	options: { json: { type: 'boolean', default: false }, only: { type: 'string', multiple: true } },
	strict: true,
});
const only = new Set(
	(values.only ?? [])
		.flatMap((names) => names.split(','))
		.map((name) => name.trim())
		.filter(Boolean),
);
const unknown = [...only].filter((name) => !SECTIONS.some((section) => section.name === name));
if (unknown.length > 0) {
	process.stderr.write(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((section) => section.name).join(', ')}\n${USAGE}\n`);
	process.exit(2);
}
const chosen = SECTIONS.filter((section) => only.size === 0 || only.has(section.name));

const report: Record<string, BenchResult[]> = {};
for (const section of chosen) {
	report[section.name] = section.runs.map((run) => {
		if (!values.json) process.stderr.write(`[bench] ${section.name}: ${run.label}…\n`);
		return { label: run.label, ...runScript(run.script, run.args ?? []) };
	});
}
if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else for (const section of chosen) process.stdout.write(`${formatTable(section, report[section.name] ?? [])}\n`);

function runScript(script: string, args: readonly string[]): BenchResult {
	const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
		cwd: repoRoot,
		encoding: 'utf8',
		maxBuffer: 16 * 1024 * 1024,
	});
	const lastLine = child.stdout.trim().split('\n').pop() ?? '';
	if (child.status === 0) {
		try {
			return JSON.parse(lastLine) as BenchResult;
		} catch {
			return { error: `no JSON result line from ${script}` };
		}
	}
	const reason =
		child.error?.message ??
		child.stderr
			.trim()
			.split('\n')
			.find((line) => /error/i.test(line)) ??
		`exit code ${child.status}`;
	return { error: reason.slice(0, 300) };
}

function formatTable(section: BenchSection, results: readonly BenchResult[]): string {
	const headers = section.columns.map((column) => column.header);
	const rows = results.map((result) =>
		result.error ? [String(result.label), `error: ${String(result.error)}`] : section.columns.map((column) => String(column.value(result) ?? '')),
	);
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row.length === headers.length ? (row[i] ?? '').length : 0))));
	const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ');
	return [
		section.title,
		line(headers),
		widths.map((width) => '-'.repeat(width)).join('-|-'),
		...rows.map((row) => (row.length === headers.length ? line(row) : row.join(': '))),
	].join('\n');
}
