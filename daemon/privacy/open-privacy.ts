import type { Database } from 'better-sqlite3';
import { systemClock, type Clock, type Logger } from '../core/index.ts';
import { AuditLog } from './audit-log.ts';
import { Consents } from './consents.ts';
import { DeviceKeys } from './device-keys.ts';
import { PersonKeys, type KeyHealth } from './person-keys.ts';
import { Pseudonyms } from './pseudonyms.ts';
import { Snapshots } from './snapshots.ts';

export interface Privacy {
  keys: DeviceKeys;
  persons: PersonKeys;
  pseudonyms: Pseudonyms;
  audit: AuditLog;
  consents: Consents;
  snapshots: Snapshots;
  health: KeyHealth;
}

/**
 * Everything privacy gives the daemon, built in the order that makes a wrong key fail first:
 * load the device key, check it against the database, check the key shares. Any mismatch throws
 * a clear error before a gallery could be loaded empty.
 */
export function openPrivacy(opts: { db: Database; dataDir: string; env: NodeJS.ProcessEnv; log: Logger; clock?: Clock }): Privacy {
  const clock = opts.clock ?? systemClock;
  const keys = DeviceKeys.open(opts);
  const persons = new PersonKeys(opts.db, keys, opts.log);
  const health = persons.reconcile();
  return {
    keys: persons.deviceKeys,
    persons,
    pseudonyms: new Pseudonyms(persons.deviceKeys.pseudonymSecret),
    audit: new AuditLog(opts.db, clock),
    consents: new Consents(opts.db, clock),
    snapshots: new Snapshots(opts.db, persons, clock),
    health,
  };
}
