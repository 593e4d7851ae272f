import type { DoorControl } from '../../daemon/core/index.ts';

export type DoorCall =
  | { op: 'unlock'; by: Parameters<DoorControl['unlock']>[0] }
  | { op: 'holdUnlockedUntil'; until: Date | null; actor: string }
  | { op: 'setLockdown'; on: boolean; actor: string };

/** The hardware boundary's interface, recording every call; unlock answers `unlockResult` (false = refused, as in lockdown). */
export class RecordingDoorControl implements DoorControl {
  readonly id: string;
  readonly calls: DoorCall[] = [];
  unlockResult = true;

  constructor(id = 'front') {
    this.id = id;
  }

  unlock(by: Parameters<DoorControl['unlock']>[0]): boolean {
    this.calls.push({ op: 'unlock', by });
    return this.unlockResult;
  }

  holdUnlockedUntil(until: Date | null, actor: string): void {
    this.calls.push({ op: 'holdUnlockedUntil', until, actor });
  }

  setLockdown(on: boolean, actor: string): void {
    this.calls.push({ op: 'setLockdown', on, actor });
  }
}
