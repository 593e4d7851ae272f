import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chooseTransport } from '../../../daemon/admin/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { quietLog } from '../../support/privacy.ts';
import { tempDir } from '../../support/tmp.ts';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

// Issue 17 item 10: the self-signed key's mode is enforced at every start, not only when it is made.
test('a self-signed TLS key (and its folder) made readable again is 0600 (0700) after the next start, with a warning', () => {
  const dir = tempDir('facegate-tls-');
  const admin = { host: '0.0.0.0', tls_cert_file: null, tls_key_file: null, allow_plain_http_on_lan: false } as Parameters<typeof chooseTransport>[0];
  chooseTransport(admin, dir, quietLog);
  const tlsDir = join(dir, 'tls');
  const keyFile = join(tlsDir, 'admin-key.pem');
  chmodSync(tlsDir, 0o755);
  chmodSync(keyFile, 0o644);

  const { log, lines } = memoryLogger('warn');
  assert.equal(chooseTransport(admin, dir, log).source, 'self-signed');
  assert.equal(mode(tlsDir), '700');
  assert.equal(mode(keyFile), '600');
  const warned = lines()
    .filter((l) => l.level === 40)
    .map((l) => JSON.stringify(l))
    .join('\n');
  assert.ok(warned.includes(`"path":"${keyFile}"`) && warned.includes('"was":"644"'), warned);
  assert.ok(warned.includes(`"path":"${tlsDir}"`) && warned.includes('"was":"755"'), warned);
});
