// npm run build [-- --out DIR]: the daemon and the door fail-safe compiled to JavaScript in DIR
// (default dist/; tsc with tsconfig.build.json, source maps), with the files the daemon reads next
// to its modules (worker-boot.mjs, gpiod-line.py, the web panel: every file under daemon/ that is
// not TypeScript). bin/runtime.js runs it when it is current; the stamp written last is dated when
// the build started, so an edit made while tsc ran makes this build out of date at once.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_STAMP, DIST, ROOT, newestInput } from '../bin/runtime.js';

const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
const out = resolve(values.out ?? join(ROOT, DIST));
if (out === ROOT || out === resolve('/')) {
  console.error(`build: --out ${out} would replace the checkout's own daemon/ and scripts/`);
  process.exit(64);
}

// A board without a real-time clock may build before its clock is set, earlier than its files'
// dates: the stamp is then dated like the newest input, or that build would never count as current.
const t0 = Date.now();
const started = new Date(Math.max(t0, newestInput(ROOT)?.mtimeMs ?? 0));
const stamp = join(out, BUILD_STAMP);
// No stamp while the build is half written: an entry starting meanwhile runs the source.
rmSync(stamp, { force: true });
for (const dir of ['daemon', 'scripts']) rmSync(join(out, dir), { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

cpSync(join(ROOT, 'daemon'), join(out, 'daemon'), { recursive: true, filter: (src) => !src.endsWith('.ts') || statSync(src).isDirectory() });
mkdirSync(out, { recursive: true });
writeFileSync(stamp, `${JSON.stringify({ started: started.toISOString() })}\n`);
utimesSync(stamp, started, started);
console.log(`build: ${relative(process.cwd(), out) || '.'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
