import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../support/tmp.ts';

const script = fileURLToPath(new URL('../../../scripts/install.sh', import.meta.url));

function dryRun(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; out: string; err: string } {
  const r = spawnSync('bash', [script, '--dry-run', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('--dry-run prints the whole plan and changes nothing', () => {
  const dir = tempDir();
  const prefix = join(dir, 'opt');
  const etc = join(dir, 'etc');
  const r = dryRun(['--board', 'pi'], { FACEGATE_INSTALL_PREFIX: prefix, FACEGATE_INSTALL_ETC: etc });
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /board pi, .*\(dry run: nothing is changed\)/);
  assert.match(r.out, /would run: .*npm ci --omit=dev/);
  assert.match(r.out, new RegExp(`would run: install -m 0640 -g facegate .*config/pi\\.yaml ${etc}/config\\.yaml`));
  assert.match(r.out, /systemd-creds encrypt --name=device\.key --with-key=auto/);
  assert.match(r.out, /would run: install -m 0644 .*systemd\/facegate\.service \/etc\/systemd\/system\/facegate\.service/);
  assert.match(r.out, /would run: systemctl enable --now facegate\.service/);
  assert.ok(
    r.out
      .split('\n')
      .filter((l) => l && !l.startsWith('would run: '))
      .every((l) => !/^(mkdir|useradd|install) /.test(l)),
  );
  assert.equal(existsSync(prefix), false);
  assert.equal(existsSync(etc), false);
});

test('an existing config and device key are kept, never overwritten', () => {
  const dir = tempDir();
  const etc = join(dir, 'etc');
  mkdirSync(join(etc, 'credentials'), { recursive: true });
  writeFileSync(join(etc, 'config.yaml'), 'admin:\n  port: 8443\n');
  writeFileSync(join(etc, 'credentials', 'device.key.cred'), 'sealed');
  const r = dryRun(['--board', 'jetson', '--no-start'], { FACEGATE_INSTALL_PREFIX: join(dir, 'opt'), FACEGATE_INSTALL_ETC: etc });
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /config: .*config\.yaml kept/);
  assert.match(r.out, /device key: kept/);
  assert.doesNotMatch(r.out, /systemd-creds encrypt/);
  assert.doesNotMatch(r.out, /config\/jetson\.yaml/);
  assert.doesNotMatch(r.out, /enable --now/);
});

test('bad options are refused with usage', () => {
  const r = dryRun(['--board', 'toaster']);
  assert.equal(r.status, 64);
  assert.match(r.err, /--board must be pi, jetson or generic/);
  const u = spawnSync('bash', [script, '--frobnicate'], { encoding: 'utf8' });
  assert.equal(u.status, 64);
  assert.match(u.stderr, /unknown option --frobnicate/);
});
