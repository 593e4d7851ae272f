// One self-test run at the door: phases (live, then each attack type) of a few seconds each, the
// installer starting each one when ready. While a phase runs, the largest face of every analysed
// frame (bus 'analysis', the live pipeline) gives one number, its raw P(live); no frame, crop or
// embedding is kept. Used by `facegate pad selftest` and by the admin panel's wizard.
import { randomUUID } from 'node:crypto';
import { FacegateError, type BusEvents, type Clock, type EventBus, type FaceObservation, type FrameAnalysis, type TimerHandle } from '../../core/index.ts';
import type { PadSecurityLevel } from './model.ts';
import { readPadLevels } from './levels.ts';
import { LIVE_PHASE, selftestReport, selftestReportJson, type PhaseCounts, type SelftestReport, type SelftestSample } from './selftest-report.ts';
import type { AdaptFrame, AdaptOutcome } from './adapt-fit.ts';
import type { PadAdaptationFile } from './adaptation.ts';
import {
  adaptFrame,
  checkPeople,
  personPrompt,
  planPhases,
  selftestAdaptationJson,
  type PlannedPhase,
  type SelftestAdaptOptions,
  type SelftestAdaptation,
} from './selftest-adapt.ts';

export const DEFAULT_ATTACKS: readonly string[] = ['print', 'screen'];
export const DEFAULT_PHASE_SECONDS = 5;
const ATTACK_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export type SelftestStatus = 'waiting' | 'collecting' | 'done' | 'cancelled';

export interface SelftestState {
  id: string;
  status: SelftestStatus;
  phases: string[];
  /** The phase collecting, or the next one while waiting; phases.length once done. */
  phaseIndex: number;
  phase: string | null;
  /** What to present in that phase. */
  prompt: string | null;
  /** Who presents it (1, 2 …) when the run fits an adaptation; else null. */
  person: number | null;
  seconds: number;
  /** Time left in the phase collecting, else null. */
  remainingMs: number | null;
  counts: Record<string, PhaseCounts>;
  /** Set once the last phase ended. */
  report: SelftestReport | null;
  /** The adaptation being collected, fitted or proposed; null when the run does not adapt. */
  adaptation: SelftestAdaptation | null;
  configuredLevel: PadSecurityLevel;
  startedAt: string;
}

export interface SelftestRunOptions {
  bus: EventBus<BusEvents>;
  clock: Clock;
  thresholds: Readonly<Record<PadSecurityLevel, number>>;
  configuredLevel: PadSecurityLevel;
  attacks?: readonly string[];
  seconds?: number;
  /** Asks the live pipeline to analyse the next frame even when the scene is still (a photo held steady). */
  wantFrame?: () => void;
  onChange?: (state: SelftestState) => void;
  /** Fit a door's own PAD model from the run's presentations (each person in turn). */
  adapt?: SelftestAdaptOptions;
}

const PROMPTS: Record<string, string> = {
  live: 'Live faces: stand in front of the camera where people stand, look at it and move your head a little (several people in turn if you can).',
  print: 'Printed photo: hold a printed photo of a face up to the camera, where a face would be, and move it a little.',
  screen: 'Screen: show a face on a phone or tablet screen (full brightness) to the camera, where a face would be.',
};

/** What the installer should present in a phase (the CLI prints it, the panel shows it). */
export function phasePrompt(phase: string): string {
  return PROMPTS[phase] ?? `Attack "${phase}": present it to the camera where a face would be.`;
}

/** The person at the door is the largest face; others are background. */
export function largestFace(faces: readonly FaceObservation[]): FaceObservation | null {
  let best: FaceObservation | null = null;
  for (const f of faces) if (!best || f.box.width * f.box.height > best.box.width * best.box.height) best = f;
  return best;
}

/** Checked attack names (shown in the panel and the CLI, so kept short and plain). */
export function parseAttacks(list: readonly string[]): string[] {
  const names = list.map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
  if (names.length === 0) throw new FacegateError('selftest_invalid', 'give at least one attack type (e.g. print,screen)', { exitCode: 64 });
  for (const n of names) {
    if (n === LIVE_PHASE || !ATTACK_NAME.test(n))
      throw new FacegateError('selftest_invalid', `attack type "${n}" must be a short lowercase name other than "live" (e.g. print, screen)`, { exitCode: 64 });
  }
  if (new Set(names).size !== names.length) throw new FacegateError('selftest_invalid', 'an attack type is listed twice', { exitCode: 64 });
  return names;
}

export class SelftestRun {
  readonly id = randomUUID();
  readonly #o: SelftestRunOptions;
  readonly #plan: PlannedPhase[];
  readonly #phases: string[];
  readonly #attacks: string[];
  readonly #seconds: number;
  readonly #startedAt: string;
  readonly #samples: SelftestSample[] = [];
  readonly #noFace: Record<string, number> = {};
  #status: SelftestStatus = 'waiting';
  #index = 0;
  #phaseStartMono = 0;
  #phaseStartWall = 0;
  #endsAt = 0;
  #timer: TimerHandle | null = null;
  #off: (() => void) | null = null;
  #report: SelftestReport | null = null;
  #settle: (report: SelftestReport | null) => void = () => undefined;
  #adaptation: SelftestAdaptation | null = null;
  /** Each judged face's evidence, for the fit only: dropped once fitted or cancelled. */
  #frames: AdaptFrame[] = [];
  #settleAdapted: (outcome: AdaptOutcome | null) => void = () => undefined;
  /** The report once the last phase ends; null when cancelled. */
  readonly finished: Promise<SelftestReport | null>;
  /** The fit's outcome once fitted; null when the run does not adapt, is cancelled or the fit failed. */
  readonly adapted: Promise<AdaptOutcome | null>;

  constructor(options: SelftestRunOptions) {
    this.#o = options;
    const seconds = options.seconds ?? DEFAULT_PHASE_SECONDS;
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 60)
      throw new FacegateError('selftest_invalid', `a phase lasts 1 to 60 seconds, got ${seconds}`, { exitCode: 64 });
    this.#seconds = seconds;
    this.#attacks = parseAttacks(options.attacks ?? DEFAULT_ATTACKS);
    const people = options.adapt ? checkPeople(options.adapt.people) : null;
    this.#plan = planPhases([LIVE_PHASE, ...this.#attacks], people);
    this.#phases = this.#plan.map((p) => p.phase);
    if (people !== null) this.#adaptation = { status: 'collecting', people, outcome: null, error: null };
    this.#startedAt = new Date(options.clock.now()).toISOString();
    this.finished = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.adapted = new Promise((resolve) => {
      this.#settleAdapted = resolve;
    });
    if (people === null) this.#settleAdapted(null);
  }

  /** The proposed adaptation file of a finished run; null until proposed (refused, failed, not adapting). */
  proposal(): PadAdaptationFile | null {
    return this.#adaptation?.status === 'proposed' ? (this.#adaptation.outcome?.adaptation ?? null) : null;
  }

  get active(): boolean {
    return this.#status === 'waiting' || this.#status === 'collecting';
  }

  /** Starts the next phase; only while waiting for it. */
  advance(): SelftestState {
    if (this.#status !== 'waiting')
      throw new FacegateError(
        'selftest_state',
        this.#status === 'collecting' ? `phase ${this.#phases[this.#index]} is still running` : `the self-test is ${this.#status}`,
      );
    const { clock, bus } = this.#o;
    this.#status = 'collecting';
    this.#phaseStartMono = clock.monotonic();
    this.#phaseStartWall = clock.now();
    this.#endsAt = this.#phaseStartMono + this.#seconds * 1000;
    if (this.#index === 0) this.#collect(true);
    this.#off = bus.on('analysis', (a) => this.#take(a));
    this.#o.wantFrame?.();
    this.#timer = clock.setTimeout(() => this.#endPhase(), this.#seconds * 1000);
    return this.#changed();
  }

  /** Ends a run that is still going; a finished one stays as it is. */
  cancel(): SelftestState {
    if (!this.active) return this.state();
    this.#stopCollecting();
    this.#status = 'cancelled';
    if (this.#adaptation) {
      this.#collect(false);
      this.#frames = [];
      this.#adaptation = { ...this.#adaptation, status: 'cancelled' };
      this.#settleAdapted(null);
    }
    this.#settle(null);
    return this.#changed();
  }

  state(): SelftestState {
    const counts = selftestReport({ samples: this.#samples, thresholds: this.#o.thresholds, attacks: this.#attacks, noFace: this.#noFace }).phases;
    const planned = this.#plan[this.#index];
    return {
      id: this.id,
      status: this.#status,
      phases: [...this.#phases],
      phaseIndex: this.#index,
      phase: this.#phases[this.#index] ?? null,
      prompt: planned ? personPrompt(phasePrompt(planned.phase), planned.phase, planned.person, this.#adaptation?.people ?? 0) : null,
      person: planned?.person ?? null,
      seconds: this.#seconds,
      remainingMs: this.#status === 'collecting' ? Math.max(0, Math.round(this.#endsAt - this.#o.clock.monotonic())) : null,
      counts,
      report: this.#report,
      adaptation: this.#adaptation ? { ...this.#adaptation } : null,
      configuredLevel: this.#o.configuredLevel,
      startedAt: this.#startedAt,
    };
  }

  #take(a: FrameAnalysis): void {
    if (this.#status !== 'collecting') return;
    // A frame captured before the phase began shows what was in front of the camera before.
    const before = a.capturedMono !== undefined ? a.capturedMono < this.#phaseStartMono : a.capturedAt < this.#phaseStartWall;
    if (!before) {
      const { phase, person } = this.#plan[this.#index] as PlannedPhase;
      const face = largestFace(a.faces);
      if (face) {
        this.#samples.push({ phase, raw: face.livenessRaw ?? null });
        if (person !== null) this.#frames.push(adaptFrame(phase, person, face.padEvidence));
      } else this.#noFace[phase] = (this.#noFace[phase] ?? 0) + 1;
    }
    this.#o.wantFrame?.();
  }

  #stopCollecting(): void {
    this.#off?.();
    this.#off = null;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #endPhase(): void {
    this.#timer = null;
    this.#stopCollecting();
    this.#index++;
    if (this.#index < this.#phases.length) {
      this.#status = 'waiting';
    } else {
      this.#status = 'done';
      this.#report = selftestReport({ samples: this.#samples, thresholds: this.#o.thresholds, attacks: this.#attacks, noFace: this.#noFace });
      this.#settle(this.#report);
      if (this.#adaptation) this.#fit();
    }
    this.#changed();
  }

  /** Evidence on for the run, off after; a pipeline that cannot is said in the state (the fit then refuses). */
  #collect(on: boolean): void {
    const adapt = this.#o.adapt;
    if (!adapt) return;
    void (async () => adapt.collect(on))().catch((err: unknown) => {
      if (this.#adaptation) this.#adaptation.error = `the pipeline could not ${on ? 'start' : 'stop'} collecting PAD evidence: ${(err as Error).message}`;
    });
  }

  #fit(): void {
    const adapt = this.#o.adapt as SelftestAdaptOptions;
    const state = this.#adaptation as SelftestAdaptation;
    this.#collect(false);
    const frames = this.#frames;
    this.#frames = [];
    state.status = 'fitting';
    adapt.fit(frames).then(
      (outcome) => {
        state.status = outcome.status;
        state.outcome = outcome;
        this.#settleAdapted(outcome);
        this.#changed();
      },
      (err: unknown) => {
        state.status = 'failed';
        state.error = (err as Error).message;
        this.#settleAdapted(null);
        this.#changed();
      },
    );
  }

  #changed(): SelftestState {
    const s = this.state();
    this.#o.onChange?.(s);
    return s;
  }
}

export interface SelftestStart {
  attacks?: readonly string[];
  seconds?: number;
  /** Fit this door's own PAD model from the run, with this many people presenting (2 or more). */
  adaptPeople?: number;
}

/** The daemon's self-tests: one at a time, the last one's numbers kept in memory until the next. */
export class SelftestRuns {
  readonly #make: (start: SelftestStart) => SelftestRun;
  #current: SelftestRun | null = null;

  /** `make` builds a run on the daemon's bus and pipeline; it may throw (no camera, no PAD). */
  constructor(make: (start: SelftestStart) => SelftestRun) {
    this.#make = make;
  }

  start(start: SelftestStart): SelftestState {
    if (this.#current?.active) throw new FacegateError('selftest_running', 'a self-test is already running; finish or cancel it first');
    this.#current = this.#make(start);
    return this.#current.state();
  }

  /** The current or last run; null before the first. */
  current(): SelftestRun | null {
    return this.#current;
  }

  advance(): SelftestState {
    return this.#need().advance();
  }

  cancel(): SelftestState {
    return this.#need().cancel();
  }

  #need(): SelftestRun {
    if (!this.#current) throw new FacegateError('selftest_none', 'no self-test has been started');
    return this.#current;
  }
}

/** A run's state as the admin API gives it (snake_case; the report in its JSON form). */
export function selftestStateJson(s: SelftestState) {
  return {
    id: s.id,
    status: s.status,
    phases: s.phases,
    phase_index: s.phaseIndex,
    phase: s.phase,
    prompt: s.prompt,
    person: s.person,
    seconds: s.seconds,
    remaining_ms: s.remainingMs,
    configured_level: s.configuredLevel,
    started_at: s.startedAt,
    counts: Object.fromEntries(Object.entries(s.counts).map(([p, c]) => [p, { frames: c.frames, judged: c.judged, unjudged: c.unjudged, no_face: c.noFace }])),
    report: s.report ? selftestReportJson(s.report) : null,
    adaptation: s.adaptation ? selftestAdaptationJson(s.adaptation) : null,
  };
}

export interface DaemonSelftestOptions {
  bus: EventBus<BusEvents>;
  clock: Clock;
  pad: { enabled: boolean; security_level: PadSecurityLevel };
  /** False with camera.source none: there is nothing to show the attacks to. */
  camera: boolean;
  wantFrame: () => void;
  /** Called once per finished run with its numbers (the daemon audits them). */
  onReport?: (report: SelftestReport) => void;
  thresholds?: () => Record<PadSecurityLevel, number>;
  /** How a run that adapts collects evidence and fits; without it, runs cannot adapt. */
  adapt?: Omit<SelftestAdaptOptions, 'people'>;
}

/** The daemon's self-tests on its live pipeline: refused without a camera or with PAD off. */
export function createSelftests(o: DaemonSelftestOptions): SelftestRuns {
  return new SelftestRuns((start) => {
    if (!o.camera) throw new FacegateError('no_camera', 'camera.source is none: there is no camera to test');
    if (!o.pad.enabled) throw new FacegateError('pad_disabled', 'pad.enabled is false: no face is judged, so there is nothing to test');
    if (start.adaptPeople !== undefined && !o.adapt) throw new FacegateError('selftest_invalid', 'this self-test cannot fit an adaptation here');
    let reported = false;
    return new SelftestRun({
      bus: o.bus,
      clock: o.clock,
      thresholds: (o.thresholds ?? readPadLevels)(),
      configuredLevel: o.pad.security_level,
      wantFrame: o.wantFrame,
      ...(start.attacks ? { attacks: start.attacks } : {}),
      ...(start.seconds !== undefined ? { seconds: start.seconds } : {}),
      ...(start.adaptPeople !== undefined && o.adapt ? { adapt: { ...o.adapt, people: start.adaptPeople } } : {}),
      // Once per run: an adapting run changes again when its fit ends.
      onChange: (s) => {
        if (s.status === 'done' && s.report && !reported) {
          reported = true;
          o.onReport?.(s.report);
        }
      },
    });
  });
}
