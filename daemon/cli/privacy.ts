import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventBus, FacegateError, createLogger, systemClock, type BusEvents, type Logger } from '../core/index.ts';
import { loadConfig, type Config } from '../config/index.ts';
import { DB_FILE, EventStore, openDatabase, type Database } from '../store/index.ts';
import { AuditLog, openPrivacy, rotateDeviceKey, type Privacy } from '../privacy/index.ts';
import { createIdentity, identitySettings } from '../identity/index.ts';
import { validateSchedule } from '../access/index.ts';
import { OsdpStore } from '../osdp/index.ts';

/** `facegate audit|keys|privacy …`: privacy commands that work beside a running daemon (SQLite WAL). */

const usage = (text: string): FacegateError => new FacegateError('usage', `usage: ${text}`, { exitCode: 64 });

interface Opened {
  config: Config;
  db: Database;
  log: Logger;
  privacy: Privacy;
}

function openStore(configFile: string | undefined, env: NodeJS.ProcessEnv): { config: Config; db: Database; log: Logger } {
  const { config } = loadConfig({ file: configFile, env });
  const log = createLogger({ level: 'warn' });
  const dir = config.daemon.data_dir;
  // These commands read what a daemon stored: never make an empty database and report on it.
  if (!existsSync(join(dir, DB_FILE))) {
    throw new FacegateError('no_database', `no facegate database in ${dir} (daemon.data_dir); give the daemon's config with --config or FACEGATE_CONFIG`, {
      exitCode: 66,
    });
  }
  return { config, db: openDatabase(dir), log };
}

export function withPrivacy<T>(configFile: string | undefined, env: NodeJS.ProcessEnv, fn: (o: Opened) => T): T {
  const { config, db, log } = openStore(configFile, env);
  try {
    return fn({ config, db, log, privacy: openPrivacy({ db, dataDir: config.daemon.data_dir, env, log }) });
  } finally {
    db.close();
  }
}

const configOption = { config: { type: 'string', short: 'c' } } as const;

export function auditCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { ...configOption, json: { type: 'boolean' }, limit: { type: 'string' } }, strict: true });
  if (sub === 'verify') {
    // Verifying needs no key: the chain is plain SHA-256, so even a database without its key can be checked.
    const { db } = openStore(values.config, env);
    try {
      const result = new AuditLog(db).verify();
      if (values.json) console.log(JSON.stringify(result));
      else if (result.ok) console.log(`audit chain ok: ${result.rows} rows`);
      else console.error(`audit chain BROKEN (${result.rows} rows):\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
      return result.ok ? 0 : 1;
    } finally {
      db.close();
    }
  }
  if (sub === 'list') {
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw usage('facegate audit list [--limit N] (N a positive whole number)');
    const { db } = openStore(values.config, env);
    try {
      const rows = new AuditLog(db).list({ limit });
      if (values.json) console.log(JSON.stringify(rows));
      else for (const r of rows) console.log(`${r.seq}\t${r.ts}\t${r.actor}\t${r.action}\t${r.target ?? ''}\t${r.detail ? JSON.stringify(r.detail) : ''}`);
      return 0;
    } finally {
      db.close();
    }
  }
  throw usage('facegate audit verify [--json] | facegate audit list [--limit N] [--json]');
}

export function keysCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { ...configOption, json: { type: 'boolean' }, 'new-key': { type: 'string' } }, strict: true });
  if (sub === 'rotate') {
    const { config, db, log } = openStore(values.config, env);
    try {
      let newKey: Buffer | undefined;
      if (values['new-key'] !== undefined) {
        try {
          newKey = readFileSync(values['new-key']);
        } catch (err) {
          throw new FacegateError('key_unreadable', `new key ${values['new-key']}: ${(err as Error).message}`, { exitCode: 66 });
        }
      }
      const r = rotateDeviceKey({ db, dataDir: config.daemon.data_dir, env, log, actor: 'cli', ...(newKey ? { newKey } : {}) });
      if (values.json) console.log(JSON.stringify(r));
      else {
        console.log(
          `device key rotated: ${r.from} → ${r.to}; ${r.rewrapped} person keys re-wrapped${r.unrecoverable ? `, ${r.unrecoverable} already erased` : ''}`,
        );
        if (r.keyFile) console.log(`new key: ${r.keyFile} (a running daemon follows it; back it up apart from the database)`);
        else console.log('now encrypt the new key as the device.key credential (systemd-creds encrypt --with-key=tpm2 …) and restart facegate');
      }
      return 0;
    } finally {
      db.close();
    }
  }
  if (sub === 'status') {
    return withPrivacy(values.config, env, ({ privacy }) => {
      const h = privacy.persons.health();
      const status = {
        keyId: privacy.keys.id,
        source: privacy.keys.source,
        origin: privacy.keys.origin,
        persons: h.persons,
        missingShares: h.missingShares.length,
        orphanShares: h.orphanShares,
      };
      if (values.json) console.log(JSON.stringify(status));
      else
        console.log(
          `device key ${status.keyId} from ${status.source} (${status.origin}); ${status.persons} person keys, ${status.missingShares} without a share, ${status.orphanShares} orphan shares`,
        );
      return 0;
    });
  }
  throw usage('facegate keys rotate [--new-key FILE] | facegate keys status [--json]');
}

export function privacyCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...configOption, out: { type: 'string', short: 'o' } },
    allowPositionals: true,
    strict: true,
  });
  if (sub !== 'export' || positionals.length !== 1) throw usage('facegate privacy export PERSON_ID [--out FILE]');
  const personId = positionals[0] as string;
  const doc = withPrivacy(values.config, env, ({ config, db, log, privacy }) => {
    const osdp = new OsdpStore({ db, persons: privacy.persons, deviceKey: privacy.keys.stableKey('osdp.scbk'), clock: systemClock });
    const identity = createIdentity({
      db,
      events: new EventStore(db),
      personKeys: privacy.persons,
      pseudonyms: privacy.pseudonyms,
      audit: privacy.audit,
      consents: privacy.consents,
      snapshots: privacy.snapshots,
      // as the daemon wires them (main-wiring.ts): the export names what the other rooms hold
      erasers: [{ table: 'osdp_credentials', erase: ({ personId: id }) => osdp.deleteCredential(id), exportData: ({ personId: id }) => osdp.credential(id) }],
      analyzeImage: () => Promise.reject(new FacegateError('unavailable', 'no face analysis in the export command')),
      model: 'export',
      settings: identitySettings(config),
      validateSchedule,
      door: config.doors[0]?.id ?? 'front',
      log,
      bus: new EventBus<BusEvents>(log),
      clock: systemClock,
    });
    // The same document as the admin panel's export: identity hands its part to privacy's one builder.
    return identity.exportPerson(personId, 'cli');
  });
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text, { mode: 0o600 });
    console.error(`wrote ${values.out} (it holds personal data: hand it over securely, then delete it)`);
  } else process.stdout.write(text);
  return 0;
}
