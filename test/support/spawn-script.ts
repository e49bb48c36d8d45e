import { spawn } from 'node:child_process';
import { repoRoot } from './bot-harness.js';

export interface ScriptRun {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** The variables a developer's shell may carry that would change which mode Paperboy starts in. */
export const MODE_VARIABLES: readonly string[] = [
	'DISCORD_TOKEN',
	'NODE_ENV',
	'LOG_LEVEL',
	'DISCORD_API_URL',
	'DEV_GUILD_ID',
	'PAPERS_YEAR',
	'SEEDS_DIR',
	'DATABASE_URL',
	'SHARD_COUNT',
	'SHARDS',
];

/**
 * Runs a TypeScript entry point of this repo the way `npm start` does (tsx), in its own process.
 * DISCORD_TOKEN is set empty rather than removed so a developer's `.env` cannot fill it in.
 */
export function runScript(
	file: string,
	args: readonly string[],
	options: {
		env?: Record<string, string>;
		stdin?: string;
		onStderr?: (text: string) => void;
		onStdout?: (text: string) => void;
		timeoutMs?: number;
		/** Plain node, no tsx: for a JavaScript entry point (bin/start.js) as `npm start` runs it. */
		plainNode?: boolean;
	} = {},
): { done: Promise<ScriptRun>; kill: (signal?: NodeJS.Signals) => void } {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !MODE_VARIABLES.includes(key)) env[key] = value;
	Object.assign(env, { DISCORD_TOKEN: '', HF_ENABLED: 'false' }, options.env);
	const loader = options.plainNode ? [] : ['--import', 'tsx'];
	const child = spawn(process.execPath, [...loader, file, ...args], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		options.onStdout?.(stdout);
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
		options.onStderr?.(stderr);
	});
	child.stdin.end(options.stdin ?? '');
	const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
	const done = new Promise<ScriptRun>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
	return { done, kill: (signal = 'SIGTERM') => child.kill(signal) };
}
