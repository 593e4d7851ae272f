// What a replay camera (the fake at the camera boundary) shows in a test. The replay source lists
// its folder again at each loop and keeps frames by file name, so every frame shown gets a name
// of its own: a new frame under an old name would be played as the old one.
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedEnv } from './daemon.ts';

export const E2E_FIXTURES = fileURLToPath(new URL('../fixtures/e2e/', import.meta.url));
export const NUAA = fileURLToPath(new URL('../../../shared/data/nuaa-train/', import.meta.url));

/** A file to show, and the name it is shown under. */
export interface ShownFrame {
  file: string;
  as: string;
}

/** From now on the camera shows these frames only. */
export function showOnReplay(replay: string, frames: readonly ShownFrame[]): void {
  for (const f of readdirSync(replay)) rmSync(join(replay, f));
  for (const f of frames) copyFileSync(f.file, join(replay, f.as));
}

/** The JPEGs of one set of test/fixtures/e2e, named `<tag>-<file>`. */
export function fixtureFrames(set: string, tag = set): ShownFrame[] {
  return readdirSync(join(E2E_FIXTURES, set))
    .filter((n) => n.endsWith('.jpg'))
    .map((n) => ({ file: join(E2E_FIXTURES, set, n), as: `${tag}-${n}` }));
}

/** The photos of test/fixtures/e2e/enroll, that the person of `person/` (and the prints of `spoof/`) is enrolled from. */
export function enrollPhotos(): string[] {
  return readdirSync(join(E2E_FIXTURES, 'enroll')).map((f) => join(E2E_FIXTURES, 'enroll', f));
}

/** `count` of a NUAA subject's live faces or printed photos, spread over the subject's folder (their names are unique). */
export function nuaaFrames(subject: string, kind: 'live' | 'spoof', count = 8): ShownFrame[] {
  const all = readdirSync(join(NUAA, subject))
    .filter((f) => f.startsWith(`${kind}__`))
    .sort();
  return Array.from({ length: count }, (_, i) => {
    const file = join(NUAA, subject, all[Math.floor((i * all.length) / count)] as string);
    return { file, as: basename(file) };
  });
}

/** The env of an isolated daemon (or CLI) whose camera plays `replay` at 8 fps. */
export function replayEnv(dataDir: string, replay: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(dataDir, { FACEGATE_CAMERA__SOURCE: 'replay', FACEGATE_CAMERA__REPLAY__PATH: replay, FACEGATE_CAMERA__FPS: '8', ...extra });
}
