#!/usr/bin/env node
// `npm start`: the bot from a bundle of its TypeScript sources, built by esbuild when the sources changed.
// Loading 200 modules through tsx's loader hooks took about 1.5 s of every start (a restart's downtime); one
// bundle (discord.js in it, the other packages loaded by Node) takes a fraction of that. Without esbuild, or when
// the build fails, it starts from the sources through tsx, as the other scripts do.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// PAPERBOY_BUNDLE_DIR: where bundles go (the tests use their own). Inside the project: the bundle's imports of
// packages resolve from where it lies.
const cacheDir = process.env.PAPERBOY_BUNDLE_DIR || join(root, 'node_modules', '.cache', 'paperboy');
const ENTRY_POINTS = { main: 'src/main.ts', 'segment-worker': 'src/search/segment-worker.ts' };
/** The packages bundled, by name or scope: discord.js and its dependencies, which find no file of their own at run time. */
const BUNDLED_PACKAGES = [
	'discord.js',
	'@discordjs/',
	'discord-api-types',
	'undici',
	'ws',
	'@sapphire/',
	'@vladfrangu/',
	'lodash',
	'lodash.snakecase',
	'magic-bytes.js',
	'ts-mixer',
	'tslib',
	'fast-deep-equal',
];
/** Bundles of older sources kept for processes still running from them (a worker starts from its bundle). */
const KEPT_BUNDLES = 3;

const main = await bundledMain().catch((error) => {
	process.stderr.write(`paperboy: could not bundle the sources (${error instanceof Error ? error.message : String(error)}); starting them through tsx\n`);
	return undefined;
});
if (process.argv.includes('--bundle-only')) {
	// For an image build or a benchmark: the bundle made ahead, so the first start does not pay for it.
	process.exit(main ? 0 : 1);
}
if (main) {
	// Stack traces point at the TypeScript sources.
	process.setSourceMapsEnabled(true);
	await import(pathToFileURL(main).href);
} else {
	const { register } = await import('tsx/esm/api');
	register();
	await import(pathToFileURL(join(root, ENTRY_POINTS.main)).href);
}

/** The bundle's entry file, built first when no bundle of the current sources exists. */
async function bundledMain() {
	const manifestFile = join(cacheDir, 'current.json');
	const current = readJson(manifestFile);
	if (current && isFresh(current)) return join(cacheDir, current.dir, 'main.js');
	const { build, version } = await import('esbuild');
	// Each build in its own folder, switched to by renaming the manifest: two starts at once never see half a bundle.
	const dir = `bundle-${process.pid}-${Date.now()}`;
	const outdir = join(cacheDir, dir);
	const result = await build({
		absWorkingDir: root,
		entryPoints: ENTRY_POINTS,
		bundle: true,
		splitting: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		// discord.js and what it loads are bundled too: importing it took 0.45-0.6 s here, 0.2-0.3 s from one file
		// (the bot's whole import 0.1-0.2 s less). Every other package stays Node's: some find files beside their own
		// (sqlite3's binary, pino's transports, node-cron's daemon).
		plugins: [externalPackagesExcept(BUNDLED_PACKAGES)],
		// A bundled CommonJS package's require() of a built-in needs a real require in an ES module.
		banner: { js: "import { createRequire as __paperboyCreateRequire } from 'node:module'; const require = __paperboyCreateRequire(import.meta.url);" },
		sourcemap: 'linked',
		outdir,
		metafile: true,
		logLevel: 'silent',
	});
	const inputs = Object.keys(result.metafile.inputs).map((file) => [file, stampOf(join(root, file))]);
	const manifest = { dir, esbuild: version, node: process.version, inputs };
	const temporary = `${manifestFile}.${process.pid}`;
	writeFileSync(temporary, JSON.stringify(manifest));
	renameSync(temporary, manifestFile);
	pruneOldBundles(dir);
	return join(outdir, 'main.js');
}

/** An esbuild plugin: every package import is left to Node except those of the named packages. */
function externalPackagesExcept(bundled) {
	const isBundled = (path) => bundled.some((name) => (name.endsWith('/') ? path.startsWith(name) : path === name || path.startsWith(`${name}/`)));
	return {
		name: 'external-packages-except',
		setup(build) {
			build.onResolve({ filter: /^[^./]/ }, (args) => {
				if (args.path.startsWith('node:') || !isBundled(args.path)) return { path: args.path, external: true };
				return undefined;
			});
		},
	};
}

/** Whether every source the bundle was built from is unchanged (size and modification time). */
function isFresh(manifest) {
	if (manifest.node !== process.version || !existsSync(join(cacheDir, manifest.dir, 'main.js'))) return false;
	return manifest.inputs.every(([file, stamp]) => stampOf(join(root, file)) === stamp);
}

function stampOf(file) {
	try {
		const stat = statSync(file);
		return `${stat.size}:${stat.mtimeMs}`;
	} catch {
		return 'missing';
	}
}

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function pruneOldBundles(keep) {
	mkdirSync(cacheDir, { recursive: true });
	const bundles = readdirSync(cacheDir)
		.filter((name) => name.startsWith('bundle-') && name !== keep)
		.map((name) => ({ name, at: statSync(join(cacheDir, name)).mtimeMs }))
		.sort((a, b) => b.at - a.at);
	for (const { name } of bundles.slice(KEPT_BUNDLES - 1)) rmSync(join(cacheDir, name), { recursive: true, force: true });
}
