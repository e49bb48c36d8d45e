import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, parse, relative } from 'node:path';
import { z } from 'zod';
import { resolveDatabaseFile } from '../store/database-url.js';
import type { WorldIdentity } from './emulator/index.js';

/**
 * The sandbox's server, channels and people keep their ids from run to run, in a small JSON file beside
 * its database: the subscriptions and follows stored there name those ids, so a new world with new ids
 * would leave every one of them pointing at nothing.
 */

export const WORLD_FILE_VERSION = 1;

const snowflake = z.string().regex(/^\d{17,20}$/, 'not a snowflake');

const worldFileSchema = z
	.object({
		version: z.literal(WORLD_FILE_VERSION),
		applicationId: snowflake,
		botId: snowflake,
		guildId: snowflake,
		channelId: snowflake,
		/** Absent in files written before the sandbox had a forum. */
		forumChannelId: snowflake.optional(),
		userId: snowflake,
		adminId: snowflake,
		ownerId: snowflake,
		botRoleId: snowflake,
		adminRoleId: snowflake,
		dmChannels: z.array(z.object({ userId: snowflake, channelId: snowflake }).strict()),
	})
	.strict()
	.refine((file) => file.applicationId === file.botId, { message: 'applicationId must equal botId (the bot user shares its application’s id)' })
	.refine((file) => file.dmChannels.every((dm) => [file.userId, file.adminId, file.ownerId].includes(dm.userId)), {
		message: 'a DM channel names a user not in this world',
	})
	.refine(
		(file) => {
			const ids = [
				file.botId,
				file.guildId,
				file.channelId,
				...(file.forumChannelId === undefined ? [] : [file.forumChannelId]),
				file.userId,
				file.adminId,
				file.ownerId,
				file.botRoleId,
				file.adminRoleId,
				...file.dmChannels.map((dm) => dm.channelId),
			];
			return new Set(ids).size === ids.length && new Set(file.dmChannels.map((dm) => dm.userId)).size === file.dmChannels.length;
		},
		{ message: 'an id is used twice' },
	);

export const WorldFileMessages = Object.freeze({
	corrupt: (file: string, problem: string, asideAs: string, database: string) =>
		`The sandbox world file ${file} is unreadable (${problem}); it was kept as ${asideAs}. ${newWorld(database)}`,
	missing: (file: string, database: string) => `${database} has no sandbox world file beside it (${file}). ${newWorld(database)}`,
	unsaved: (file: string, problem: string) => `Could not save the sandbox world to ${file} (${problem}); the next run starts a new world.`,
});

/** What a new world means for a database that already holds an earlier one's digests and follows. */
function newWorld(database: string): string {
	return (
		`Starting a new sandbox world (new server, channels and members); ${database} is untouched, but what it holds for the ` +
		`earlier world's server and people no longer reaches anyone (a channel's digest pauses when due). To start clean, delete ${database} too.`
	);
}

/** `sqlite://data/sandbox.sqlite` → `<cwd>/data/sandbox.world.json`; undefined when the URL names no database file. */
export function worldFilePath(databaseUrl: string, cwd = process.cwd()): string | undefined {
	let database: string;
	try {
		database = resolveDatabaseFile(databaseUrl, cwd);
	} catch {
		return undefined;
	}
	const { dir, name } = parse(database);
	return join(dir, `${name}.world.json`);
}

export type LoadedWorld =
	| { kind: 'found'; identity: WorldIdentity }
	| { kind: 'missing' }
	/** The unreadable file was renamed to `asideAs`; nothing else was touched. */
	| { kind: 'corrupt'; problem: string; asideAs: string };

/** Reads and validates the world file; a corrupt one is renamed aside (never deleted) so a new world can be saved in its place. */
export async function loadWorldFile(file: string, now = new Date()): Promise<LoadedWorld> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
		throw error;
	}
	const parsed = parseWorldFile(text);
	if (parsed.identity) return { kind: 'found', identity: parsed.identity };
	const asideAs = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
	await rename(file, asideAs);
	return { kind: 'corrupt', problem: parsed.message, asideAs };
}

/** Written to a temporary file first, then renamed: a run killed mid-write never leaves half a world behind. */
export async function saveWorldFile(file: string, identity: WorldIdentity): Promise<void> {
	const contents = { version: WORLD_FILE_VERSION, ...pickIdentity(identity) };
	await mkdir(dirname(file), { recursive: true });
	const temporary = `${file}.${process.pid}.tmp`;
	await writeFile(temporary, `${JSON.stringify(contents, null, '\t')}\n`);
	await rename(temporary, file);
}

export interface SandboxWorld {
	/** The saved ids, or undefined for a new world. */
	identity: WorldIdentity | undefined;
	/** Saves the world's ids when they changed since the last save (a DM channel opened); never throws. */
	save(identity: WorldIdentity): Promise<void>;
}

/**
 * The world for this run: the one saved beside the database, else a new one (saying why when the database
 * already holds an earlier world's data). With no database file there is nothing to keep in step with.
 */
export async function openSandboxWorld(databaseUrl: string, print: (text: string) => void, cwd = process.cwd()): Promise<SandboxWorld> {
	const file = worldFilePath(databaseUrl, cwd);
	if (!file) return { identity: undefined, save: async () => {} };
	const shown = (path: string) => (relative(cwd, path).startsWith('..') ? path : relative(cwd, path));
	const loaded = await loadWorldFile(file);
	const database = resolveDatabaseFile(databaseUrl, cwd);
	if (loaded.kind === 'corrupt') print(`! ${WorldFileMessages.corrupt(shown(file), loaded.problem, shown(loaded.asideAs), shown(database))}`);
	if (loaded.kind === 'missing' && (await exists(database))) print(`! ${WorldFileMessages.missing(shown(file), shown(database))}`);
	let saved = loaded.kind === 'found' ? JSON.stringify(pickIdentity(loaded.identity)) : '';
	let warned = false;
	return {
		identity: loaded.kind === 'found' ? loaded.identity : undefined,
		save: async (identity) => {
			const text = JSON.stringify(pickIdentity(identity));
			if (text === saved) return;
			try {
				await saveWorldFile(file, identity);
				saved = text;
			} catch (error) {
				if (!warned) print(`! ${WorldFileMessages.unsaved(shown(file), (error as Error).message)}`);
				warned = true;
			}
		},
	};
}

async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch {
		return false;
	}
}

function parseWorldFile(text: string): { identity: WorldIdentity; message?: undefined } | { identity?: undefined; message: string } {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		return { message: `not JSON: ${(error as Error).message}` };
	}
	const version = (json as { version?: unknown } | null)?.version;
	if (typeof json === 'object' && json !== null && version !== WORLD_FILE_VERSION) {
		return { message: `version ${JSON.stringify(version ?? null)}, this Paperboy reads version ${WORLD_FILE_VERSION}` };
	}
	const parsed = worldFileSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
		return { message: `${where}${issue?.message ?? 'invalid'}` };
	}
	const { version: _version, ...identity } = parsed.data;
	return { identity };
}

/** Only the fields the file holds, in a stable order, whatever else the caller's object carries. */
function pickIdentity(identity: WorldIdentity): WorldIdentity {
	const { applicationId, botId, guildId, channelId, forumChannelId, userId, adminId, ownerId, botRoleId, adminRoleId, dmChannels } = identity;
	return {
		applicationId,
		botId,
		guildId,
		channelId,
		...(forumChannelId === undefined ? {} : { forumChannelId }),
		userId,
		adminId,
		ownerId,
		botRoleId,
		adminRoleId,
		dmChannels: dmChannels.map(({ userId: dmUser, channelId: dm }) => ({ userId: dmUser, channelId: dm })),
	};
}
