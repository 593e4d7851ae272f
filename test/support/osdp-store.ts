import { systemClock } from '../../daemon/core/index.ts';
import { openDatabase, type Database } from '../../daemon/store/index.ts';
import { DeviceKeys, PersonKeys } from '../../daemon/privacy/index.ts';
import { PersonRepository } from '../../daemon/identity/index.ts';
import { OsdpStore } from '../../daemon/osdp/index.ts';
import { isolatedEnv } from './daemon.ts';
import { quietLog as log } from './privacy.ts';

/**
 * A data directory's database with `people` enrolled (a profile and their key, as identity stores
 * them) and the osdp room's store on it, the way the daemon opens it; close `db` before a daemon starts.
 */
export function osdpData(dataDir: string, people: readonly string[]): { db: Database; keys: DeviceKeys; persons: PersonKeys; store: OsdpStore } {
  const db = openDatabase(dataDir);
  const keys = DeviceKeys.open({ dataDir, env: {}, log, db });
  const persons = new PersonKeys(db, keys, log);
  const repo = new PersonRepository(db, persons);
  const now = new Date().toISOString();
  for (const id of people)
    repo.insert(id, { displayName: `Name of ${id}`, enabled: true, validFrom: null, validUntil: null, schedule: null, threshold: null }, now);
  return { db, keys, persons, store: new OsdpStore({ db, persons, deviceKey: keys.stableKey('osdp.scbk'), clock: systemClock }) };
}

/** A daemon without camera or broker, one simulated door, the OSDP reader on `port`. */
export function osdpDaemonEnv(dataDir: string, port: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(dataDir, {
    FACEGATE_DAEMON__LOG_LEVEL: 'silent',
    FACEGATE_MQTT__URL: 'mqtt://127.0.0.1:9',
    FACEGATE_DOORS: '[{id: front, name: Front, driver: simulated}]',
    FACEGATE_OSDP__ENABLED: 'true',
    FACEGATE_OSDP__PORT: port,
    ...extra,
  });
}
