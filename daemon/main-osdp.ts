/**
 * main.ts's OSDP wiring: the osdp room's store, and facegate as an OSDP reader on the panel's line
 * when osdp.enabled is on. Only main.ts imports this file; it reaches the rooms through their index.ts.
 */
import { createHash } from 'node:crypto';
import { FacegateError, makeEvent, packageInfo, systemClock, type Service } from './core/index.ts';
import { PersonRepository } from './identity/index.ts';
import { ServiceError, type OsdpService } from './admin/index.ts';
import type { Doors } from './door/index.ts';
import {
  OsdpPeripheral,
  OsdpStore,
  cardRead,
  describeBuzzer,
  describeLed,
  describeOutput,
  type OsdpStatus,
  type PdEvent,
  type PdIdentity,
} from './osdp/index.ts';
import type { Base } from './main-wiring.ts';

export function createOsdpStore({ db, privacy }: Base): OsdpStore {
  return new OsdpStore({ db, persons: privacy.persons, deviceKey: privacy.keys.stableKey('osdp.scbk'), clock: systemClock });
}

/** What osdp_PDID says facegate is: the configured vendor code, model 1, a serial number stable for this device, the package version. */
function pdIdentity({ config, privacy }: Base): PdIdentity {
  const vendor = Buffer.from(config.osdp.vendor_code, 'hex');
  // A number of this device that reveals nothing of its keys: a hash of a key derived for it alone.
  const serial = createHash('sha256').update(privacy.keys.stableKey('osdp.serial')).digest().readUInt32LE(0);
  const [major = 0, minor = 0, build = 0] = packageInfo()
    .version.split(/[.-]/)
    .map((p) => Number.parseInt(p, 10) & 0xff);
  return { vendorCode: vendor[0]! | (vendor[1]! << 8) | (vendor[2]! << 16), model: 1, version: 1, serialNumber: serial, firmware: { major, minor, build } };
}

/**
 * facegate as an OSDP reader (PD) on osdp.port, or null when osdp.enabled is off. A granted
 * decision for a person with a credential queues it for the panel's next poll, once per decision
 * (its event id is the passage); a stranger, a spoof or a lockout is never granted, so sends nothing.
 * The key: the one a panel set with KEYSET (sealed in the database) wins over osdp.scbk_secret,
 * and once there is one, install mode stays off.
 */
export function osdpReader(b: Base, store: OsdpStore, doors: Doors): { service: Service; status: () => OsdpStatus } | null {
  const { config, log, bus, privacy } = b;
  const o = config.osdp;
  if (!o.enabled || o.port === null) return null;
  const stored = store.storedScbk();
  const scbk = stored?.scbk ?? (o.scbk_secret ? Buffer.from(o.scbk_secret, 'hex') : null);
  if (o.install_mode && stored)
    log.warn({ keyset_at: stored.setAt }, 'osdp.install_mode is on, but the panel already set this reader’s key with KEYSET: install mode stays off');
  const installMode = o.install_mode && !stored;
  if (installMode) log.warn('OSDP install mode: the panel may pair with the well-known key SCBK-D until its first KEYSET');
  const door = config.camera.door;
  const reader = new OsdpPeripheral({
    port: o.port,
    baud: o.baud,
    address: o.address,
    identity: pdIdentity(b),
    capabilities: { inputs: 0, outputs: 1, leds: 1, buzzer: true, secureChannel: false },
    inputs: () => ({ tamper: doors.has(door) && doors.status(door).alarm === 'tamper', powerFailure: false, inputs: [] }),
    clock: systemClock,
    log: log.child({ room: 'osdp' }),
    credentialMaxAgeMs: o.credential_max_age_ms,
    secure:
      scbk || installMode
        ? {
            scbk,
            installMode,
            storeKey: (key) => {
              store.storeScbk(key);
              privacy.audit.append({ actor: 'osdp:panel', action: 'osdp.keyset', detail: { address: o.address } });
            },
          }
        : null,
    onEvent: (e) => publish(e),
  });
  // What the panel does with the reader becomes public events of the camera's door (store, MQTT, admin panel).
  const publish = (e: PdEvent): void => {
    const raise = (type: 'osdp_online' | 'osdp_offline' | 'osdp_led' | 'osdp_buzzer' | 'osdp_output', reason: string) =>
      bus.emit('event', makeEvent({ door, type, reason }));
    if (e.type === 'online' || e.type === 'offline') raise(`osdp_${e.type}`, `address ${o.address} on ${o.port}`);
    else if (e.type === 'led') raise('osdp_led', describeLed(e.record));
    else if (e.type === 'buzzer') raise('osdp_buzzer', describeBuzzer(e.record));
    else if (e.type === 'output') raise('osdp_output', describeOutput(e.output, e.active));
  };
  bus.on('decision', (decision) => {
    if (!decision.granted || decision.personId === null) return;
    try {
      const credential = store.credential(decision.personId);
      if (!credential) return log.info({ event: decision.eventId }, 'granted, but this person has no OSDP credential: nothing sent to the panel');
      reader.offerCredential(decision.eventId, cardRead(credential));
    } catch (err) {
      log.error({ err, event: decision.eventId }, 'the OSDP credential could not be read: nothing sent to the panel');
    }
  });
  return { service: { start: () => reader.start(), stop: () => reader.stop() }, status: () => reader.status() };
}

/** What the admin API reaches of the osdp room: cards of enrolled persons, the reader's state (null while osdp.enabled is off). */
export function osdpAdminService({ db, privacy }: Base, store: OsdpStore, status: (() => OsdpStatus) | null): OsdpService {
  const persons = new PersonRepository(db, privacy.persons);
  return {
    status: () => status?.() ?? null,
    card: (personId) => (persons.exists(personId) ? { credential: store.credential(personId) } : null),
    setCard: (personId, credential) => {
      if (!persons.exists(personId)) return null;
      try {
        store.setCredential(personId, credential);
      } catch (err) {
        if (err instanceof FacegateError && err.code === 'osdp_credential') throw new ServiceError('invalid', err.message);
        throw err;
      }
      return { credential: store.credential(personId) };
    },
  };
}
