import { Command, Nak, type NakCode, Reply } from './codes.ts';
import { decodeBuzzer, decodeLed, decodeOutput, type BuzzerRecord, type LedRecord } from './commands.ts';
import type { CredentialQueue } from './credential-queue.ts';
import type { Outputs } from './outputs.ts';
import { ack, lstatr, nak, pdcap, pdid, raw, statusReport, type PdCapabilities, type PdIdentity, type ReplyBody } from './replies.ts';

/** What the PD tells the rest of facegate. */
export type PdEvent =
  | { type: 'led'; record: LedRecord }
  | { type: 'buzzer'; record: BuzzerRecord }
  | { type: 'output'; output: number; active: boolean }
  | { type: 'credential_sent'; passage: string }
  | { type: 'secure_channel'; active: boolean; defaultKey: boolean; reason: string }
  | { type: 'online' }
  | { type: 'offline' }
  /** a command answered with osdp_NAK, and why */
  | { type: 'refused'; command: number; nak: NakCode; why: string };

/** The PD's own inputs, read when the panel asks (osdp_LSTAT, osdp_ISTAT). */
export interface LocalInputs {
  tamper: boolean;
  powerFailure: boolean;
  /** one entry per monitored input (PdCapabilities.inputs), true = active */
  inputs: boolean[];
}

export interface ResponderOptions {
  identity: PdIdentity;
  capabilities: PdCapabilities;
  inputs: () => LocalInputs;
  credentials: CredentialQueue;
  outputs: Outputs;
  emit: (event: PdEvent) => void;
}

const NO_DATA_COMMANDS = new Set<number>([Command.POLL, Command.LSTAT, Command.ISTAT, Command.OSTAT]);

/**
 * Answers one plain command (code and data, framing and secure channel already taken off) with one
 * reply body, and does what the command asks. What this PD does not implement gets the NAK the
 * standard defines: 3 for an unknown command, 2 for a wrong length, 5 for secure-channel commands
 * while it has no secure channel, 9 for a record it cannot carry out (an LED it does not have).
 */
export class CommandResponder {
  readonly #o: ResponderOptions;

  constructor(options: ResponderOptions) {
    this.#o = options;
  }

  respond(code: number, data: Uint8Array): ReplyBody {
    if (NO_DATA_COMMANDS.has(code) && data.length !== 0) return this.#refuse(code, Nak.CMD_LENGTH, `${data.length} data bytes, expected none`);
    switch (code) {
      case Command.POLL:
        return this.#poll();
      case Command.ID:
      case Command.CAP:
        if (data.length !== 1) return this.#refuse(code, Nak.CMD_LENGTH, `${data.length} data bytes, expected 1`);
        return code === Command.ID ? pdid(this.#o.identity) : pdcap(this.#o.capabilities);
      case Command.LSTAT:
        return lstatr(this.#o.inputs());
      case Command.ISTAT:
        return statusReport(Reply.ISTATR, fit(this.#o.inputs().inputs, this.#o.capabilities.inputs));
      case Command.OSTAT:
        return statusReport(Reply.OSTATR, this.#o.outputs.states());
      case Command.LED:
        return this.#led(data);
      case Command.BUZ:
        return this.#buzzer(data);
      case Command.OUT:
        return this.#output(data);
      case Command.CHLNG:
      case Command.SCRYPT:
      case Command.KEYSET:
        if (!this.#o.capabilities.secureChannel) return this.#refuse(code, Nak.SC_UNSUPPORTED, 'no secure channel on this PD');
        return this.#refuse(code, Nak.SC_CONDITIONS, 'secure-channel command outside the secure-channel layer');
      default:
        return this.#refuse(code, Nak.UNKNOWN_COMMAND, 'not implemented by this PD');
    }
  }

  #poll(): ReplyBody {
    const next = this.#o.credentials.take();
    if (!next) return ack();
    this.#o.emit({ type: 'credential_sent', passage: next.passage });
    return raw(next.card);
  }

  #led(data: Uint8Array): ReplyBody {
    const records = decodeLed(data);
    if (!records) return this.#refuse(Command.LED, Nak.CMD_LENGTH, `${data.length} bytes is not a whole number of 14-byte LED records`);
    const bad = records.find((r) => r.reader !== 0 || r.led >= this.#o.capabilities.leds);
    if (bad) return this.#refuse(Command.LED, Nak.RECORD, `no LED ${bad.led} on reader ${bad.reader}`);
    for (const record of records) this.#o.emit({ type: 'led', record });
    return ack();
  }

  #buzzer(data: Uint8Array): ReplyBody {
    const records = decodeBuzzer(data);
    if (!records) return this.#refuse(Command.BUZ, Nak.CMD_LENGTH, `${data.length} bytes is not a whole number of 5-byte buzzer records`);
    if (!this.#o.capabilities.buzzer) return this.#refuse(Command.BUZ, Nak.RECORD, 'no buzzer on this PD');
    const bad = records.find((r) => r.reader !== 0);
    if (bad) return this.#refuse(Command.BUZ, Nak.RECORD, `no buzzer on reader ${bad.reader}`);
    for (const record of records) this.#o.emit({ type: 'buzzer', record });
    return ack();
  }

  #output(data: Uint8Array): ReplyBody {
    const records = decodeOutput(data);
    if (!records) return this.#refuse(Command.OUT, Nak.CMD_LENGTH, `${data.length} bytes is not a whole number of 4-byte output records`);
    const bad = records.find((r) => r.output >= this.#o.capabilities.outputs || r.control > 6);
    if (bad) return this.#refuse(Command.OUT, Nak.RECORD, `output ${bad.output} with control code ${bad.control} cannot be carried out`);
    for (const record of records) this.#o.outputs.apply(record);
    return ack();
  }

  #refuse(command: number, code: NakCode, why: string): ReplyBody {
    this.#o.emit({ type: 'refused', command, nak: code, why });
    return nak(code);
  }
}

/** Exactly `count` entries (osdp_ISTATR must match the PDCAP count), missing ones inactive. */
function fit(states: readonly boolean[], count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => states[i] ?? false);
}
