// npm run demo [-- --exit] [--keep-data]: the whole door on embedded defaults, on this machine.
// A temporary data directory, a person enrolled from sample photos through the real CLI, then the
// real daemon with a replay camera showing that person, a stranger and a printed photo of the
// person. The embedded MQTT broker, the admin panel and the simulated lock run as on a board.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from 'mqtt';
import { EMBEDDED_CREDENTIALS_FILE, type BrokerCredentials } from '../daemon/mqtt/index.ts';
import { buildScenario, ENROLL_DIR } from './e2e/scenario.ts';
import { facegateEnv, launchFacegate, runFacegate } from './lib/facegate-process.ts';

const { values: args } = parseArgs({ options: { exit: { type: 'boolean', default: false }, 'keep-data': { type: 'boolean', default: false } } });

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const work = mkdtempSync(join(tmpdir(), 'facegate-demo-'));
const dataDir = join(work, 'data');
const env = facegateEnv({
  FACEGATE_DAEMON__DATA_DIR: dataDir,
  FACEGATE_CAMERA__SOURCE: 'replay',
  FACEGATE_CAMERA__REPLAY__LOOP: 'false',
  // Free ports, so the demo runs beside a real facegate or anything else on 8080/1883.
  FACEGATE_ADMIN__PORT: '0',
  FACEGATE_MQTT__EMBEDDED_PORT: '0',
});

function cleanup(): void {
  if (!args['keep-data']) rmSync(work, { recursive: true, force: true });
}

say(`facegate demo — data directory ${dataDir}`);
const scenario = await buildScenario(join(work, 'frames'));
env.FACEGATE_CAMERA__REPLAY__PATH = scenario.dir;
say(
  `replay camera: ${scenario.frames} frames at ${scenario.fps} fps — ${scenario.starts.map((s) => `${s.segment} at ${(s.frame / scenario.fps).toFixed(0)} s`).join(', ')}`,
);

say('1. enrolling "Demo Person" from 3 sample photos (facegate enroll) …');
const enroll = await runFacegate(['enroll', ENROLL_DIR, '--name', 'Demo Person', '--json'], { env });
if (enroll.code !== 0) {
  say(`enrollment failed (exit ${enroll.code}): ${enroll.stderr.slice(-2000)}`);
  cleanup();
  process.exit(1);
}
const enrolled = JSON.parse(enroll.stdout) as { personId: string; photos: { name: string; reason: string | null }[] };
say(`   person ${enrolled.personId}: ${enrolled.photos.filter((p) => p.reason === null).length} of ${enrolled.photos.length} photos accepted`);

say('2. starting the daemon (facegate run) with the replay camera …');
// Launched as the systemd unit launches it (its memory settings too).
const daemon = launchFacegate(['run'], { env, stdout: 'inherit' });
const counts = new Map<string, number>();
let mqttClient: ReturnType<typeof connect> | null = null;

function onLog(line: Record<string, unknown>): void {
  const msg = String(line.msg ?? '');
  if (msg.startsWith('no administrator yet')) say(`   ${msg}`);
  else if (msg === 'admin panel listening') say(`   admin panel: ${String(line.address)}`);
  else if (msg === 'face in view') say(`   camera: face in view (frame ${String(line.frameSeq)})`);
  else if (msg === 'unlocked') say(`   LOCK: unlocked by ${String(line.by)} for ${String(line.pulseMs)} ms`);
  else if (msg === 'locked') say(`   LOCK: locked (${String(line.reason)})`);
  else if (msg === 'camera source finished') {
    say('3. replay finished.');
    const summary = ['access_granted', 'unknown_face', 'spoof_suspected'].map((t) => `${t}: ${counts.get(t) ?? 0}`).join(', ');
    setTimeout(() => {
      say(`   events on MQTT — ${summary}`);
      if (args.exit) daemon.child.kill('SIGTERM');
      else say('   the daemon keeps running: look around in the admin panel, Ctrl-C to stop (the data directory is removed).');
    }, 3000);
  } else if (msg === 'no mqtt.url configured: embedded MQTT broker listening on loopback') {
    const url = String(line.url);
    // The embedded broker takes only the credentials facegate made for it in the data directory.
    const credsFile = join(dataDir, EMBEDDED_CREDENTIALS_FILE);
    const creds = JSON.parse(readFileSync(credsFile, 'utf8')) as BrokerCredentials;
    say(
      `   embedded MQTT broker: ${url} — watch it with: mosquitto_sub -h 127.0.0.1 -p ${new URL(url).port} -u ${creds.username} -P "$(jq -r .password ${credsFile})" -t 'facegate/#' -v`,
    );
    mqttClient = connect(url, { reconnectPeriod: 500, ...creds });
    mqttClient.on('connect', () => {
      void mqttClient?.subscribeAsync('facegate/+/event', { qos: 1 });
    });
    mqttClient.on('message', (topic, payload) => {
      const e = JSON.parse(payload.toString()) as { type: string; subject: string | null; score: number | null; liveness: number | null };
      counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
      const fig = (n: number | null) => (n === null ? '-' : n.toFixed(2));
      say(`   MQTT ${topic}: ${e.type} subject=${e.subject ?? '-'} score=${fig(e.score)} liveness=${fig(e.liveness)}`);
    });
  } else if (typeof line.level === 'number' && line.level >= 50) say(`   daemon error: ${msg}`);
}

daemon.onLog((line) => {
  if ('raw' in line) say(`   ${String(line.raw)}`);
  else onLog(line);
});

process.on('SIGINT', () => daemon.child.kill('SIGTERM'));
process.on('SIGTERM', () => daemon.child.kill('SIGTERM'));
const code = await daemon.exited;
await (mqttClient as ReturnType<typeof connect> | null)?.endAsync(true);
say(`daemon stopped (exit ${code}).`);
cleanup();
const ok = (counts.get('access_granted') ?? 0) === 1 && (counts.get('unknown_face') ?? 0) >= 1 && (counts.get('spoof_suspected') ?? 0) >= 1;
process.exit(code === 0 && ok ? 0 : 1);
