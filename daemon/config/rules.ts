import type { Config } from './schema/index.ts';

/**
 * Rules across fields that the schema cannot say, each `path: message`. They run after the schema
 * passes, in `facegate config check` and before anything starts, so a mistake here stops the start
 * instead of surfacing later in a constructor (or not at all: a camera watching a door that does
 * not exist granted access and opened nothing).
 */
type Rule = (c: Config) => string[];

type GpioSpec = { pin: number; numbering: string; chip: string | null };

function gpioUses(c: Config): { where: string; spec: GpioSpec }[] {
  const uses: { where: string; spec: GpioSpec }[] = [];
  c.doors.forEach((d, i) => {
    uses.push({ where: `doors.${i}.lock`, spec: d.lock });
    for (const role of ['door_contact', 'exit_button', 'tamper'] as const) {
      const input = d[role];
      if (input) uses.push({ where: `doors.${i}.${role}`, spec: input });
    }
  });
  return uses;
}

const together = (path: string, a: string, b: string, x: unknown, y: unknown): string[] =>
  (x === null) === (y === null) ? [] : [`${path}.${x === null ? a : b}: ${a} and ${b} go together: set both or neither`];

const uniqueDoorIds: Rule = (c) => {
  // Door ids name MQTT topics and events: two doors with one id would share them.
  const seen = new Map<string, number>();
  const out: string[] = [];
  c.doors.forEach((d, i) => {
    const first = seen.get(d.id);
    if (first !== undefined) out.push(`doors.${i}.id: door id "${d.id}" is also doors.${first}.id; door ids must be unique`);
    else seen.set(d.id, i);
  });
  return out;
};

const cameraWatchesADoor: Rule = (c) =>
  c.doors.some((d) => d.id === c.camera.door)
    ? []
    : [`camera.door: "${c.camera.door}" is not a configured door (doors: ${c.doors.map((d) => d.id).join(', ')})`];

const pinsUsedOnce: Rule = (c) => {
  // The same pin written the same way twice; other spellings of one line are caught when the lines are claimed.
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const { where, spec } of gpioUses(c)) {
    const key = `${spec.numbering}:${spec.chip ?? ''}:${spec.pin}`;
    const other = seen.get(key);
    if (other) out.push(`${where}.pin: ${spec.numbering} pin ${spec.pin} is already used by ${other}`);
    else seen.set(key, where);
  }
  return out;
};

const signedUnlockHasSecret: Rule = ({ mqtt: { commands: m } }) =>
  m.unlock && m.require_signature && m.hmac_secret === null && m.trusted_user === null
    ? [
        'mqtt.commands.hmac_secret: mqtt.commands.unlock is on and require_signature too, so a secret is needed (best as the systemd credential mqtt.commands.hmac_secret); or turn unlock off',
      ]
    : [];

// A trusted user is only as good as the broker's ACL and authentication: the embedded broker has
// neither (one user, no ACL), and a broker that lets facegate in without a user name checks no one.
const trustedUserNeedsAnAuthenticatingBroker: Rule = ({ mqtt: m }) => {
  if (m.commands.trusted_user === null) return [];
  if (m.url === null)
    return [
      'mqtt.commands.trusted_user: needs an external broker (mqtt.url) whose ACL lets only that user publish the trusted command topics; the embedded broker has no ACL',
    ];
  if (m.username === null)
    return ['mqtt.commands.trusted_user: needs mqtt.username: a broker facegate joins without a user name authenticates no one, so no user can be trusted'];
  if (m.username === m.commands.trusted_user)
    return ["mqtt.commands.trusted_user: must not be facegate's own broker user (mqtt.username): the ACL could not tell the two apart"];
  return [];
};

const cameraSourceComplete: Rule = ({ camera: { source, network, replay } }) => {
  if (source === 'rtsp' || source === 'http') {
    if (network.url === null) return [`camera.network.url: camera.source is ${source}, so a ${source} URL is needed`];
    if (!network.url.toLowerCase().startsWith(source)) return [`camera.network.url: camera.source is ${source} but the URL is not a ${source} URL`];
  }
  if (source === 'replay' && replay.path === null) return ['camera.replay.path: camera.source is replay, so a file or folder is needed'];
  return [];
};

// SCBK-D, the install-mode key everyone knows (SIA OSDP 2.2): never a device's own key.
const OSDP_SCBK_D = '303132333435363738393a3b3c3d3e3f';

const osdpComplete: Rule = ({ osdp: o }) => {
  const out: string[] = [];
  if (o.enabled && o.port === null) out.push('osdp.port: osdp.enabled is on, so the serial device of the RS-485 adapter is needed (e.g. /dev/ttyAMA0)');
  if (o.install_mode && !o.enabled) out.push('osdp.install_mode: only with osdp.enabled');
  if (o.scbk_secret !== null && o.scbk_secret.toLowerCase() === OSDP_SCBK_D)
    out.push(
      "osdp.scbk_secret: this is the install-mode key SCBK-D, which everyone knows; use the reader's own key (or install_mode to let the panel set one)",
    );
  return out;
};

const RULES: Rule[] = [
  uniqueDoorIds,
  cameraWatchesADoor,
  pinsUsedOnce,
  signedUnlockHasSecret,
  trustedUserNeedsAnAuthenticatingBroker,
  (c) => together('mqtt.tls', 'cert_file', 'key_file', c.mqtt.tls.cert_file, c.mqtt.tls.key_file),
  (c) => together('admin', 'tls_cert_file', 'tls_key_file', c.admin.tls_cert_file, c.admin.tls_key_file),
  cameraSourceComplete,
  osdpComplete,
];

export function crossFieldProblems(config: Config): string[] {
  return RULES.flatMap((rule) => rule(config));
}
