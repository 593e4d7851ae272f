// Cost of the privacy layer on the paths that matter: sealing a template, opening the whole
// gallery at start (one key unwrap + one share file read per person), enrolling and erasing
// (fsync of the key share, WAL checkpoint), the audit chain, and a key rotation.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchPart } from './types.ts';
import { createLogger } from '../../daemon/core/index.ts';
import { openDatabase } from '../../daemon/store/index.ts';
import { AuditLog, DeviceKeys, PersonKeys, open, seal } from '../../daemon/privacy/index.ts';

const PERSONS = 1000;
const TEMPLATE_BYTES = 512 * 4;

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const part: BenchPart = {
  name: 'privacy',
  async run(log) {
    const out: Record<string, number> = {};
    const dir = mkdtempSync(join(tmpdir(), 'facegate-bench-privacy-'));
    try {
      const quiet = createLogger({ level: 'silent' });
      const key = randomBytes(32);
      const template = randomBytes(TEMPLATE_BYTES);
      const aad = { recordId: 'p/t', kind: 'face.template' };
      const sealT: number[] = [];
      const openT: number[] = [];
      for (let i = 0; i < 2000; i++) {
        let sealed: Buffer = Buffer.alloc(0);
        sealT.push(
          time(() => {
            sealed = seal(key, template, aad);
          }),
        );
        openT.push(
          time(() => {
            open(key, sealed, aad);
          }),
        );
      }
      out['privacy.seal_us.template512.p50'] = p50(sealT) * 1000;
      out['privacy.open_us.template512.p50'] = p50(openT) * 1000;

      const db = openDatabase(dir);
      const keys = DeviceKeys.open({ dataDir: dir, env: {}, log: quiet, db });
      const persons = new PersonKeys(db, keys, quiet);
      db.exec('CREATE TABLE bench_templates (person_id TEXT PRIMARY KEY, sealed BLOB NOT NULL)');
      const insert = db.prepare('INSERT INTO bench_templates VALUES (?, ?)');
      const createT: number[] = [];
      log(`privacy: enrolling ${PERSONS} persons (one fsynced key share each)`);
      for (let i = 0; i < PERSONS; i++) {
        createT.push(time(() => persons.create(`person-${i}`)));
        insert.run(`person-${i}`, persons.seal(`person-${i}`, 'face.template', 't', template));
      }
      out['privacy.person_create_ms.p50'] = p50(createT);

      // A restart: a fresh PersonKeys opens every template once (what loading the gallery costs).
      const rows = db.prepare('SELECT person_id, sealed FROM bench_templates').all() as { person_id: string; sealed: Buffer }[];
      const cold = new PersonKeys(db, keys, quiet);
      out[`privacy.gallery_open_ms.persons${PERSONS}`] = time(() => {
        for (const r of rows) cold.open(r.person_id, 'face.template', 't', r.sealed);
      });

      const audit = new AuditLog(db);
      const appendT: number[] = [];
      for (let i = 0; i < 2000; i++) appendT.push(time(() => audit.append({ actor: 'bench', action: 'door.unlock', target: 'front', detail: { i } })));
      out['privacy.audit_append_us.p50'] = p50(appendT) * 1000;
      out['privacy.audit_verify_ms.rows2000'] = time(() => audit.verify());

      const next = DeviceKeys.generate(dir);
      next.writeNext();
      out[`privacy.rotate_ms.persons${PERSONS}`] = time(() => persons.rewrapAll(next));

      const eraseT: number[] = [];
      for (let i = 0; i < 50; i++) eraseT.push(time(() => persons.destroy(`person-${i}`)));
      out['privacy.erase_ms.p50'] = p50(eraseT);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return out;
  },
};

export default part;
