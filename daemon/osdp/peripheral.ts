import type { Clock, TimerHandle } from '../core/index.ts';
import { BROADCAST_ADDRESS, Command, Nak } from './codes.ts';
import { encodeFrame, type Frame, type Sequence } from './frame.ts';
import type { CommandResponder, PdEvent } from './responder.ts';
import { nak, type ReplyBody } from './replies.ts';
import type { SecureChannel } from './secure-channel.ts';

export interface PeripheralOptions {
  /** 0..126 */
  address: number;
  clock: Clock;
  responder: CommandResponder;
  emit: (event: PdEvent) => void;
  /** the secure channel, when the device has a key or install mode is on; null: plain text only */
  secureChannel?: SecureChannel | null;
  /** no valid command addressed to us for this long: the panel is gone (libosdp's PD uses 8 s) */
  onlineTimeoutMs?: number;
}

interface LastReply {
  sequence: Sequence;
  command: number;
  bytes: Uint8Array;
}

const ONLINE_TIMEOUT_MS = 8000;

/**
 * The link side of an OSDP PD: which packets are for it, the sequence numbers, the reply framing,
 * online and offline. A retried command (the same sequence number and command again: the panel
 * missed the reply) gets the same reply bytes again, so nothing it carried is done or sent twice;
 * sequence 0 starts over; any other sequence than the next one is NAK 4.
 */
export class PeripheralDevice {
  readonly #o: PeripheralOptions;
  readonly #timeoutMs: number;
  #lastSequence: Sequence | null = null;
  #last: LastReply | null = null;
  #online = false;
  #timer: TimerHandle | null = null;

  constructor(options: PeripheralOptions) {
    this.#o = options;
    this.#timeoutMs = options.onlineTimeoutMs ?? ONLINE_TIMEOUT_MS;
  }

  get online(): boolean {
    return this.#online;
  }

  /** The bytes to send back for one received packet (`macInput`: what its MAC covers), or null when it is not ours to answer. */
  receive(frame: Frame, macInput: Uint8Array = new Uint8Array(0)): Uint8Array | null {
    if (frame.reply) return null; // another PD's reply on a shared bus
    if (frame.address !== this.#o.address && frame.address !== BROADCAST_ADDRESS) return null;
    this.#alive();
    if (frame.sequence === 0) {
      this.#lastSequence = null;
      this.#last = null;
      this.#o.secureChannel?.reset();
    } else if (this.#last && frame.sequence === this.#last.sequence && frame.code === this.#last.command) {
      return this.#last.bytes;
    } else if (frame.sequence !== this.#expected() && frame.sequence !== this.#lastSequence) {
      const body = nak(Nak.SEQUENCE);
      this.#o.emit({ type: 'refused', command: frame.code, nak: Nak.SEQUENCE, why: `sequence ${frame.sequence}, expected ${this.#expected()}` });
      return this.#encode(frame, body);
    }
    const bytes = this.#answer(frame, macInput);
    this.#lastSequence = frame.sequence;
    this.#last = { sequence: frame.sequence, command: frame.code, bytes };
    return bytes;
  }

  stop(): void {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #expected(): Sequence {
    if (this.#lastSequence === null) return 0;
    return this.#lastSequence === 3 ? 1 : ((this.#lastSequence + 1) as Sequence);
  }

  #answer(frame: Frame, macInput: Uint8Array): Uint8Array {
    const sc = this.#o.secureChannel;
    if (!sc) {
      if (!frame.securityBlock) return this.#encode(frame, this.#o.responder.respond(frame.code, frame.data));
      this.#o.emit({ type: 'refused', command: frame.code, nak: Nak.SC_UNSUPPORTED, why: 'a secure-channel packet; this PD has no secure channel' });
      return this.#encode(frame, nak(Nak.SC_UNSUPPORTED));
    }
    const opened = sc.open(frame, macInput);
    if (opened.kind === 'answer') {
      if (opened.nak) this.#o.emit({ type: 'refused', command: frame.code, nak: opened.nak.code, why: opened.nak.why });
      return this.#encode(frame, opened.body, opened.securityBlock);
    }
    let body: ReplyBody;
    if (opened.code === Command.KEYSET && opened.secure) {
      const result = sc.keyset(opened.data);
      if (result.refused) this.#o.emit({ type: 'refused', command: frame.code, nak: result.refused.code, why: result.refused.why });
      body = result.body;
    } else {
      body = this.#o.responder.respond(opened.code, opened.data);
    }
    if (!opened.secure) return this.#encode(frame, body);
    const sealed = sc.seal(body);
    return this.#encode(frame, { code: body.code, data: sealed.data }, sealed.securityBlock, sealed.computeMac);
  }

  #encode(command: Frame, body: ReplyBody, securityBlock: Uint8Array | null = null, computeMac?: (input: Uint8Array) => Uint8Array): Uint8Array {
    return encodeFrame(
      {
        address: command.address,
        reply: true,
        sequence: command.sequence,
        useCrc: command.useCrc,
        mark: command.mark,
        securityBlock,
        code: body.code,
        data: body.data,
        mac: null,
      },
      computeMac,
    );
  }

  #alive(): void {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      this.#online = false;
      this.#o.emit({ type: 'offline' });
    }, this.#timeoutMs);
    if (!this.#online) {
      this.#online = true;
      this.#o.emit({ type: 'online' });
    }
  }
}
