import { runScript, type ScriptRun } from './spawn-script.js';

/** A bot in a child process (test/support/lease-bot.ts by default), its JSON log lines read as they come. */
export type LogEntry = Record<string, unknown> & { message?: string; level?: string };

export interface BotProcess {
	name: string;
	logs(): LogEntry[];
	/** The first log line matching, waiting for it; rejects when the process exits first or after timeoutMs. */
	waitForLog(match: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
	signal(signal: NodeJS.Signals): void;
	done: Promise<ScriptRun>;
	readonly exited: boolean;
}

export function spawnBotProcess(name: string, env: Record<string, string>, script = 'test/support/lease-bot.ts'): BotProcess {
	let stderr = '';
	let exited = false;
	const listeners = new Set<() => void>();
	const notify = () => {
		for (const listener of [...listeners]) listener();
	};
	const child = runScript(script, [], {
		env,
		timeoutMs: 180_000,
		onStderr: (text) => {
			stderr = text;
			notify();
		},
	});
	const done = child.done.finally(() => {
		exited = true;
		notify();
	});
	const logs = () =>
		stderr.split('\n').flatMap((line) => {
			try {
				return [JSON.parse(line) as LogEntry];
			} catch {
				return [];
			}
		});
	const waitForLog = (match: (entry: LogEntry) => boolean, timeoutMs = 30_000) =>
		new Promise<LogEntry>((resolve, reject) => {
			const finish = (outcome: () => void) => {
				clearTimeout(timer);
				listeners.delete(check);
				outcome();
			};
			const check = () => {
				const found = logs().find(match);
				if (found) finish(() => resolve(found));
				else if (exited) finish(() => reject(new Error(`${name} exited before the expected log line; stderr:\n${stderr}`)));
			};
			const timer = setTimeout(
				() => finish(() => reject(new Error(`${name}: no expected log line within ${timeoutMs} ms; stderr:\n${stderr.slice(-6_000)}`))),
				timeoutMs,
			);
			listeners.add(check);
			check();
		});
	return {
		name,
		logs,
		waitForLog,
		signal: (signal) => child.kill(signal),
		done,
		get exited() {
			return exited;
		},
	};
}

export const isMessage = (message: string) => (entry: LogEntry) => entry.message === message;
