// How facegate's entries (bin/facegate.js, scripts/door-failsafe.js) choose the code they run: the
// compiled JavaScript in dist/ when that build is current, else the TypeScript source through tsx.
// Current means no build input is newer than the stamp `npm run build` writes last, dated when the
// build started (one stat per source file: 10-50 ms here). So a checkout without a build, or one
// edited since, runs the source and never silently old code; an install (install-app.sh builds
// it, root-owned) runs dist/. FACEGATE_DIST=0 always runs the source (the tests' daemons do, so
// they test the TypeScript even after a build); FACEGATE_DIST=1 runs only a current dist/.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package folder: the checkout, or the install prefix. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = 'dist';
/** Written into the build folder last by scripts/build.ts; its mtime is when that build started. */
export const BUILD_STAMP = '.build-stamp';
/** What the build is made of: an edit to any of these makes dist/ out of date. */
export const BUILD_INPUTS = ['daemon', 'scripts/door-failsafe.ts', 'tsconfig.json', 'tsconfig.build.json'];

/** A refusal to start, with the exit code the entry ends with. */
export class BuildChoiceError extends Error {
  /** @param {string} message @param {number} exitCode */
  constructor(message, exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * The most recently modified build input (a file, under `root`), or null. An install that ships no
 * source has none, so its dist/ is current.
 * @param {string} root @returns {{ path: string, mtimeMs: number } | null}
 */
export function newestInput(root) {
  const todo = BUILD_INPUTS.map((p) => join(root, p));
  let newest = null;
  for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) todo.push(join(p, name));
    else if (newest === null || st.mtimeMs > newest.mtimeMs) newest = { path: p, mtimeMs: st.mtimeMs };
  }
  return newest;
}

/** @param {string} root @returns {string | null} why `root`'s dist/ cannot run, or null when it is current */
function distProblem(root) {
  let stampMs;
  try {
    stampMs = statSync(join(root, DIST, BUILD_STAMP)).mtimeMs;
  } catch {
    return `there is no build in ${DIST}/`;
  }
  const newest = newestInput(root);
  return newest === null || newest.mtimeMs <= stampMs ? null : `${relative(root, newest.path)} changed after the build in ${DIST}/`;
}

/**
 * @typedef {{ compiled: boolean, url: URL, stale: string | null }} BuildChoice
 * `stale`: why an existing dist/ was passed over (null when there is none or it runs).
 */

/**
 * Which code runs `entry` (a path without extension, e.g. 'daemon/cli').
 * @param {string} entry @param {NodeJS.ProcessEnv} env @param {string} root @returns {BuildChoice}
 */
export function chooseBuild(entry, env = process.env, root = ROOT) {
  const mode = env.FACEGATE_DIST ?? '';
  if (mode !== '' && mode !== '0' && mode !== '1') {
    throw new BuildChoiceError(`FACEGATE_DIST must be 0 (the TypeScript source, through tsx) or 1 (the build in ${DIST}/), not "${mode}"`, 64);
  }
  const source = { compiled: false, url: pathToFileURL(join(root, `${entry}.ts`)), stale: null };
  if (mode === '0') return source;
  const problem = distProblem(root);
  if (problem === null) return { compiled: true, url: pathToFileURL(join(root, DIST, `${entry}.js`)), stale: null };
  if (mode === '1') throw new BuildChoiceError(`FACEGATE_DIST=1, but ${problem}: run npm run build`, 69);
  return { ...source, stale: problem.startsWith('there is no build') ? null : problem };
}

/**
 * Imports `entry` from the chosen build: tsx's loader is registered only for the source. A refusal
 * is printed as `<name>: …` and ends the process.
 * @param {string} entry @param {{ name: string, env?: NodeJS.ProcessEnv }} opts @returns {Promise<any>}
 */
export async function importEntry(entry, opts) {
  let build;
  try {
    build = chooseBuild(entry, opts.env);
  } catch (err) {
    if (!(err instanceof BuildChoiceError)) throw err;
    console.error(`${opts.name}: ${err.message}`);
    process.exit(err.exitCode);
  }
  if (build.stale) console.error(`${opts.name}: ${build.stale}: running the TypeScript source through tsx (npm run build brings ${DIST}/ up to date)`);
  if (!build.compiled) (await import('tsx/esm/api')).register();
  return import(build.url.href);
}
