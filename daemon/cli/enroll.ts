import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { EventBus, FacegateError, createLogger, systemClock, type BusEvents } from '../core/index.ts';
import { loadConfig } from '../config/index.ts';
import { EventStore, InstanceLock, prepareDataDir } from '../store/index.ts';
import { CONSENT_METHODS, LEGAL_BASES, openPrivacy, type ConsentMethod, type LegalBasis } from '../privacy/index.ts';
import { createIdentity, identitySettings, type EnrollPhoto, type EnrollResult } from '../identity/index.ts';
import { validateSchedule } from '../access/index.ts';
import { createPadLivenessCheck, createVisionPipeline, modelKey } from '../vision/index.ts';

export const ENROLL_USAGE = 'facegate enroll DIR --name NAME [--id ID] [--consent BASIS:METHOD:NOTICE] [--valid-until ISO] [--config FILE] [--json]';
const PHOTO_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);

function usage(why: string): FacegateError {
  return new FacegateError('usage', `${why}\nusage: ${ENROLL_USAGE}`, { exitCode: 64 });
}

/** The photos of a folder (not its subfolders), in name order. */
export function photosIn(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw usage(`${dir} is not a folder`);
    names = readdirSync(dir);
  } catch (err) {
    if (err instanceof FacegateError) throw err;
    throw usage(`cannot read folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const files = names
    .filter((n) => PHOTO_EXT.has(extname(n).toLowerCase()))
    .sort()
    .map((n) => join(dir, n));
  if (files.length === 0) throw usage(`no .jpg, .jpeg, .png or .webp photos in ${dir}`);
  return files;
}

function parseConsent(text: string): { basis: LegalBasis; method: ConsentMethod; noticeVersion: string } {
  const [basis, method, noticeVersion] = text.split(':');
  if (!LEGAL_BASES.includes(basis as LegalBasis) || !CONSENT_METHODS.includes(method as ConsentMethod) || !noticeVersion) {
    throw usage(`--consent must be BASIS:METHOD:NOTICE_VERSION with BASIS one of ${LEGAL_BASES.join(', ')} and METHOD one of ${CONSENT_METHODS.join(', ')}`);
  }
  return { basis: basis as LegalBasis, method: method as ConsentMethod, noticeVersion };
}

/**
 * `facegate enroll`: every photo of a folder checked and, when good, made a template of one
 * person (a new one, or the existing person --id names). Runs with the daemon stopped: the
 * daemon loads its gallery at start, so it would not see a person added behind its back.
 */
export async function enrollCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      id: { type: 'string' },
      consent: { type: 'string' },
      'valid-until': { type: 'string' },
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw usage('give exactly one folder of photos');
  const files = photosIn(positionals[0] as string);
  const consent = values.consent === undefined ? undefined : parseConsent(values.consent);

  const { config } = loadConfig({ file: values.config, env });
  const log = createLogger({ level: 'warn' });
  const dataDir = config.daemon.data_dir;
  prepareDataDir(dataDir);
  let lock: InstanceLock;
  try {
    lock = InstanceLock.acquire(dataDir);
  } catch (err) {
    if (err instanceof FacegateError && err.code === 'already_running') {
      throw new FacegateError('already_running', `${err.message}: enroll through the admin panel, or stop the daemon first (it loads the gallery at start)`, {
        exitCode: 75,
      });
    }
    throw err;
  }
  const db = lock.openDatabase();
  const bar = new cliProgress.SingleBar(
    { format: 'enroll [{bar}] {value}/{total} {photo}', stream: process.stderr, hideCursor: true, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  let vision: Awaited<ReturnType<typeof createVisionPipeline>> | null = null;
  try {
    const privacy = openPrivacy({ db, dataDir, env, log });
    vision = await createVisionPipeline(config.vision, log);
    const settings = identitySettings(config);
    // A folder of photos is the upload source: PAD runs only when require_liveness.upload asks for
    // it (then with the daemon's own pad settings), else its model would load for nothing.
    if (config.pad.enabled && settings.quality.requireLiveness.upload) vision.setLiveness(await createPadLivenessCheck(config.pad));
    const analyzer = vision;
    const identity = createIdentity({
      db,
      events: new EventStore(db),
      personKeys: privacy.persons,
      pseudonyms: privacy.pseudonyms,
      audit: privacy.audit,
      consents: privacy.consents,
      snapshots: privacy.snapshots,
      analyzeImage: (bytes) => analyzer.analyzeImage(bytes),
      model: config.vision.embedder.model,
      thresholdsKey: modelKey(config.vision.embedder.model, config.vision.variant),
      settings,
      validateSchedule,
      door: config.camera.door,
      log,
      bus: new EventBus<BusEvents>(log),
      clock: systemClock,
      onProgress: (done, _total, name) => bar.update(done, { photo: name }),
    });
    identity.start();
    const photos: EnrollPhoto[] = files.map((f) => {
      const size = statSync(f).size;
      // A file over the limit is refused like any other bad photo, without reading it.
      return size > config.identity.enroll.max_photo_bytes ? { name: f, bytes: new Uint8Array(0), size } : { name: f, bytes: readFileSync(f) };
    });
    bar.start(photos.length, 0, { photo: '' });
    let result: EnrollResult;
    try {
      if (values.id !== undefined && identity.people.list().some((p) => p.id === values.id)) {
        result = await identity.addPhotos(values.id, photos, 'cli');
      } else {
        if (values.name === undefined) throw usage('--name is required for a new person');
        result = await identity.enroll({
          displayName: values.name,
          photos,
          actor: 'cli',
          ...(values.id !== undefined ? { personId: values.id } : {}),
          ...(values['valid-until'] !== undefined ? { validUntil: values['valid-until'] } : {}),
          ...(consent ? { consent } : {}),
        });
      }
    } finally {
      bar.stop();
    }
    identity.stop();
    if (values.json) {
      console.log(JSON.stringify(result));
    } else {
      for (const p of result.photos) {
        const status = p.reason
          ? `refused: ${p.detail}`
          : p.similarTo
            ? `enrolled, but FLAGGED: looks like enrolled person ${p.similarTo.personId} (score ${p.similarTo.score})`
            : 'enrolled';
        console.log(`${p.name}: ${status}`);
      }
      const n = result.photos.filter((p) => p.templateId).length;
      console.log(`${result.created ? 'enrolled new person' : 'added to person'} ${result.personId}: ${n} of ${result.photos.length} photos`);
    }
    return 0;
  } finally {
    await vision?.close();
    db.close();
    lock.release();
  }
}
