import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const unit = fileURLToPath(new URL('../../../systemd/facegate.service', import.meta.url));
const text = readFileSync(unit, 'utf8');

test('systemd-analyze verify accepts the unit', () => {
  const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), '', 'verify printed warnings');
});

test('systemd-analyze security scores the unit at 2.5 or better (lower is safer)', () => {
  const out = execFileSync('systemd-analyze', ['security', '--offline=true', unit], { encoding: 'utf8' });
  const m = /Overall exposure level for facegate\.service: ([0-9.]+)/.exec(out);
  assert.ok(m, out.slice(-500));
  assert.ok(Number(m[1]) <= 2.5, `exposure ${m[1]}`);
});

test('the unit has what the daemon relies on', () => {
  for (const line of [
    'Type=notify',
    'NotifyAccess=all',
    'WatchdogSec=30',
    'User=facegate',
    'StateDirectory=facegate',
    'LoadCredentialEncrypted=device.key:',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    'RestrictAddressFamilies=',
    'DeviceAllow=char-gpiochip rw',
    'DeviceAllow=char-video4linux rw',
    // OSDP on RS-485: the serial ports and the group that owns them
    'DeviceAllow=char-ttyUSB rw',
    'DeviceAllow=char-ttyAMA rw',
    'SupplementaryGroups=gpio video dialout',
    'ExecStopPost=',
  ]) {
    assert.ok(text.includes(line), `missing ${line}`);
  }
  // sysfs GPIO export needs a writable /sys.
  assert.ok(!/^ProtectKernelTunables=yes/m.test(text));
});
