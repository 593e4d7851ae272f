import { execFile } from 'node:child_process';

/**
 * Talks to systemd's notify socket through the `systemd-notify` tool: Node has no AF_UNIX
 * datagram sockets, and a native addon for four messages is not worth its build on a Pi.
 * The unit sets NotifyAccess=all because the message comes from this helper child process.
 */
export class SdNotify {
  readonly #socket: string | undefined;
  readonly #binary: string;

  constructor(env: NodeJS.ProcessEnv = process.env, binary = 'systemd-notify') {
    this.#socket = env.NOTIFY_SOCKET;
    this.#binary = binary;
  }

  get enabled(): boolean {
    return Boolean(this.#socket);
  }

  send(...assignments: string[]): Promise<void> {
    if (!this.#socket) return Promise.resolve();
    return new Promise((resolve) => {
      execFile(this.#binary, [`--pid=${process.pid}`, ...assignments], { env: { ...process.env, NOTIFY_SOCKET: this.#socket }, timeout: 5000 }, () =>
        resolve(),
      );
    });
  }

  ready(status?: string): Promise<void> {
    return this.send('--ready', ...(status ? [`--status=${status}`] : []));
  }

  stopping(): Promise<void> {
    return this.send('STOPPING=1');
  }

  watchdog(): Promise<void> {
    return this.send('WATCHDOG=1');
  }

  /** The watchdog interval systemd asked for, in ms (WATCHDOG_USEC), or null. */
  static watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env): number | null {
    const usec = Number(env.WATCHDOG_USEC);
    if (!Number.isFinite(usec) || usec <= 0) return null;
    const pid = env.WATCHDOG_PID;
    if (pid && Number(pid) !== process.pid) return null;
    return usec / 1000;
  }
}
