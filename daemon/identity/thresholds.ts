import { readFileSync } from 'node:fs';
import type { Logger } from '../core/index.ts';

export const SECURITY_LEVELS = ['far_1e-3', 'far_1e-4', 'far_1e-5'] as const;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];
export type Thresholds = Record<SecurityLevel, number>;

/**
 * Used only when models/thresholds.json has no entry for the embedder in use. Measured for the
 * default embedder (faceplugin-feature@float32) by `npm run eval` on lfw-dev: the cosine that
 * 1e-3 / 1e-4 / 1e-5 of 2,670,945 impostor comparisons (every different-person image pair) reach,
 * faces aligned on the dense mesh's points.
 * Another embedder needs its own: run `npm run eval -- --write-thresholds`.
 */
export const FALLBACK_THRESHOLDS: Thresholds = { 'far_1e-3': 0.34, 'far_1e-4': 0.41, 'far_1e-5': 0.48 };

function pick(obj: Record<string, unknown>, level: SecurityLevel): number | undefined {
  const bare = level.slice(4);
  for (const key of [level, bare, `far_${bare}`]) {
    const v = obj[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > -1 && v < 1) return v;
  }
  return undefined;
}

/**
 * Thresholds per security level, as eval measured them: models/thresholds.json keyed by
 * `<embedder>@<variant>` with a `far` object (`"1e-4": 0.42`), or a flat object of levels
 * (`"far_1e-4"` or `"1e-4"`), or one under `thresholds`. A missing or unreadable file, or a missing
 * level, falls back to FALLBACK_THRESHOLDS with a warning.
 */
export function loadThresholds(file: string | null, log?: Logger, model?: string): { thresholds: Thresholds; source: string } {
  if (file === null) return { thresholds: { ...FALLBACK_THRESHOLDS }, source: 'fallback' };
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (typeof doc !== 'object' || doc === null) throw new Error('not a JSON object');
  } catch (err) {
    log?.warn({ file, err: (err as Error).message }, 'no measured match thresholds file; using the built-in values measured for the default embedder');
    return { thresholds: { ...FALLBACK_THRESHOLDS }, source: 'fallback' };
  }
  // eval writes { "<embedder>@<variant>": { "far": { "1e-3": … } } }; a flat file of levels works too.
  const forModel = model !== undefined ? (doc[model] as { far?: unknown } | undefined) : undefined;
  const nested =
    forModel && typeof forModel.far === 'object' && forModel.far !== null
      ? (forModel.far as Record<string, unknown>)
      : typeof doc.thresholds === 'object' && doc.thresholds !== null
        ? (doc.thresholds as Record<string, unknown>)
        : doc;
  const out = { ...FALLBACK_THRESHOLDS };
  const missing: string[] = [];
  for (const level of SECURITY_LEVELS) {
    const v = pick(nested, level);
    if (v === undefined) missing.push(level);
    else out[level] = v;
  }
  if (missing.length > 0) log?.warn({ file, missing }, 'thresholds file lacks some levels; using fallbacks for those');
  return { thresholds: out, source: missing.length === SECURITY_LEVELS.length ? 'fallback' : file };
}
