import type { BuzzerRecord, LedPhase, LedRecord } from './commands.ts';

/** A panel's LED, buzzer and output commands in a few words, for an event's reason and the log. */

function phase(p: LedPhase): string {
  if (p.offMs === 0 || p.offColor === p.onColor) return p.onColor;
  return `${p.onColor} ${p.onMs}/${p.offMs} ms${p.offColor === 'off' ? '' : ` with ${p.offColor}`}`;
}

export function describeLed(r: LedRecord): string {
  const parts: string[] = [];
  if (r.temporary.control === 2) parts.push(`${phase(r.temporary)} for ${r.temporary.timerMs} ms`);
  else if (r.temporary.control === 1) parts.push('temporary cancelled');
  if (r.permanent.control === 1) parts.push(`then ${phase(r.permanent)}`);
  return `led ${r.led}: ${parts.join(', ') || 'no change'}`;
}

export function describeBuzzer(r: BuzzerRecord): string {
  if (r.tone === 1) return 'off';
  if (r.tone === 0) return 'no change';
  return `tone ${r.tone}: ${r.onMs}/${r.offMs} ms, ${r.count === 0 ? 'until told otherwise' : r.count === 1 ? 'once' : `${r.count} times`}`;
}

export function describeOutput(output: number, active: boolean): string {
  return `output ${output} ${active ? 'on' : 'off'}`;
}
