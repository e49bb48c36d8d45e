import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { repoRoot } from './corpus.js';
import { MODE_VARIABLES } from '../test/support/spawn-script.js';

/**
 * Long-running children of a benchmark (bot processes, the REST proxy): a TypeScript entry point run as `npm start`
 * runs it, its JSON log lines read as they come (not re-parsed on every chunk: a fan-out runs for minutes), and its
 * resident memory sampled from /proc so the figure is the child's own.
 */

export type LogLine = Record<string, unknown> & { message?: string; level?: string };

export interface BenchChild {
	readonly name: string;
	readonly pid: number | undefined;
	/** Every JSON line it wrote to stderr so far. */
	logs(): readonly LogLine[];
	/** The first line (already written or still to come) matching; rejects when the child exits first or after timeoutMs. */
	waitForLog(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
	/** The first stdout line matching, as text. */
	waitForStdout(match: RegExp, timeoutMs: number): Promise<string>;
	/** Resident memory now and the highest sampled, in MB; undefined where /proc is not there. */
	memory(): { rssMb: number | undefined; peakRssMb: number | undefined };
	/** SIGTERM, then SIGKILL if it has not exited within graceMs; the exit code (null when killed). */
	stop(graceMs?: number): Promise<number | null>;
}

const SAMPLE_EVERY_MS = 1000;

/** `onExit` hears of an exit the caller did not ask for (a crash), with the child's last stderr lines. */
export function startChild(name: string, script: string, env: Record<string, string>, onExit?: (code: number | null, stderrTail: string) => void): BenchChild {
	const childEnv: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !MODE_VARIABLES.includes(key)) childEnv[key] = value;
	Object.assign(childEnv, env);
	const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
	// A benchmark that dies must not leave its bots running.
	const orphanGuard = () => child.kill('SIGKILL');
	process.once('exit', orphanGuard);
	const lines: LogLine[] = [];
	const stdoutLines: string[] = [];
	const listeners = new Set<() => void>();
	const notify = () => {
		for (const listener of [...listeners]) listener();
	};
	let stderrTail = '';
	createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
		stderrTail = `${stderrTail}${line}\n`.slice(-4000);
		const parsed = parseLogLine(line);
		if (parsed) lines.push(parsed);
		notify();
	});
	createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
		stdoutLines.push(line);
		notify();
	});
	let exitCode: number | null | undefined;
	let stopping = false;
	const exited = new Promise<number | null>((resolve) => {
		child.once('exit', (code) => {
			exitCode = code;
			if (!stopping) onExit?.(code, stderrTail);
			process.removeListener('exit', orphanGuard);
			clearInterval(sampler);
			notify();
			resolve(code);
		});
	});
	let peakKb = 0;
	const sample = () => {
		const kb = readRssKb(child.pid);
		if (kb !== undefined) peakKb = Math.max(peakKb, kb);
		return kb;
	};
	const sampler = setInterval(sample, SAMPLE_EVERY_MS).unref();

	const waitFor = <T>(find: () => T | undefined, what: string, timeoutMs: number) =>
		new Promise<T>((resolve, reject) => {
			const finish = (outcome: () => void) => {
				clearTimeout(timer);
				listeners.delete(check);
				outcome();
			};
			const check = () => {
				const found = find();
				if (found !== undefined) finish(() => resolve(found));
				else if (exitCode !== undefined) finish(() => reject(new Error(`${name} exited (code ${exitCode}) before ${what}; stderr:\n${stderrTail}`)));
			};
			const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; stderr:\n${stderrTail}`))), timeoutMs);
			listeners.add(check);
			check();
		});

	return {
		name,
		pid: child.pid,
		logs: () => lines,
		waitForLog: (match, timeoutMs) => waitFor(() => lines.find(match), 'expected log line', timeoutMs),
		waitForStdout: (match, timeoutMs) => waitFor(() => stdoutLines.find((line) => match.test(line)), `stdout line ${match}`, timeoutMs),
		memory() {
			const kb = exitCode === undefined ? sample() : undefined;
			return { rssMb: kb === undefined ? undefined : Math.round(kb / 1024), peakRssMb: peakKb > 0 ? Math.round(peakKb / 1024) : undefined };
		},
		async stop(graceMs = 15_000) {
			if (exitCode !== undefined) return exitCode;
			stopping = true;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
			const code = await exited;
			clearTimeout(timer);
			return code;
		},
	};
}

export const hasMessage = (message: string) => (line: LogLine) => line.message === message;

function parseLogLine(line: string): LogLine | undefined {
	if (!line.startsWith('{')) return undefined;
	try {
		return JSON.parse(line) as LogLine;
	} catch {
		return undefined;
	}
}

/** VmRSS of a live process (Linux); undefined elsewhere or once it is gone. */
function readRssKb(pid: number | undefined): number | undefined {
	if (pid === undefined) return undefined;
	try {
		const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
}
