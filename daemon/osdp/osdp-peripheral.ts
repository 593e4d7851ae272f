import type { Clock, Logger, TimerHandle } from '../core/index.ts';
import type { BuzzerRecord, LedRecord } from './commands.ts';
import { CredentialQueue } from './credential-queue.ts';
import { LineNoise } from './line-noise.ts';
import { Outputs } from './outputs.ts';
import { PeripheralDevice } from './peripheral.ts';
import { FrameReader } from './reader.ts';
import type { CardRead, PdCapabilities, PdIdentity } from './replies.ts';
import { CommandResponder, type LocalInputs, type PdEvent } from './responder.ts';
import { SecureChannel } from './secure-channel.ts';
import { SerialLine } from './serial-line.ts';

export interface OsdpPeripheralOptions {
  port: string;
  baud: number;
  address: number;
  identity: PdIdentity;
  capabilities: PdCapabilities;
  inputs: () => LocalInputs;
  clock: Clock;
  log: Logger;
  /** a credential not polled within this long is dropped (the passage is over) */
  credentialMaxAgeMs: number;
  onEvent?: (event: PdEvent) => void;
  reopenMs?: number;
  /** the secure channel: the device's SCBK (null: none yet), install mode, where a KEYSET's key is stored; absent: plain text only */
  secure?: { scbk: Uint8Array | null; installMode: boolean; storeKey: (scbk: Uint8Array) => void } | null;
}

/** What the PD shows in its status: the line, the panel, and what the panel last asked for. */
export interface OsdpStatus {
  line: 'open' | 'closed';
  panel: 'online' | 'offline';
  led: LedRecord | null;
  buzzer: BuzzerRecord | null;
  outputs: boolean[];
  credentialsSent: number;
  credentialsWaiting: number;
  secureChannel: 'off' | 'inactive' | 'active' | 'active_install_key';
  installMode: boolean;
}

/** A partial packet with no further byte for this long is dropped (the next SOM starts clean). */
const PARTIAL_PACKET_TIMEOUT_MS = 200;

/**
 * facegate as an OSDP PD on one serial line: bytes in → packets → replies out, within the panel's
 * reply timeout (the reply is written synchronously as the command's last byte arrives).
 */
export class OsdpPeripheral {
  readonly #o: OsdpPeripheralOptions;
  readonly #reader = new FrameReader();
  readonly #noise: LineNoise;
  readonly #line: SerialLine;
  readonly #pd: PeripheralDevice;
  readonly #credentials: CredentialQueue;
  readonly #outputs: Outputs;
  readonly #sc: SecureChannel | null;
  #scDefaultKey = false;
  #partialTimer: TimerHandle | null = null;
  #led: LedRecord | null = null;
  #buzzer: BuzzerRecord | null = null;
  #sent = 0;

  constructor(options: OsdpPeripheralOptions) {
    this.#o = options;
    const { clock, log } = options;
    this.#noise = new LineNoise(clock, log);
    this.#credentials = new CredentialQueue(clock, {
      maxAgeMs: options.credentialMaxAgeMs,
      onDropped: (c, why) => log.warn({ passage: c.passage, why }, 'OSDP credential dropped before the panel polled for it'),
    });
    this.#outputs = new Outputs(clock, options.capabilities.outputs, (output, active) => this.#emit({ type: 'output', output, active }));
    this.#sc = options.secure
      ? new SecureChannel({
          ...options.secure,
          cuid: clientUid(options.identity),
          clock,
          onChange: (s) => {
            this.#scDefaultKey = s.active && s.defaultKey;
            this.#emit({ type: 'secure_channel', ...s });
          },
        })
      : null;
    const responder = new CommandResponder({
      identity: options.identity,
      capabilities: { ...options.capabilities, secureChannel: this.#sc !== null },
      inputs: options.inputs,
      credentials: this.#credentials,
      outputs: this.#outputs,
      emit: (e) => this.#emit(e),
    });
    this.#pd = new PeripheralDevice({ address: options.address, clock, responder, emit: (e) => this.#emit(e), secureChannel: this.#sc });
    this.#line = new SerialLine({ path: options.port, baud: options.baud, clock, log, onData: (chunk) => this.#onData(chunk), reopenMs: options.reopenMs });
  }

  start(): void {
    this.#line.start();
  }

  stop(): void {
    this.#line.stop();
    this.#pd.stop();
    this.#outputs.stop();
    if (this.#partialTimer) this.#o.clock.clearTimeout(this.#partialTimer);
    this.#partialTimer = null;
  }

  /** Queues a verified person's credential for the next poll; false when this passage already sent one. */
  offerCredential(passage: string, card: CardRead): boolean {
    return this.#credentials.offer(passage, card);
  }

  status(): OsdpStatus {
    return {
      line: this.#line.open ? 'open' : 'closed',
      panel: this.#pd.online ? 'online' : 'offline',
      led: this.#led,
      buzzer: this.#buzzer,
      outputs: this.#outputs.states(),
      credentialsSent: this.#sent,
      credentialsWaiting: this.#credentials.size,
      secureChannel: !this.#sc ? 'off' : !this.#sc.active ? 'inactive' : this.#scDefaultKey ? 'active_install_key' : 'active',
      installMode: this.#sc?.installMode ?? false,
    };
  }

  #onData(chunk: Uint8Array): void {
    for (const event of this.#reader.push(chunk)) {
      if (event.kind === 'garbage') this.#noise.garbage(event.bytes);
      else if (event.kind === 'invalid') this.#noise.invalid(event.reason);
      else {
        const reply = this.#pd.receive(event.frame, event.macInput);
        if (reply && !this.#line.write(reply)) this.#o.log.warn({ command: event.frame.code }, 'OSDP reply could not be written');
      }
    }
    if (this.#partialTimer) this.#o.clock.clearTimeout(this.#partialTimer);
    this.#partialTimer = this.#reader.partial ? this.#o.clock.setTimeout(() => this.#dropPartial(), PARTIAL_PACKET_TIMEOUT_MS) : null;
  }

  #dropPartial(): void {
    this.#partialTimer = null;
    const bytes = this.#reader.reset();
    if (bytes) this.#noise.invalid(`a packet cut short: ${bytes} bytes and then silence`);
  }

  #emit(event: PdEvent): void {
    if (event.type === 'led') this.#led = event.record;
    else if (event.type === 'buzzer') this.#buzzer = event.record;
    else if (event.type === 'credential_sent') this.#sent++;
    if (event.type === 'online' || event.type === 'offline') this.#o.log.info({ port: this.#o.port, address: this.#o.address }, `OSDP panel ${event.type}`);
    else if (event.type === 'refused') this.#o.log.info({ command: event.command, nak: event.nak, why: event.why }, 'OSDP command refused with NAK');
    else if (event.type === 'secure_channel')
      this.#o.log.info(
        { active: event.active, installKey: event.defaultKey, reason: event.reason },
        `OSDP secure channel ${event.active ? 'active' : 'inactive'}`,
      );
    try {
      this.#o.onEvent?.(event);
    } catch (err) {
      this.#o.log.error({ err, event: event.type }, 'OSDP event listener failed');
    }
  }
}

/** The 8-byte client UID of osdp_CCRYPT, as libosdp builds it: vendor code (2 bytes), model, version, serial number (LSB first). */
function clientUid(id: PdIdentity): Uint8Array {
  const s = id.serialNumber >>> 0;
  return Uint8Array.of(id.vendorCode & 0xff, (id.vendorCode >> 8) & 0xff, id.model, id.version, s & 0xff, (s >> 8) & 0xff, (s >> 16) & 0xff, s >>> 24);
}
