// The leave-one-subject-out table that train-pad and eval:pad print.
import type { LosoReport } from './fusion-train.ts';

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export function printLoso(loso: LosoReport): void {
  console.log(`fused ${loso.inputs.join(' + ')}, leave-one-subject-out (everything facegate fits is fitted without the held-out subject):`);
  console.log('level        frame APCER  frame BPCER  track APCER  track BPCER  (tracks of ' + loso.trackFrames + ' frames, all must pass)');
  for (const [level, r] of Object.entries(loso.frame)) {
    const t = loso.track[level as keyof typeof loso.track];
    console.log(`${level.padEnd(12)} ${pct(r.apcer).padStart(11)}  ${pct(r.bpcer).padStart(11)}  ${pct(t.apcer).padStart(11)}  ${pct(t.bpcer).padStart(11)}`);
  }
}
