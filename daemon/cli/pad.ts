import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EventBus, FacegateError, createLogger, moduleUrl, systemClock, type BusEvents, type Logger } from '../core/index.ts';
import { loadConfig, type Config } from '../config/index.ts';
import { InstanceLock, prepareDataDir } from '../store/index.ts';
import { createCamera } from '../camera/index.ts';
import {
  AnalysisLoop,
  DEFAULT_ATTACKS,
  DEFAULT_PHASE_SECONDS,
  SelftestRun,
  parseAttacks,
  createVisionWorker,
  readPadLevels,
  selftestReport,
  selftestReportJson,
  MODELS_DIR,
  DEFAULT_ADAPT_PEOPLE,
  cameraDescriptor,
  checkPeople,
  doorPadAdaptationsFor,
  fitAdaptation,
  shippedAdaptOptions,
  type AdaptFrame,
  type PadSecurityLevel,
  type SelftestReport,
  type VisionWorker,
} from '../vision/index.ts';
import { readSelftestCsv, scoreFolder } from './pad-images.ts';
import { adaptMode, checkAdaptRows, proposeAdaptation } from './pad-adapt.ts';

export const PAD_USAGE = [
  'facegate pad selftest [--config FILE] [--seconds N] [--attacks print,screen] [--json]',
  '       facegate pad selftest --adapt --out FILE [--people N] [--config FILE] [--seconds N] [--attacks print,screen] [--json]',
  '       facegate pad selftest --images DIR [--config FILE] [--json]',
  '       facegate pad selftest --images DIR --adapt --out FILE [--config FILE] [--json]',
].join('\n');

function usage(why: string): FacegateError {
  return new FacegateError('usage', `${why}\nusage: ${PAD_USAGE}`, { exitCode: 64 });
}

/** The vision worker exactly as the daemon starts it: the operator's pad section in the liveness slot. */
function startVision(config: Config, log: Logger): Promise<VisionWorker> {
  if (!config.pad.enabled) throw new FacegateError('pad_disabled', 'pad.enabled is false: no face is judged, so there is nothing to test', { exitCode: 78 });
  return createVisionWorker(config.vision, log, { livenessModule: moduleUrl('../vision/pad/module.ts', import.meta.url).href, livenessOptions: config.pad });
}

const pct = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(1)} %`);

/** The readable table: one row per level, BPCER and APCER per attack type with their counts. */
export function formatReport(report: SelftestReport, configured: PadSecurityLevel): string {
  const lines: string[] = [];
  const phases = Object.entries(report.phases).map(([p, c]) => `${p} ${c.frames} (${c.judged} judged, ${c.unjudged} not judged; ${c.noFace} without a face)`);
  lines.push(`frames with a face: ${phases.join(', ')}`);
  const head = ['level', 'threshold', 'BPCER', ...report.attacks.map((a) => `APCER ${a}`)];
  const rows = report.levels.map((l) => [
    `${l.level}${l.level === report.recommended ? ' *' : ''}`,
    l.threshold.toFixed(4),
    `${pct(l.bpcer)} (${l.liveRejected + l.liveUnjudged}/${report.phases.live?.frames ?? 0})`,
    ...report.attacks.map((a) => {
      const f = l.apcer[a];
      return f ? `${pct(f.apcer)} (${f.accepted}/${f.frames})` : '-';
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [head, ...rows])
    lines.push(
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  const unjudged = report.phases.live?.unjudged ?? 0;
  if (unjudged > 0) lines.push(`BPCER counts the ${unjudged} live frames the check did not judge as refused (the door never opens for them).`);
  lines.push(
    report.recommended
      ? `recommended: pad.security_level: ${report.recommended} (* above; configured now: ${configured})`
      : `no level recommended (configured now: ${configured})`,
  );
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  lines.push('Only these numbers were kept: no frame or image was stored.');
  return lines.join('\n');
}

function emit(report: SelftestReport, config: Config, json: boolean, extra: Record<string, unknown>): void {
  if (json) console.log(JSON.stringify({ ...selftestReportJson(report), configured_level: config.pad.security_level, ...extra }));
  else console.log(formatReport(report, config.pad.security_level));
}

async function imagesMode(dir: string, config: Config, json: boolean, adaptOut: string | null): Promise<number> {
  const rows = readSelftestCsv(dir);
  if (adaptOut !== null) checkAdaptRows(rows);
  const log = createLogger({ level: 'warn' });
  const thresholds = readPadLevels();
  const vision = await startVision(config, log);
  try {
    if (adaptOut !== null) return await adaptMode({ dir, rows, out: adaptOut, json, config, vision });
    const scored = await scoreFolder(dir, rows, vision, (n) => {
      if (!json && process.stderr.isTTY) process.stderr.write(`\rscored ${n}/${rows.length}`);
    });
    if (!json && process.stderr.isTTY) process.stderr.write('\n');
    const report = selftestReport({ samples: scored.samples, thresholds, attacks: scored.attacks, noFace: scored.noFace });
    if (scored.unreadable.length > 0)
      report.warnings.push(
        `${scored.unreadable.length} files could not be read as images (counted as without a face): ${scored.unreadable.slice(0, 5).join(', ')}${scored.unreadable.length > 5 ? ', …' : ''}`,
      );
    emit(report, config, json, { source: 'images', images: rows.length, unreadable: scored.unreadable.length });
    return 0;
  } finally {
    await vision.close();
  }
}

/** Waits for Enter on a terminal; otherwise counts down, so a script or a pipe is not stuck. */
async function waitToStart(phase: number, total: number, name: string, prompt: string, seconds: number): Promise<void> {
  process.stderr.write(`\nphase ${phase}/${total}: ${name} (${seconds} s)\n${prompt}\n`);
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      await rl.question('press Enter when ready… ');
    } finally {
      rl.close();
    }
    return;
  }
  for (let s = 3; s > 0; s--) {
    process.stderr.write(`starting in ${s}…\n`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** With --adapt: who presents and where the proposal goes. */
interface CameraAdapt {
  people: number;
  out: string;
}

async function cameraMode(config: Config, seconds: number, attacks: string[], json: boolean, adapt: CameraAdapt | null): Promise<number> {
  if (config.camera.source === 'none')
    throw new FacegateError('no_camera', 'camera.source is none: there is no camera to test (use --images DIR for a folder)', { exitCode: 78 });
  const dataDir = config.daemon.data_dir;
  const log = createLogger({ level: 'warn' });
  prepareDataDir(dataDir, log);
  let lock: InstanceLock;
  try {
    // Held for the whole run: the daemon must not start and take the camera meanwhile.
    lock = InstanceLock.acquire(dataDir);
  } catch (err) {
    if (err instanceof FacegateError && err.code === 'already_running') {
      throw new FacegateError(
        'already_running',
        `${err.message}: it holds the camera. Run the self-test from the admin panel (Self-test page), or stop the daemon first`,
        { exitCode: 75 },
      );
    }
    throw err;
  }
  const bus = new EventBus<BusEvents>(log);
  let vision: VisionWorker | null = null;
  const parts: { stop(): unknown }[] = [];
  const db = lock.openDatabase();
  try {
    // Judged as the door judges (the daemon's self-test does the same): by the camera door's own
    // adaptation while it is in use, else by the shipped model.
    const doorAdaptations = config.pad.enabled ? doorPadAdaptationsFor(db, config, MODELS_DIR) : null;
    for (const problem of doorAdaptations?.problems() ?? []) process.stderr.write(`${problem}\n`);
    const adaptation = doorAdaptations?.inUse() ?? null;
    const judgedBy = adaptation
      ? { judged_by: 'adaptation', adaptation_sha256: doorAdaptations?.status(config.camera.door).sha256 ?? null }
      : { judged_by: 'shipped' };
    const thresholds = adaptation?.thresholds ?? readPadLevels();
    if (!json) process.stderr.write('loading the models…\n');
    const worker = await startVision(config, log);
    vision = worker;
    if (adaptation) await worker.configureLiveness({ adaptation, collect: false });
    // The daemon's own live pipeline: camera → motion gate → bus 'frame' → analysis loop → bus 'analysis'.
    const analysis = new AnalysisLoop({ bus, log, clock: systemClock, stallMs: config.daemon.watchdog_stall_s * 1000, analyze: (f) => worker.analyze(f) });
    const camera = createCamera({ config: config.camera, bus, log, clock: systemClock, wantsKeepalive: () => analysis.wantsKeepalive() });
    analysis.start();
    parts.push(analysis);
    await camera.start();
    parts.push(camera);
    const run = new SelftestRun({
      bus,
      clock: systemClock,
      thresholds,
      configuredLevel: config.pad.security_level,
      attacks,
      seconds,
      wantFrame: () => analysis.wantNextFrame(),
      // Nothing else runs beside the self-test here (the instance lock is held): the fit may take this thread.
      ...(adapt
        ? {
            adapt: {
              people: adapt.people,
              collect: (on: boolean) => worker.configureLiveness({ collect: on }),
              fit: async (frames: AdaptFrame[]) =>
                fitAdaptation(frames, shippedAdaptOptions(config.pad.security_level, cameraDescriptor(config.camera), MODELS_DIR)),
            },
          }
        : {}),
    });
    const { phases } = run.state();
    for (const [i, name] of phases.entries()) {
      await waitToStart(i + 1, phases.length, name, run.state().prompt ?? '', seconds);
      run.advance();
      while (run.state().status === 'collecting') {
        await new Promise((r) => setTimeout(r, 250));
        const s = run.state();
        const c = s.counts[name];
        if (process.stderr.isTTY) process.stderr.write(`\r${name}: ${Math.ceil((s.remainingMs ?? 0) / 1000)} s left, ${c?.frames ?? 0} faces scored   `);
      }
      const c = run.state().counts[name];
      process.stderr.write(
        `${process.stderr.isTTY ? '\n' : ''}${name}: ${c?.frames ?? 0} faces scored (${c?.judged ?? 0} judged), ${c?.noFace ?? 0} frames without a face\n`,
      );
    }
    const report = await run.finished;
    if (!report) return 1;
    if (!adapt) {
      emit(report, config, json, { source: 'camera', seconds, ...judgedBy });
      if (!json && adaptation)
        console.log(`judged by door ${config.camera.door}'s own PAD adaptation (sha256 ${judgedBy.adaptation_sha256 ?? '?'}), as the door judges`);
      return 0;
    }
    if (!json) process.stderr.write("fitting the door's own PAD model…\n");
    const outcome = await run.adapted;
    if (!outcome) throw new FacegateError('PAD_ADAPT_FIT', run.state().adaptation?.error ?? 'the PAD adaptation could not be fitted');
    return proposeAdaptation(outcome, { out: adapt.out, json, extra: { source: 'camera', seconds, people: adapt.people }, notes: [] });
  } finally {
    for (const p of parts.reverse()) await p.stop();
    await vision?.close();
    db.close();
    lock.release();
  }
}

/** `facegate pad selftest`: APCER per attack type and BPCER at each security level for this door's camera (or a folder). */
export async function padCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      images: { type: 'string' },
      seconds: { type: 'string' },
      attacks: { type: 'string' },
      adapt: { type: 'boolean', default: false },
      out: { type: 'string' },
      people: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== 'selftest') throw usage('the pad command has one subcommand: selftest');
  const { config } = loadConfig({ file: values.config, env });
  if (values.adapt !== (values.out !== undefined)) throw usage('--adapt and --out FILE go together: the proposed adaptation is written to FILE');
  if (values.people !== undefined && (!values.adapt || values.images !== undefined))
    throw usage('--people is for adapting from the camera (--adapt --out FILE); with --images the people come from images.csv');
  if (values.images !== undefined) {
    if (values.seconds !== undefined || values.attacks !== undefined)
      throw usage('--seconds and --attacks are for the camera; with --images the attack types come from images.csv');
    return imagesMode(resolve(values.images), config, values.json, values.out === undefined ? null : resolve(values.out));
  }
  const seconds = values.seconds === undefined ? DEFAULT_PHASE_SECONDS : Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 60) throw usage(`--seconds must be a number from 1 to 60, got ${values.seconds}`);
  const attacks = values.attacks === undefined ? [...DEFAULT_ATTACKS] : parseAttacks(values.attacks.split(','));
  const people = values.people === undefined ? DEFAULT_ADAPT_PEOPLE : Number(values.people);
  const adapt = values.adapt ? { people: checkPeople(people), out: resolve(values.out as string) } : null;
  return cameraMode(config, seconds, attacks, values.json, adapt);
}
