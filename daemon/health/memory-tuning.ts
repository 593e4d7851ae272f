// The two memory settings the daemon is launched with (systemd unit, `npm start`, bin/facegate.js's
// shebang). Both must reach node before it starts, so they live in the launch lines, not in code;
// the daemon only checks that they did. Measured with a face in view at 10 fps (README, "Vision"):
// without them the daemon's RSS is ~100 MB higher, mostly native memory of frame buffers that V8
// frees only at its next scavenge, spread over glibc's per-thread malloc arenas.

/** glibc malloc arenas: the default (8 per core) keeps freed frame buffers in many half-empty arenas. */
export const MALLOC_ARENA_MAX = '2';
/** The main thread's V8 semi-space, MB: the default 16 lets ~45 MB of dead frame buffers wait for a scavenge. */
export const SEMI_SPACE_MB = 2;

/** The node flags and environment a daemon launch needs (for scripts that spawn the daemon). */
export const DAEMON_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
export const DAEMON_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX };
/** The settings as an operator would type them: "MALLOC_ARENA_MAX=2, --max-semi-space-size=2". */
export const DAEMON_SETTINGS_TEXT = [...Object.entries(DAEMON_ENV).map(([k, v]) => `${k}=${v}`), ...DAEMON_NODE_FLAGS].join(', ');

export interface MemoryTuning {
  /** MALLOC_ARENA_MAX as this process saw it at start, or null when unset. */
  mallocArenaMax: string | null;
  /** The main thread's --max-semi-space-size (command line or NODE_OPTIONS), or null when unset. */
  semiSpaceMb: number | null;
  /** Both as facegate launches them (or tighter). */
  tuned: boolean;
}

function semiSpaceFlag(args: readonly string[]): number | null {
  let found: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(a);
    if (!m) continue;
    const value = m[1] ?? args[i + 1];
    if (value !== undefined && /^\d+$/.test(value)) found = Number(value);
  }
  return found;
}

/** What this process was launched with; the daemon logs a warning when it is not `tuned`. */
export function memoryTuning(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): MemoryTuning {
  const mallocArenaMax = env.MALLOC_ARENA_MAX?.trim() || null;
  // The command line comes after NODE_OPTIONS, so it wins when both are given.
  const semiSpaceMb = semiSpaceFlag(execArgv) ?? semiSpaceFlag((env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean));
  const arenas = mallocArenaMax === null ? NaN : Number(mallocArenaMax);
  const tuned =
    Number.isInteger(arenas) && arenas > 0 && arenas <= Number(MALLOC_ARENA_MAX) && semiSpaceMb !== null && semiSpaceMb > 0 && semiSpaceMb <= SEMI_SPACE_MB;
  return { mallocArenaMax, semiSpaceMb, tuned };
}
