import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE, openDatabase } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../../../daemon/health/index.ts';
import { FACEGATE_BIN, isolatedEnv, runFacegate, startFacegate } from '../../support/daemon.ts';

const started = (l: Record<string, unknown>): boolean => l.msg === 'facegate started';

test('the daemon comes up, answers SIGTERM within 5 s and exits 0', async () => {
  const dir = tempDir();
  const d = startFacegate(['run'], isolatedEnv(join(dir, 'data')));
  await d.waitForLog(started);
  const t0 = Date.now();
  d.child.kill('SIGTERM');
  const code = await d.exited;
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
  assert.ok(d.logs.some((l) => l.msg === 'facegate stopped'));
});

test('a second daemon on the same data directory is refused with a clear message', async () => {
  const dir = tempDir();
  const env = isolatedEnv(join(dir, 'data'));
  const first = startFacegate(['run'], env);
  await first.waitForLog(started);
  const second = await runFacegate(['run'], env);
  assert.equal(second.code, 75);
  assert.match(second.stderr, new RegExp(`facegate: another facegate daemon \\(process ${first.child.pid}\\) is already using data directory `));
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
});

test('a broken config file: one clear error line, exit 78, nothing created', async () => {
  const dir = tempDir();
  const cfg = join(dir, 'bad.yaml');
  writeFileSync(cfg, 'doors: [\n');
  const data = join(dir, 'data');
  const r = await runFacegate(['run', '--config', cfg], isolatedEnv(data));
  assert.equal(r.code, 78);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^facegate: config file .*bad\.yaml: not valid YAML: /);
  assert.equal(existsSync(data), false);
});

test('an invalid config lists every problem and exits 78', async () => {
  const dir = tempDir();
  const cfg = join(dir, 'bad.yaml');
  writeFileSync(cfg, 'daemon:\n  watchdog_stall_s: 0\ncamera:\n  fps: 0\n');
  const r = await runFacegate(['run', '--config', cfg], isolatedEnv(join(dir, 'data')));
  assert.equal(r.code, 78);
  assert.match(r.stderr, /daemon\.watchdog_stall_s: expected number to be greater or equal to 1 \(got 0\)/);
  assert.match(r.stderr, /camera\.fps: expected number to be greater than 0 \(got 0\)/);
});

test('a missing config file: clear error, exit 78', async () => {
  const dir = tempDir();
  const r = await runFacegate(['run', '--config', join(dir, 'nope.yaml')], isolatedEnv(join(dir, 'data')));
  assert.equal(r.code, 78);
  assert.match(r.stderr, /^facegate: config file .*nope\.yaml: no such file\n$/);
});

test('facegate config check prints ok or every error', async () => {
  const dir = tempDir();
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'admin:\n  port: 8443\n');
  const ok = await runFacegate(['config', 'check', good], isolatedEnv(dir));
  assert.deepEqual([ok.code, ok.stdout], [0, 'ok\n']);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'admin:\n  port: x\n  colour: red\n');
  const r = await runFacegate(['config', 'check', bad], isolatedEnv(dir));
  assert.equal(r.code, 78);
  assert.match(r.stderr, /admin\.port: expected integer \(got "x"\)/);
  assert.match(r.stderr, /admin\.colour: unknown key$/m);
  assert.equal(r.stderr.includes('red'), false, 'the value of an unknown key is not echoed');
});

test('a rule across fields stops config check and the start, before anything starts', async () => {
  const dir = tempDir();
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, `daemon:\n  data_dir: ${join(dir, 'data')}\ncamera:\n  door: back\nmqtt:\n  commands: { unlock: true }\n`);
  for (const args of [
    ['config', 'check', file],
    ['run', '--config', file],
  ]) {
    const r = await runFacegate(args, isolatedEnv(dir));
    assert.equal(r.code, 78, args.join(' '));
    assert.match(r.stderr, /camera\.door: "back" is not a configured door \(doors: front\)/);
    assert.match(r.stderr, /mqtt\.commands\.hmac_secret: mqtt\.commands\.unlock is on/);
  }
  assert.equal(existsSync(join(dir, 'data')), false, 'nothing was made: the start stopped at the config');
});

test('a corrupt database: clear error, exit 74, the file untouched', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  mkdirSync(data);
  const junk = Buffer.from('this is not sqlite '.repeat(500));
  writeFileSync(join(data, DB_FILE), junk);
  const r = await runFacegate(['run'], isolatedEnv(data));
  assert.equal(r.code, 74);
  assert.match(r.stderr, /facegate: database .*facegate\.db: not a facegate database, or corrupt; it was left untouched/);
  assert.deepEqual(readFileSync(join(data, DB_FILE)), junk);
});

test('an unwritable data directory: clear error, exit 73, existing data intact', async () => {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  openDatabase(data === '' ? dir : (mkdirSync(data, { mode: 0o755 }), data)).close();
  const before = readFileSync(join(data, DB_FILE));
  chmodSync(data, 0o755);
  // Run as nobody: root would write anyway.
  const r = await runFacegate(['run'], isolatedEnv(data, { HOME: '/tmp' }), { uid: 65534, gid: 65534 });
  assert.equal(r.code, 73, r.stderr);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('{'));
  assert.deepEqual(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', /^facegate: data directory .*data: not writable$/);
  assert.deepEqual(readFileSync(join(data, DB_FILE)), before);
});

test('systemd is told READY, WATCHDOG and STOPPING through NOTIFY_SOCKET', async () => {
  const dir = tempDir();
  const sock = join(dir, 'notify.sock');
  const out = join(dir, 'notify.txt');
  const receiver = spawn(
    'python3',
    [
      '-c',
      `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], 'a') as f:
    while True:
        try: data = s.recv(4096)
        except socket.timeout: break
        f.write(data.decode().replace('\\n', ' ') + '\\n'); f.flush()
`,
      sock,
      out,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
  const d = startFacegate(['run'], isolatedEnv(join(dir, 'data'), { NOTIFY_SOCKET: sock, WATCHDOG_USEC: '2000000' }));
  await d.waitForLog(started);
  const seen = (): string => (existsSync(out) ? readFileSync(out, 'utf8') : '');
  for (let i = 0; i < 100 && !(seen().includes('READY=1') && seen().includes('WATCHDOG=1')); i++) await new Promise((r) => setTimeout(r, 100));
  d.child.kill('SIGTERM');
  assert.equal(await d.exited, 0);
  for (let i = 0; i < 50 && !seen().includes('STOPPING=1'); i++) await new Promise((r) => setTimeout(r, 100));
  receiver.kill();
  const text = seen();
  assert.match(text, /READY=1/);
  assert.match(text, /WATCHDOG=1/);
  assert.match(text, /STOPPING=1/);
  assert.ok(text.indexOf('READY=1') < text.indexOf('STOPPING=1'));
});

test('--version and --help', async () => {
  const dir = tempDir();
  const v = await runFacegate(['--version'], isolatedEnv(dir));
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.deepEqual([v.code, v.stdout.trim()], [0, pkg.version]);
  const h = await runFacegate(['--help'], isolatedEnv(dir));
  assert.equal(h.code, 0);
  assert.match(h.stdout, /facegate run \[--config FILE\]/);
  const bad = await runFacegate(['frobnicate'], isolatedEnv(dir));
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
});

test("memory settings: the shebang and the unit's launch line carry them; a bare `node` launch is warned about", async () => {
  const memoryWarning = (l: Record<string, unknown>): boolean => typeof l.msg === 'string' && l.msg.includes('memory settings');
  const env = (dir: string): NodeJS.ProcessEnv => {
    const e = isolatedEnv(join(dir, 'data'));
    delete e.MALLOC_ARENA_MAX;
    delete e.NODE_OPTIONS;
    return e;
  };
  const runUntilStarted = async (cmd: string, args: string[], e: NodeJS.ProcessEnv): Promise<Record<string, unknown>[]> => {
    const child = spawn(cmd, args, { env: e, stdio: ['ignore', 'ignore', 'pipe'] });
    const logs: Record<string, unknown>[] = [];
    let buf = '';
    const up = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            /* not a log line */
          }
          if (logs.some(started)) resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${buf}`)));
    });
    await up;
    // The warning follows "started" in the same tick; give the stream a moment to deliver it.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    return logs;
  };
  // Executed directly: `env -S` in the shebang sets MALLOC_ARENA_MAX and the V8 flag.
  const shebang = await runUntilStarted(FACEGATE_BIN, ['run'], env(tempDir()));
  assert.ok(!shebang.some(memoryWarning), JSON.stringify(shebang.filter(memoryWarning)));
  // `node bin/facegate.js run` without them: the daemon runs, and says what it is missing.
  const bare = await runUntilStarted(process.execPath, [FACEGATE_BIN, 'run'], env(tempDir()));
  const warning = bare.find(memoryWarning);
  assert.ok(warning, 'no warning for a bare launch');
  assert.equal(warning.malloc_arena_max, null);
  assert.equal(warning.semi_space_mb, null);
  // The unit and npm start launch it the same way as the shebang.
  const unit = readFileSync(new URL('../../../systemd/facegate.service', import.meta.url), 'utf8');
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  for (const flag of DAEMON_NODE_FLAGS) {
    assert.match(unit, new RegExp(`^ExecStart=/usr/bin/node ${flag} /opt/facegate/bin/facegate\\.js run`, 'm'));
    assert.match(pkg.scripts.start!, new RegExp(`node ${flag} bin/facegate\\.js run`));
  }
  for (const [k, v] of Object.entries(DAEMON_ENV)) {
    assert.match(unit, new RegExp(`^Environment=.*\\b${k}=${v}\\b`, 'm'));
    assert.ok(pkg.scripts.start!.startsWith(`${k}=${v} `));
  }
});
