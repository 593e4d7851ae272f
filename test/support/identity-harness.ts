import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validateSchedule } from '../../daemon/access/index.ts';
import { EventBus, type BusEvents, type FaceObservation, type FrameAnalysis } from '../../daemon/core/index.ts';
import { ConfigSchema } from '../../daemon/config/index.ts';
import { Value } from '@sinclair/typebox/value';
import { createIdentity, identitySettings, type Identity } from '../../daemon/identity/index.ts';
import { AuditLog, Consents, DeviceKeys, PersonKeys, Pseudonyms, Snapshots } from '../../daemon/privacy/index.ts';
import { EventStore, openDatabase, type Database } from '../../daemon/store/index.ts';
import { memoryLogger } from './logger.ts';
import { FakeClock } from '../fakes/clock.ts';

export const DIM = 64;

/** A unit vector pointing mostly along axis `k`, with a little of axis `k+1`: distinct identities. */
export function identityVector(k: number, wobble = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[k % DIM] = 1;
  v[(k + 1) % DIM] = 0.2 + wobble;
  v[(k + 7) % DIM] = wobble;
  let n = 0;
  for (const x of v) n += x * x;
  return v.map((x) => x / Math.sqrt(n));
}

export function face(over: Partial<FaceObservation> & { embedding?: Float32Array | null } = {}): FaceObservation {
  return {
    box: { x: 100, y: 80, width: 160, height: 180 },
    detectionScore: 0.98,
    landmarks5: [],
    mesh: null,
    embedding: identityVector(0),
    quality: { ok: true, reasons: [], sharpness: 1, yaw: 0, pitch: 0, size: 160 },
    liveness: 0.95,
    attributes: null,
    ...over,
  };
}

/**
 * The photo format of the fake vision boundary: real JPEG magic bytes followed by the JSON of
 * the faces "found" in it. Only analyzeImage is faked (the vision room is another worker's and
 * needs models); everything identity does with the answer is real.
 */
export function photo(faces: FaceObservation[]): Uint8Array {
  const json = JSON.stringify(faces, (_k, v: unknown) => (v instanceof Float32Array ? { f32: Array.from(v) } : v));
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(json)]);
}

export async function fakeAnalyzeImage(bytes: Uint8Array): Promise<FrameAnalysis> {
  const text = Buffer.from(bytes.subarray(4)).toString('utf8');
  let faces: FaceObservation[];
  try {
    faces = JSON.parse(text, (_k, v: unknown) =>
      v && typeof v === 'object' && 'f32' in v ? Float32Array.from((v as { f32: number[] }).f32) : v,
    ) as FaceObservation[];
  } catch {
    throw new Error('Input buffer contains unsupported image format');
  }
  return { frameSeq: 0, capturedAt: 0, analysedAt: 0, width: 640, height: 480, faces, timings: {} };
}

/** Every byte facegate left in the data directory (database, WAL, key shares...). */
export function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else parts.push(readFileSync(p));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

export interface Harness {
  dataDir: string;
  db: Database;
  identity: Identity;
  bus: EventBus<BusEvents>;
  clock: FakeClock;
  audit: AuditLog;
  pseudonyms: Pseudonyms;
  personKeys: PersonKeys;
  /** How many photos the fake vision has analysed so far. */
  analyses(): number;
  close(): void;
}

/** A real database, real privacy (keys, sealing, audit, consents) and identity in `dataDir`. */
export function openHarness(dataDir: string, overrides: Record<string, unknown> = {}): Harness {
  const { log } = memoryLogger('warn');
  const db = openDatabase(dataDir);
  const keys = DeviceKeys.open({ dataDir, env: {}, log, db });
  const personKeys = new PersonKeys(db, keys, log);
  const clock = new FakeClock('2026-01-05T12:00:00Z');
  const audit = new AuditLog(db, clock);
  const pseudonyms = new Pseudonyms(keys.pseudonymSecret);
  const bus = new EventBus<BusEvents>(log);
  const config = Value.Default(
    ConfigSchema,
    structuredClone({ identity: { thresholds_file: join(dataDir, 'no-thresholds.json'), ...overrides } }),
  ) as Parameters<typeof identitySettings>[0];
  let analyses = 0;
  const identity = createIdentity({
    db,
    events: new EventStore(db),
    personKeys,
    pseudonyms,
    audit,
    consents: new Consents(db, clock),
    snapshots: new Snapshots(db, personKeys, clock),
    analyzeImage: (bytes) => {
      analyses += 1;
      return fakeAnalyzeImage(bytes);
    },
    model: 'test-embedder',
    settings: identitySettings(config),
    validateSchedule,
    door: 'front',
    log,
    bus,
    clock,
  });
  identity.start();
  return {
    dataDir,
    db,
    identity,
    bus,
    clock,
    audit,
    pseudonyms,
    personKeys,
    analyses: () => analyses,
    close() {
      identity.stop();
      db.close();
    },
  };
}
