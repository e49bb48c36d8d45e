#!/usr/bin/env node
// `npm start`: the bot from a bundle of its TypeScript sources, built by esbuild when the sources changed.
// Loading 200 modules through tsx's loader hooks took about 1.5 s of every start (a restart's downtime); one
// bundle, with the packages loaded by Node itself, takes a fraction of that. Without esbuild, or when the build
// fails, it starts from the sources through tsx, as the other scripts do.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// PAPERBOY_BUNDLE_DIR: where bundles go (the tests use their own). Inside the project: the bundle's imports of
// packages resolve from where it lies.
const cacheDir = process.env.PAPERBOY_BUNDLE_DIR || join(root, 'node_modules', '.cache', 'paperboy');
const ENTRY_POINTS = { main: 'src/main.ts', 'segment-worker': 'src/search/segment-worker.ts' };
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
		packages: 'external',
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
