import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../support/tmp.ts';

const install = fileURLToPath(new URL('../../../scripts/install.sh', import.meta.url));
const installApp = fileURLToPath(new URL('../../../scripts/install-app.sh', import.meta.url));
/** Stands in for the service user and for whoever owns the checkout: neither may own the installed code. */
const NOBODY = 65534;

/** Every path under dir, dir included. */
function walk(dir: string): string[] {
  const out = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** A small checkout as a user clones it: their files, group-writable (umask 002), no dependencies to fetch, a stand-in compiler. */
function checkout(dir: string): string {
  const src = join(dir, 'src');
  for (const d of ['bin', 'scripts', 'daemon', 'node_modules/left-behind', 'node_modules/typescript', '.git', 'test', 'dist/stale'])
    mkdirSync(join(src, d), { recursive: true });
  // `npm run build -- --out DIR`: the stand-in writes DIR/.build-stamp as the real build does last.
  const build = 'sh -c \'mkdir -p "$2" && echo built > "$2/.build-stamp"\' build';
  writeFileSync(join(src, 'package.json'), JSON.stringify({ name: 'facegate-fake', version: '1.0.0', private: true, scripts: { build } }));
  writeFileSync(
    join(src, 'package-lock.json'),
    JSON.stringify({
      name: 'facegate-fake',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'facegate-fake', version: '1.0.0' } },
    }),
  );
  writeFileSync(join(src, 'bin', 'facegate.js'), '#!/usr/bin/env node\n', { mode: 0o775 });
  writeFileSync(join(src, 'scripts', 'door-failsafe.js'), '// fail-safe\n');
  writeFileSync(join(src, 'daemon', 'main.ts'), '// daemon\n');
  for (const p of walk(src)) {
    chownSync(p, NOBODY, NOBODY);
    chmodSync(p, lstatSync(p).isDirectory() || p.endsWith('facegate.js') ? 0o775 : 0o664);
  }
  return src;
}

test("--dry-run: the app is extracted without the archive's owners, then made root-owned and not writable by others", () => {
  const dir = tempDir();
  const prefix = join(dir, 'opt');
  const r = spawnSync('bash', [install, '--dry-run', '--board', 'generic'], {
    encoding: 'utf8',
    env: { ...process.env, FACEGATE_INSTALL_PREFIX: prefix, FACEGATE_INSTALL_ETC: join(dir, 'etc') },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const at = (re: RegExp): number => {
    const i = lines.findIndex((l) => re.test(l));
    assert.ok(i >= 0, `no line matching ${re} in:\n${r.stdout}`);
    return i;
  };
  const extract = at(new RegExp(`^would run: tar --no-same-owner --no-same-permissions -C ${prefix} -xf`));
  const npm = at(/^would run: .*npm ci --omit=dev/);
  const build = at(new RegExp(`^would run: sh -c cd '.*' && npm run --silent build -- --out '${prefix}/dist'$`));
  const chown = at(new RegExp(`^would run: chown -R root:root ${prefix}$`));
  const chmod = at(new RegExp(`^would run: chmod -R u\\+rwX,go\\+rX,go-w ${prefix}$`));
  const unit = at(/^would run: install -m 0644 .*facegate\.service/);
  assert.ok(extract < npm && npm < build && build < chown && chown < chmod && chmod < unit, r.stdout);
});

test(
  'in a temporary prefix: the installed code and fail-safe are root-owned and nobody else can write them',
  { skip: process.getuid?.() !== 0 ? 'needs root (chown)' : false },
  () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const src = checkout(dir);
    const prefix = join(dir, 'opt', 'facegate');
    // A previous install by an older script left the checkout owner's files in place.
    mkdirSync(join(prefix, 'scripts'), { recursive: true });
    writeFileSync(join(prefix, 'scripts', 'door-failsafe.js'), '// old\n', { mode: 0o666 });
    chownSync(join(prefix, 'scripts', 'door-failsafe.js'), NOBODY, NOBODY);
    const r = spawnSync('bash', [installApp, src, prefix], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const paths = walk(prefix);
    assert.ok(paths.some((p) => p.endsWith(join('scripts', 'door-failsafe.js'))));
    assert.ok(
      !paths.some((p) => p.includes('left-behind') || p.includes('.git') || p.endsWith('/test') || p.includes('stale')),
      "dev parts and the checkout's own build are not installed",
    );
    assert.ok(paths.includes(join(prefix, 'dist', '.build-stamp')), 'the install was built into PREFIX/dist');
    for (const p of paths) {
      const st = lstatSync(p);
      assert.deepEqual([st.uid, st.gid], [0, 0], `${p} is owned by ${st.uid}:${st.gid}`);
      assert.equal(st.mode & 0o022, 0, `${p} is writable by group or others (${(st.mode & 0o777).toString(8)})`);
      assert.equal(st.mode & 0o004, 0o004, `${p} is not readable by the service user`);
    }
    assert.equal(lstatSync(join(prefix, 'bin', 'facegate.js')).mode & 0o111, 0o111, 'the launcher stays executable');
    // The service user really cannot change the fail-safe.
    const write = spawnSync('sh', ['-c', `echo pwned >> ${join(prefix, 'scripts', 'door-failsafe.js')}`], { uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
    assert.notEqual(write.status, 0, 'nobody could append to the fail-safe');
  },
);
